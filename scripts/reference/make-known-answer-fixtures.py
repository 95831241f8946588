#!/usr/bin/python3
"""The three known-answer density models of genreport's tests (affine flow,
linear-Gaussian VAE, fixed-conditional autoregressive model) as PyTorch
modules exported to ONNX, so the known-answer tests run through the ONNX
route as they do through TensorFlow.js (issue 24). The weights follow the
formulas of test/helpers/tiny-flow.ts, tiny-vae.ts and tiny-autoregressive.ts;
the closed forms the tests check against are computed in the tests, in
TypeScript, from those helpers, so a weight written wrong here fails there.

Run from the repository root (Debian's python3-torch and python3-onnx):
    /usr/bin/python3 scripts/reference/make-known-answer-fixtures.py

Writes test/fixtures/models-onnx/known-answer/:
  flow-affine/  forward.onnx images [n, 1, 4, 4] -> (z = a*y + c [n, 16], log|det| = sum log a [n]),
                inverse.onnx z -> (z - c) / a as images
  vae-linear/   encoder.onnx images -> [mean | log-variance] [n, 2], the same for every image: the
                posterior moments (by quadrature) of the tests' image; decoder.onnx z [n, 1] ->
                discretized-logistic parameters [n, 2, 4, 4]: location 0.5 + 0.2 cos(1.7 j) z,
                log-scale log 0.15
  ar-fixed/     model.onnx images [n, 1, 4, 4] -> categorical-256 logits [n, 256, 4, 4] from a
                3x3 convolution whose live taps are the pixel above (a_k) and the one left (c_k)
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn

OUT = 'test/fixtures/models-onnx/known-answer'
SIDE = 4
D = SIDE * SIDE


def export(model, example, path, input_names, output_names):
    model.eval()
    dynamic = {name: {0: 'batch'} for name in input_names + output_names}
    torch.onnx.export(model, example, path, input_names=input_names, output_names=output_names, dynamic_axes=dynamic, opset_version=13)


def write_bundle(folder, manifest):
    with open(os.path.join(folder, 'genmodel.json'), 'w') as f:
        json.dump({'format': 'genreport-model/1', **manifest}, f, indent=2)
        f.write('\n')


def folder_for(name):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    return folder


IMAGE = {'height': SIDE, 'width': SIDE, 'channels': 1, 'range': [0, 1]}

# ---------------------------------------------------------------- affine flow (tiny-flow.ts)

ACT_LOG_SCALE, ACT_BIAS = 0.3, -0.2


def affine_coefficients():
    """z_j = a_j y_j + c_j: actnorm, then a coupling of parity 0 with zero kernels (odd squares move)."""
    a, c = np.zeros(D), np.zeros(D)
    for j in range(D):
        h, w = divmod(j, SIDE)
        free = 0 if (h + w) % 2 == 0 else 1
        s = free * math.tanh(0.5 * math.sin(j + 1))
        t = free * 0.3 * math.cos(D + j)
        a[j] = math.exp(s + ACT_LOG_SCALE)
        c[j] = math.exp(s) * ACT_BIAS + t
    return a, c


class AffineForward(nn.Module):
    def __init__(self, a, c):
        super().__init__()
        self.register_buffer('a', torch.tensor(a, dtype=torch.float32))
        self.register_buffer('c', torch.tensor(c, dtype=torch.float32))
        self.register_buffer('log_det', torch.tensor(np.log(a).sum(), dtype=torch.float32))

    def forward(self, x):
        y = x.flatten(1)
        return y * self.a + self.c, (y * 0).sum(1) + self.log_det


class AffineInverse(nn.Module):
    def __init__(self, a, c):
        super().__init__()
        self.register_buffer('a', torch.tensor(a, dtype=torch.float32))
        self.register_buffer('c', torch.tensor(c, dtype=torch.float32))

    def forward(self, z):
        return ((z - self.c) / self.a).view(-1, 1, SIDE, SIDE)


folder = folder_for('flow-affine')
a, c = affine_coefficients()
export(AffineForward(a, c), torch.zeros(2, 1, SIDE, SIDE), os.path.join(folder, 'forward.onnx'), ['images'], ['z', 'log_det'])
export(AffineInverse(a, c), torch.zeros(2, D), os.path.join(folder, 'inverse.onnx'), ['z'], ['images'])
write_bundle(folder, {'name': 'onnx-flow-affine', 'family': 'flow', 'image': IMAGE,
                      'likelihood': {'kind': 'bound', 'dataSpace': 'uint8-4x4x1', 'dequantization': 'uniform'},
                      'components': {'forward': 'forward.onnx', 'inverse': 'inverse.onnx'}})

# ---------------------------------------------------------------- linear-Gaussian VAE (tiny-vae.ts)

SCALE = 0.15


def decoder_weight(j):
    return math.cos(1.7 * j)


def test_image_levels():
    """vae-adapter.test.ts's test image: near the model's mean at z = 1.2."""
    return np.array([round(255 * (0.5 + 0.2 * math.cos(1.7 * j) * 1.2 + 0.03 * math.sin(5 * j))) for j in range(D)])


def log_p_given_z(levels, z):
    """Discretized logistic, end bins open (tinyVaeLogLikelihoodGivenZ), vectorised over z."""
    mu = 0.5 + 0.2 * np.array([decoder_weight(j) for j in range(D)])[None, :] * z[:, None]
    centre = levels[None, :] / 255
    sig = lambda x: 1 / (1 + np.exp(-x))
    upper = np.where(levels[None, :] == 255, 1.0, sig((centre + 0.5 / 255 - mu) / SCALE))
    lower = np.where(levels[None, :] == 0, 0.0, sig((centre - 0.5 / 255 - mu) / SCALE))
    return np.log(upper - lower).sum(1)


def posterior_moments(levels):
    """tinyVaeTruth: quadrature over z in [-12, 12] under N(0, 1)."""
    z = np.linspace(-12, 12, 24001)
    log_joint = log_p_given_z(levels, z) - 0.5 * z * z - 0.5 * math.log(2 * math.pi)
    w = np.exp(log_joint - log_joint.max())
    mean = (w * z).sum() / w.sum()
    return mean, (w * z * z).sum() / w.sum() - mean ** 2


class ConstantPosterior(nn.Module):
    """q(z|x) = N(mean, exp(log_variance)) for every image (tiny-vae.ts's zero-kernel encoder)."""
    def __init__(self, mean, log_variance):
        super().__init__()
        self.register_buffer('q', torch.tensor([[mean, log_variance]], dtype=torch.float32))

    def forward(self, x):
        return x.flatten(1).sum(1, keepdim=True) * 0 + self.q


class LinearDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('w', torch.tensor([0.2 * decoder_weight(j) for j in range(D)], dtype=torch.float32))

    def forward(self, z):
        location = (0.5 + z * self.w).view(-1, 1, SIDE, SIDE)
        return torch.cat([location, torch.full_like(location, math.log(SCALE))], 1)


folder = folder_for('vae-linear')
mean, variance = posterior_moments(test_image_levels())
export(ConstantPosterior(mean, math.log(variance)), torch.zeros(2, 1, SIDE, SIDE), os.path.join(folder, 'encoder.onnx'), ['images'], ['posterior'])
export(LinearDecoder(), torch.zeros(2, 1), os.path.join(folder, 'decoder.onnx'), ['z'], ['parameters'])
write_bundle(folder, {'name': 'onnx-vae-linear', 'family': 'vae', 'image': IMAGE,
                      'latent': {'dim': 1, 'distribution': 'normal'},
                      'likelihood': {'kind': 'bound', 'dataSpace': 'uint8-4x4x1', 'form': 'discretized-logistic'},
                      'components': {'encoder': 'encoder.onnx', 'decoder': 'decoder.onnx'}})

# ---------------------------------------------------------------- fixed-conditional autoregressive model (tiny-autoregressive.ts)

k = np.arange(256)
ABOVE = 3 * np.sin(k / 20)
BIAS = np.cos(k / 7) - (k - 128) ** 2 / 4000
LEFT = 2 * np.cos(k / 30)   # smoothConditionalsWithLeft


class FixedConditionals(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 256, 3, padding=1)
        with torch.no_grad():
            self.conv.weight.zero_()
            self.conv.weight[:, 0, 0, 1] = torch.tensor(ABOVE, dtype=torch.float32)  # the pixel above
            self.conv.weight[:, 0, 1, 0] = torch.tensor(LEFT, dtype=torch.float32)   # the pixel to the left
            self.conv.bias.copy_(torch.tensor(BIAS, dtype=torch.float32))

    def forward(self, x):
        return self.conv(x)


folder = folder_for('ar-fixed')
export(FixedConditionals(), torch.zeros(2, 1, SIDE, SIDE), os.path.join(folder, 'model.onnx'), ['images'], ['logits'])
write_bundle(folder, {'name': 'onnx-ar-fixed', 'family': 'autoregressive', 'image': IMAGE,
                      'likelihood': {'kind': 'exact', 'dataSpace': 'uint8-4x4x1', 'form': 'categorical-256'},
                      'components': {'model': 'model.onnx'}})
print('wrote', OUT)
