#!/usr/bin/python3
"""PyTorch's images for the latents `genreport sample` draws (issue 24): runs
`genreport sample` on the ONNX DCGAN fixture, loads the generator's weights
from its ONNX initializers back into the PyTorch module it was exported from
(make-model-fixtures.py's ConvGenerator, same parameter names), and records
PyTorch's images for genreport's latents. test/models/onnx-gan.test.ts then
checks that `genreport sample` gives these images.

Run from the repository root after make-model-fixtures.py (needs node and
Debian's python3-torch and python3-onnx):
    /usr/bin/python3 scripts/reference/make-sample-reference.py

Writes test/fixtures/models-onnx/gan-dcgan/sample-reference.npz: seed and n
(float64 [1], as genreport reads .npz), latents (genreport's, float32 [n, 4]) and images (PyTorch's,
NHWC float32 in [0, 1]).
"""
import os
import subprocess
import tempfile

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn

BUNDLE = 'test/fixtures/models-onnx/gan-dcgan'
SEED, N = 3, 5


class ConvGenerator(nn.Module):
    """make-model-fixtures.py's DCGAN-shaped generator: z [n, dim, 1, 1] -> images [n, 3, 8, 8] in [0, 1]."""
    def __init__(self, dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(dim, 8, 4, 1, 0), nn.BatchNorm2d(8), nn.ReLU(),
            nn.ConvTranspose2d(8, 3, 4, 2, 1), nn.Sigmoid())

    def forward(self, z):
        return self.net(z)


generator = ConvGenerator(4)
weights = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).copy()) for t in onnx.load(os.path.join(BUNDLE, 'generator.onnx')).graph.initializer}
missing = generator.load_state_dict(weights, strict=False)
assert not missing.missing_keys or missing.missing_keys == ['net.1.num_batches_tracked'], missing
generator.eval()

with tempfile.TemporaryDirectory() as work:
    out = os.path.join(work, 'sample.npz')
    subprocess.run(['node', 'bin/genreport.js', 'sample', BUNDLE, '--n', str(N), '--seed', str(SEED), '--out', out, '--backend', 'wasm'], check=True)
    with np.load(out) as drawn:
        latents = drawn['latents'].astype(np.float32)
        genreport_images = drawn['images']

with torch.no_grad():
    images = generator(torch.from_numpy(latents).view(N, 4, 1, 1)).numpy().transpose(0, 2, 3, 1).astype(np.float32)
print('genreport vs PyTorch, max absolute difference', float(np.abs(images - genreport_images).max()))
np.savez(os.path.join(BUNDLE, 'sample-reference.npz'), seed=np.array([SEED], dtype=np.float64), n=np.array([N], dtype=np.float64), latents=latents, images=images)
print('wrote', os.path.join(BUNDLE, 'sample-reference.npz'))
