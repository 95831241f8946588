#!/usr/bin/python3
"""Reference values for paired differences (src/metrics/paired-difference.ts).

    /usr/bin/python3 test/reference/make-paired-difference-fixtures.py

writes test/fixtures/metrics/paired-differences.json:
- per-image: two models' bits/dim on the same 400 test images that differ by a
  constant 0.02 plus small noise; the paired mean difference with
  mean +- 1.96 sd / sqrt(n) (sd with ddof = 1), and each model's own interval;
- bootstrap: two models' replicates drawn with the same indices (a shared
  per-resample component plus small noise); np.percentile (linear
  interpolation) of the replicate-wise differences at 2.5 and 97.5.
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'metrics', 'paired-differences.json')
Z95 = 1.959963984540054


def interval(values):
    n = len(values)
    mean = values.mean()
    half = Z95 * values.std(ddof=1) / np.sqrt(n)
    return {'value': float(mean), 'low': float(mean - half), 'high': float(mean + half)}


rng = np.random.default_rng(23)
n = 400
hardness = rng.normal(1.1, 0.35, n)  # per-image difficulty, shared by both models
best = hardness + rng.normal(0, 0.004, n)
other = hardness + 0.02 + rng.normal(0, 0.004, n)

shared = rng.normal(20.0, 1.5, 100)  # per-resample component, shared
rep_best = shared + rng.normal(0, 0.05, 100)
rep_other = shared + 0.4 + rng.normal(0, 0.05, 100)
d = rep_other - rep_best

fixture = {
    'perImage': {
        'best': best.tolist(),
        'other': other.tolist(),
        'difference': interval(other - best),
        'bestAlone': interval(best),
        'otherAlone': interval(other),
    },
    'bootstrap': {
        'bestValue': 20.1,
        'otherValue': 20.5,
        'best': rep_best.tolist(),
        'other': rep_other.tolist(),
        'difference': {'value': 20.5 - 20.1, 'low': float(np.percentile(d, 2.5)), 'high': float(np.percentile(d, 97.5))},
        'bestAlone': [float(np.percentile(rep_best, 2.5)), float(np.percentile(rep_best, 97.5))],
        'otherAlone': [float(np.percentile(rep_other, 2.5)), float(np.percentile(rep_other, 97.5))],
    },
}
with open(OUT, 'w') as f:
    json.dump(fixture, f, indent=1)
    f.write('\n')
