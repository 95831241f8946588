#!/usr/bin/python3
"""Reference values for the classifier score and the 1-D Wasserstein distance.

    /usr/bin/python3 test/reference/make-extra-metric-fixtures.py

writes test/fixtures/metrics/extra.json:
- classifier score: torch-fidelity's isc formula (metric_isc.py) on 53 rows of
  Dirichlet class probabilities, 10 contiguous splits (no shuffle), float64;
- W1: scipy.stats.wasserstein_distance on two 1-D samples of unequal size,
  with ties.
"""
import json
import os

import numpy as np
from scipy.stats import wasserstein_distance

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'metrics', 'extra.json')


def isc(prob, splits=10):
    n = prob.shape[0]
    scores = []
    for i in range(splits):
        part = prob[(i * n // splits):((i + 1) * n // splits), :]
        p_y = part.mean(axis=0, keepdims=True)
        kl = part * (np.log(part) - np.log(p_y))
        scores.append(np.exp(kl.sum(axis=1).mean()))
    return float(np.mean(scores)), float(np.std(scores))


def main():
    rng = np.random.RandomState(7)
    prob = rng.dirichlet(np.full(10, 0.3), size=53)
    mean, std = isc(prob)
    a = np.round(rng.randn(37) * 2, 1)
    b = np.round(rng.randn(23) + 0.5, 1)
    case = {
        'probabilities': {'rows': 53, 'cols': 10, 'data': prob.ravel().tolist()},
        'classifierScore': {'mean': mean, 'std': std},
        'w1': {'a': a.tolist(), 'b': b.tolist(), 'distance': float(wasserstein_distance(a, b))},
    }
    with open(OUT, 'w') as f:
        json.dump(case, f, separators=(',', ':'))
        f.write('\n')
    print(case['classifierScore'], case['w1']['distance'])


if __name__ == '__main__':
    main()
