"""clovaai-prdc-style reference for `npm run bench` (our own few lines, the
same computation as generative-evaluation-prdc's compute_prdc): full
pairwise distance matrices from sklearn.metrics.pairwise_distances
(n_jobs=8, as prdc calls it), k-NN radii by np.partition, then the four
values; and the nearest-real distance as the row minimum of the
generated-by-real distance matrix. Prints one JSON line with the seconds,
the peak resident memory (ru_maxrss) before and after, and the values.

    python3 bench/prdc_sklearn.py prdc|nearest-real REAL.npy FAKE.npy [K]
"""
import json
import resource
import sys
import time

import numpy as np
from sklearn.metrics import pairwise_distances


def mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def distances(a, b):
    return pairwise_distances(a, b, metric='euclidean', n_jobs=8)


def kth_radii(x, k):
    d = distances(x, x)
    return np.partition(d, k, axis=-1)[:, k]  # self at distance 0 is the 0-th


def prdc(real, fake, k):
    real_r = kth_radii(real, k)
    fake_r = kth_radii(fake, k)
    d = distances(real, fake)
    return dict(
        precision=float((d < real_r[:, None]).any(axis=0).mean()),
        recall=float((d < fake_r[None, :]).any(axis=1).mean()),
        density=float((1. / k) * (d < real_r[:, None]).sum(axis=0).mean()),
        coverage=float((d.min(axis=1) < real_r).mean()),
    )


def main():
    kind, real_file, fake_file = sys.argv[1:4]
    k = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    real = np.load(real_file).astype(np.float64)
    fake = np.load(fake_file).astype(np.float64)
    before = mib()
    start = time.perf_counter()
    if kind == 'prdc':
        value = prdc(real, fake, k)
    elif kind == 'nearest-real':
        value = dict(meanDistance=float(distances(fake, real).min(axis=1).mean()))
    else:
        raise SystemExit(f'unknown kind {kind}')
    seconds = time.perf_counter() - start
    print(json.dumps(dict(seconds=seconds, inputRssMiB=before, peakRssMiB=mib(), value=value)))


if __name__ == '__main__':
    main()
