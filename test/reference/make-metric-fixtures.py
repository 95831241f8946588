#!/usr/bin/python3
"""Reference values for genreport's metric tests.

Run with Debian's Python (numpy, scipy, sklearn from apt):
    /usr/bin/python3 test/reference/make-metric-fixtures.py
It writes test/fixtures/metrics/<case>.json: the feature sets (floats written
with repr, so they round-trip exactly) and the values the reference
implementations give for them. The tests read only the JSON.

- FID: pytorch-fid's calculate_frechet_distance (scipy.linalg.sqrtm, real
  part, eps retry) and an eigenvalue route; means/covariances as pytorch-fid
  (np.mean, np.cov(rowvar=False), float64).
- KID: torch-fidelity's polynomial_mmd / mmd2 ('unbiased') on one subset made
  of the first m = min(n_real, n_fake) rows of each set.
- PRDC: clovaai prdc's compute_prdc (reimplemented below, same sklearn calls),
  plus Kynkaenniemi precision/recall with closed balls (<=), genreport's
  convention.
"""
import json
import os
import warnings

import numpy as np
import sklearn
import sklearn.metrics
from scipy import linalg

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'metrics')


# ---- pytorch-fid (src/pytorch_fid/fid_score.py) ----
def calculate_frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError('Imaginary component {}'.format(np.max(np.abs(covmean.imag))))
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def fid_by_eigenvalues(mu1, sigma1, mu2, sigma2):
    vals, vecs = np.linalg.eigh(sigma1)
    s = (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T
    m = s @ sigma2 @ s
    tr = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * tr)


# ---- torch-fidelity (torch_fidelity/metric_kid.py) ----
def mmd2(K_XX, K_XY, K_YY):
    m = K_XX.shape[0]
    diag_X = np.diagonal(K_XX)
    diag_Y = np.diagonal(K_YY)
    Kt_XX_sum = (K_XX.sum(axis=1) - diag_X).sum()
    Kt_YY_sum = (K_YY.sum(axis=1) - diag_Y).sum()
    K_XY_sum = K_XY.sum(axis=0).sum()
    return (Kt_XX_sum + Kt_YY_sum) / (m * (m - 1)) - 2 * K_XY_sum / (m * m)


def polynomial_kernel(X, Y, degree=3, gamma=None, coef0=1):
    if gamma is None:
        gamma = 1.0 / X.shape[1]
    return (np.matmul(X, Y.T) * gamma + coef0) ** degree


def polynomial_mmd(f1, f2):
    return float(mmd2(polynomial_kernel(f1, f1), polynomial_kernel(f1, f2), polynomial_kernel(f2, f2)))


# ---- clovaai prdc (prdc/prdc.py) ----
def compute_pairwise_distance(data_x, data_y=None):
    if data_y is None:
        data_y = data_x
    return sklearn.metrics.pairwise_distances(data_x, data_y, metric='euclidean', n_jobs=8)


def get_kth_value(unsorted, k, axis=-1):
    indices = np.argpartition(unsorted, k, axis=axis)[..., :k]
    k_smallests = np.take_along_axis(unsorted, indices, axis=axis)
    return k_smallests.max(axis=axis)


def compute_nearest_neighbour_distances(input_features, nearest_k):
    return get_kth_value(compute_pairwise_distance(input_features), k=nearest_k + 1, axis=-1)


def compute_prdc(real_features, fake_features, nearest_k):
    real_r = compute_nearest_neighbour_distances(real_features, nearest_k)
    fake_r = compute_nearest_neighbour_distances(fake_features, nearest_k)
    d = compute_pairwise_distance(real_features, fake_features)
    precision = (d < np.expand_dims(real_r, axis=1)).any(axis=0).mean()
    recall = (d < np.expand_dims(fake_r, axis=0)).any(axis=1).mean()
    density = (1. / float(nearest_k)) * (d < np.expand_dims(real_r, axis=1)).sum(axis=0).mean()
    coverage = (d.min(axis=1) < real_r).mean()
    return dict(precision=float(precision), recall=float(recall), density=float(density), coverage=float(coverage))


def kynkaanniemi_pr(real_features, fake_features, k):
    """Closed balls (<=), genreport's convention for precision/recall."""
    real_r = compute_nearest_neighbour_distances(real_features, k)
    fake_r = compute_nearest_neighbour_distances(fake_features, k)
    d = compute_pairwise_distance(real_features, fake_features)
    precision = (d <= real_r[:, None]).any(axis=0).mean()
    recall = (d <= fake_r[None, :]).any(axis=1).mean()
    return dict(precision=float(precision), recall=float(recall))


def make_case(name, real, fake, note):
    mu1, s1 = np.mean(real, axis=0), np.cov(real, rowvar=False)
    mu2, s2 = np.mean(fake, axis=0), np.cov(fake, rowvar=False)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            fid_sqrtm = calculate_frechet_distance(mu1, s1, mu2, s2)
        except ValueError:
            fid_sqrtm = None  # pytorch-fid itself gives up (imaginary component)
    m = min(len(real), len(fake))
    case = {
        'name': name,
        'note': note,
        'real': {'rows': real.shape[0], 'cols': real.shape[1], 'data': real.ravel().tolist()},
        'fake': {'rows': fake.shape[0], 'cols': fake.shape[1], 'data': fake.ravel().tolist()},
        'expected': {
            'realMean': mu1.tolist(),
            'realCovTrace': float(np.trace(s1)),
            'realCovFrobenius': float(np.linalg.norm(s1)),
            'realCovFirstRow': s1[0].tolist(),
            'fidSqrtm': fid_sqrtm,
            'fidEigen': fid_by_eigenvalues(mu1, s1, mu2, s2),
            'kidOneSubset': {'subsetSize': m, 'mmd2': polynomial_mmd(real[:m], fake[:m])},
            'prdcClovaaiK5': compute_prdc(real, fake, 5),
            'prdcClovaaiK3': compute_prdc(real, fake, 3),
            'precisionRecallClosedK3': kynkaanniemi_pr(real, fake, 3),
        },
        'versions': {'numpy': np.__version__, 'scipy': __import__('scipy').__version__, 'sklearn': sklearn.__version__},
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(case, f, separators=(',', ':'))
        f.write('\n')
    print(name, {k: v for k, v in case['expected'].items() if not k.startswith('real')})


def main():
    rng = np.random.RandomState(20240601)

    # Correlated Gaussians, n > d, unequal set sizes.
    d = 16
    a = rng.randn(d, d) / np.sqrt(d)
    real = rng.randn(200, d) @ a + 0.5
    fake = rng.randn(180, d) @ (a * 1.2) + 0.5 + 0.3 * rng.randn(d)
    make_case('gauss-n200-d16', real, fake, 'correlated Gaussians, fake rescaled and shifted')

    # n < d: both covariances singular (rank 49 and 39 in 64 dimensions).
    d = 64
    real = rng.randn(50, d)
    fake = 0.8 * rng.randn(40, d) + 0.2
    make_case('singular-n50-d64', real, fake, 'n < d: singular covariances')

    # Equal sizes, far apart and with a non-trivial spread of scales.
    d = 8
    scales = np.linspace(0.2, 3.0, d)
    real = rng.randn(300, d) * scales
    fake = rng.randn(300, d) * scales[::-1] + 1.0
    make_case('anisotropic-n300-d8', real, fake, 'axis-aligned Gaussians with reversed scales, shifted by 1')


if __name__ == '__main__':
    main()
