#!/usr/bin/python3
"""Bench helper (npm run bench): an Inception-v3-sized network, timed in PyTorch
and exported to ONNX for genreport to time on the same images; and the
machine's float32 peak, measured as the best sgemm rate.

torchvision's inception_v3 with seeded random weights (the FID weights cannot be
downloaded here; the architecture and cost are what matter), fc replaced by the
identity so the output is the 2048-d pool, eval mode, inputs already 299 x 299.
The exported file (about 90 MB) is kept in CACHE_DIR (.cache/, gitignored) and
made again only when this script or torch changes.

Usage: inception-onnx.py CACHE_DIR N BATCH
  -> CACHE_DIR/inception.onnx, CACHE_DIR/images-N.npy (NHWC float32),
     one JSON line: torch images/s, threads, multiply-adds per image,
     sgemm GFLOP/s (numpy and torch).
"""
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch
import torchvision

cache, n, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(cache, exist_ok=True)
threads = os.cpu_count()
torch.set_num_threads(threads)
torch.manual_seed(0)
model = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=True, transform_input=False)
model.fc = torch.nn.Identity()
model.eval()

# Multiply-adds per image of every convolution and linear layer (what the
# "5.7 G" quoted for Inception-v3 counts), counted on one forward pass.
macs = 0


def count(module, inputs, output):
    global macs
    if isinstance(module, torch.nn.Conv2d):
        kh, kw = module.kernel_size
        macs += output.numel() * (module.in_channels // module.groups) * kh * kw
    elif isinstance(module, torch.nn.Linear):
        macs += output.numel() * module.in_features


hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
with torch.no_grad():
    model(torch.zeros(1, 3, 299, 299))
for h in hooks:
    h.remove()

onnx_file = os.path.join(cache, 'inception.onnx')
stamp_file = onnx_file + '.stamp'
stamp = hashlib.sha256(open(__file__, 'rb').read() + torch.__version__.encode()).hexdigest()
if not (os.path.exists(onnx_file) and os.path.exists(stamp_file) and open(stamp_file).read() == stamp):
    torch.onnx.export(model, torch.zeros(1, 3, 299, 299), onnx_file, opset_version=13,
                      input_names=['images'], output_names=['pool'],
                      dynamic_axes={'images': {0: 'batch'}, 'pool': {0: 'batch'}})
    with open(stamp_file, 'w') as f:
        f.write(stamp)

images = torch.rand(n, 3, 299, 299, generator=torch.Generator().manual_seed(1))
np.save(os.path.join(cache, f'images-{n}.npy'), images.permute(0, 2, 3, 1).contiguous().numpy())
with torch.no_grad():
    model(images[:batch])  # warm-up
    start = time.perf_counter()
    for i in range(0, n, batch):
        model(images[i:i + batch])
    seconds = time.perf_counter() - start


def best_gflops(matmul, a, b, repeats=5):
    matmul(a, b)
    best = float('inf')
    for _ in range(repeats):
        t = time.perf_counter()
        matmul(a, b)
        best = min(best, time.perf_counter() - t)
    return 2 * a.shape[0] * a.shape[1] * b.shape[1] / best / 1e9


size = 2048
a = np.random.default_rng(0).random((size, size), dtype=np.float32)
b = np.random.default_rng(1).random((size, size), dtype=np.float32)
print(json.dumps({
    'torch_images_per_s': n / seconds,
    'threads': torch.get_num_threads(),
    'torch': torch.__version__,
    'macs_per_image': macs,
    'sgemm_gflops_numpy': best_gflops(np.matmul, a, b),
    'sgemm_gflops_torch': best_gflops(torch.mm, torch.from_numpy(a), torch.from_numpy(b)),
    'sgemm_size': size,
}))
