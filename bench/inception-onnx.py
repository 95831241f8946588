#!/usr/bin/python3
"""Bench helper (npm run bench): an Inception-v3-sized network, timed in PyTorch
and exported to ONNX for genreport to time on the same images.

torchvision's inception_v3 with seeded random weights (the FID weights cannot be
downloaded here; the architecture and cost are what matter), fc replaced by the
identity so the output is the 2048-d pool, eval mode, inputs already 299 x 299.
Usage: inception-onnx.py OUT_DIR N BATCH  -> OUT_DIR/inception.onnx, OUT_DIR/images.npy,
prints one JSON line {"torch_images_per_s": ..., "threads": ...}.
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torchvision

out, n, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.manual_seed(0)
torch.set_num_threads(os.cpu_count())
model = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=True, transform_input=False)
model.fc = torch.nn.Identity()
model.eval()
images = torch.rand(n, 3, 299, 299, generator=torch.Generator().manual_seed(1))
np.save(os.path.join(out, 'images.npy'), images.permute(0, 2, 3, 1).contiguous().numpy())
torch.onnx.export(model, images[:1], os.path.join(out, 'inception.onnx'), opset_version=13,
                  input_names=['images'], output_names=['pool'],
                  dynamic_axes={'images': {0: 'batch'}, 'pool': {0: 'batch'}})
with torch.no_grad():
    model(images[:batch])  # warm-up
    start = time.perf_counter()
    for i in range(0, n, batch):
        model(images[i:i + batch])
    seconds = time.perf_counter() - start
print(json.dumps({'torch_images_per_s': n / seconds, 'threads': torch.get_num_threads(), 'torch': torch.__version__}))
