#!/usr/bin/python3
"""The Python side of `npm run bench` (bench/metrics.ts): times the reference
implementations on the feature files the bench wrote, in one process, and
prints one JSON line: {"seconds": ..., "value": ...}.

    /usr/bin/python3 test/reference/bench-metrics-reference.py fid REAL.npy FAKE.npy
    /usr/bin/python3 test/reference/bench-metrics-reference.py fid-cholesky REAL.npy FAKE.npy
    /usr/bin/python3 test/reference/bench-metrics-reference.py fid-sqrtm REAL.npy FAKE.npy
    /usr/bin/python3 test/reference/bench-metrics-reference.py prdc REAL.npy FAKE.npy
    /usr/bin/python3 test/reference/bench-metrics-reference.py kid REAL.npy FAKE.npy SUBSETS SIZE

- fid: the same work as genreport, numpy/scipy: load, float64 means and
  covariances, then eigenvalues of Sigma1*Sigma2 by scipy.linalg.eigh(type=2)
  (LAPACK dpotrf + dsygst + dsyevd); timed from before the load.
- fid-cholesky: issue 29's reference, numpy only: load, float64 means and
  covariances, L = cholesky(Sigma1), eigvalsh(L^T Sigma2 L) (two dgemm and
  dsyevd); timed from before the load.
- fid-sqrtm: pytorch-fid's calculate_frechet_distance (scipy sqrtm).
- prdc: clovaai prdc's compute_prdc (sklearn pairwise_distances, n_jobs=8), k=5.
- kid: torch-fidelity's KID loop (numpy), RandomState(0) subsets.

The bench also times each call as a whole process (start and imports
included): issue 29's targets compare genreport's whole command with that.
"""
import json
import os
import sys
import time

import numpy as np


def load_fixtures():
    # Only for the kinds that use it: it imports scipy and sklearn, which the
    # numpy-only FID routes must not pay for (the bench times whole processes).
    from importlib import import_module
    sys.path.insert(0, os.path.dirname(__file__))
    return import_module('make-metric-fixtures')


def main():
    kind, real_path, fake_path = sys.argv[1:4]
    fixtures = load_fixtures() if kind in ('fid-sqrtm', 'prdc', 'kid') else None
    start = time.perf_counter()
    real = np.load(real_path).astype(np.float64)
    fake = np.load(fake_path).astype(np.float64)
    if kind == 'fid':
        from scipy import linalg
        mu1, s1 = real.mean(axis=0), np.cov(real, rowvar=False)
        mu2, s2 = fake.mean(axis=0), np.cov(fake, rowvar=False)
        w = linalg.eigh(s2, s1, type=2, eigvals_only=True)
        diff = mu1 - mu2
        value = float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.sqrt(np.clip(w, 0, None)).sum())
    elif kind == 'fid-cholesky':
        mu1, s1 = real.mean(axis=0), np.cov(real, rowvar=False)
        mu2, s2 = fake.mean(axis=0), np.cov(fake, rowvar=False)
        low = np.linalg.cholesky(s1)
        w = np.linalg.eigvalsh(low.T @ s2 @ low)
        diff = mu1 - mu2
        value = float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.sqrt(np.clip(w, 0, None)).sum())
    elif kind == 'fid-sqrtm':
        mu1, s1 = real.mean(axis=0), np.cov(real, rowvar=False)
        mu2, s2 = fake.mean(axis=0), np.cov(fake, rowvar=False)
        value = fixtures.calculate_frechet_distance(mu1, s1, mu2, s2)
    elif kind == 'prdc':
        value = fixtures.compute_prdc(real, fake, 5)
    elif kind == 'kid':
        subsets, size = int(sys.argv[4]), int(sys.argv[5])
        rng = np.random.RandomState(0)
        mmds = [fixtures.polynomial_mmd(real[rng.choice(len(real), size, replace=False)],
                                        fake[rng.choice(len(fake), size, replace=False)]) for _ in range(subsets)]
        value = {'mean': float(np.mean(mmds)), 'std': float(np.std(mmds))}
    else:
        raise SystemExit('unknown kind ' + kind)
    print(json.dumps({'seconds': time.perf_counter() - start, 'value': value}))


if __name__ == '__main__':
    main()
