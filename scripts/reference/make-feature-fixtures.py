#!/usr/bin/python3
"""Reference values for genreport's feature spaces (issue 22), made with
Debian's python3-torch / python3-pil / python3-numpy. Tests read what this
writes and need no Python.

Run from the repository root, after scripts/reference/write-feature-images.ts:
    /usr/bin/python3 scripts/reference/make-feature-fixtures.py

Writes into test/fixtures/features/:
  resize.npz            inputs and outputs of the four resize modes
                        (torch F.interpolate bilinear align_corners=False,
                        nearest; PIL BICUBIC on float 'F' images per channel,
                        clipped, as clean-fid does), NHWC float32
  tiny-inception.onnx   a small network of pytorch-fid InceptionV3's layer
                        kinds, seeded random weights, resize + 2x-1 inside
  features-a.npy / -b   PyTorch's features of images-a / images-b (float32)
  tiny-inception-weights.npz  the network's weights (PyTorch layouts) and a
                        seeded 3-class softmax head, for the tfjs twin
                        (scripts/reference/make-tfjs-feature-fixture.ts)
  probabilities-a.npy / -b   that head's class probabilities
  reference.json        FID and its two terms (numpy float64), CMMD (the
                        paper's unbiased formula) on those features and on
                        random sets (cmmd-sets.npz)
  bad/*.onnx            small models for the bad-input tests
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

OUT = 'test/fixtures/features'
torch.manual_seed(0)
rng = np.random.default_rng(0)

# ---------------------------------------------------------------- resize modes

def torch_resize(img, size, mode):
    x = torch.from_numpy(img).permute(2, 0, 1)[None].contiguous()  # NCHW, as models take it
    kw = {'align_corners': False} if mode == 'bilinear' else {}
    y = F.interpolate(x, size=size, mode=mode, **kw)
    return y[0].permute(1, 2, 0).contiguous().numpy()


def pil_bicubic(img, size):
    h, w = size
    chans = []
    for c in range(img.shape[2]):
        im = Image.fromarray(img[:, :, c].astype(np.float32), mode='F')
        chans.append(np.asarray(im.resize((w, h), resample=Image.BICUBIC)).clip(0, 1).reshape(h, w, 1))
    return np.concatenate(chans, axis=2).astype(np.float32)


inputs = {
    'rgb7x9': rng.random((7, 9, 3), dtype=np.float32),
    'grey20x24': rng.random((20, 24, 1), dtype=np.float32),
    # A smooth ramp with a hard edge: overshoot is clipped by bicubic-pil.
    'edge16x16': np.repeat(np.repeat((np.arange(16) >= 8).astype(np.float32)[None, :, None], 16, 0), 3, 2),
}
targets = {
    'rgb7x9': [(13, 17), (4, 5), (7, 4), (3, 9), (7, 9), (14, 18)],
    'grey20x24': [(7, 11), (50, 37), (61, 67), (5, 24)],
    'edge16x16': [(5, 7), (40, 40)],
}
arrays = {}
for name, img in inputs.items():
    arrays[f'input__{name}'] = img
    for size in targets[name]:
        key = f'{name}__{size[0]}x{size[1]}'
        arrays[f'bilinear__{key}'] = torch_resize(img, size, 'bilinear')
        arrays[f'nearest__{key}'] = torch_resize(img, size, 'nearest')
        arrays[f'bicubic-pil__{key}'] = pil_bicubic(img, size)
np.savez(f'{OUT}/resize.npz', **arrays)

# ------------------------------------------------- the network, as pytorch-fid's

class ConvBN(nn.Module):
    def __init__(self, cin, cout, **kw):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, bias=False, **kw)
        self.bn = nn.BatchNorm2d(cout, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class MixedBlock(nn.Module):
    """Inception-A style: 1x1, 1x1->3x3, 1x1->3x3->3x3, avgpool->1x1, concatenated."""
    def __init__(self, cin):
        super().__init__()
        self.b1 = ConvBN(cin, 4, kernel_size=1)
        self.b3 = nn.Sequential(ConvBN(cin, 3, kernel_size=1), ConvBN(3, 4, kernel_size=3, padding=1))
        self.b33 = nn.Sequential(ConvBN(cin, 3, kernel_size=1), ConvBN(3, 4, kernel_size=3, padding=1), ConvBN(4, 4, kernel_size=3, padding=1))
        self.bp = ConvBN(cin, 4, kernel_size=1)

    def forward(self, x):
        pool = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False)
        return torch.cat([self.b1(x), self.b3(x), self.b33(x), self.bp(pool)], 1)


class TinyInception(nn.Module):
    SIZE = (43, 43)

    def __init__(self):
        super().__init__()
        self.c1 = ConvBN(3, 8, kernel_size=3, stride=2)
        self.c2 = ConvBN(8, 8, kernel_size=3)
        self.c3 = ConvBN(8, 12, kernel_size=3, padding=1)
        self.mixed = MixedBlock(12)

    def forward(self, x):
        x = F.interpolate(x, size=self.SIZE, mode='bilinear', align_corners=False)
        x = 2 * x - 1
        x = self.c2(self.c1(x))
        x = F.max_pool2d(x, kernel_size=3, stride=2)
        x = self.c3(x)
        x = self.mixed(x)
        return F.adaptive_avg_pool2d(x, output_size=(1, 1))


def calibrate_batchnorm(model, images):
    """Seeded scale and shift; running statistics from the images themselves,
    so that features vary between images as a trained network's do (random
    statistics leave most units constant, and FID ill-conditioned)."""
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.weight.data.copy_(0.8 + 0.4 * torch.rand(n, generator=g))
            m.bias.data.copy_(0.3 * torch.randn(n, generator=g))
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        model(images)
    model.eval()


def export(model, path, shape, dynamic, input_name='images', output_names=('features',)):
    model.eval()
    torch.onnx.export(model, torch.rand(*shape), path, opset_version=13, input_names=[input_name],
                      output_names=list(output_names), dynamic_axes=dynamic, do_constant_folding=True)


def read_folder(folder):
    files = sorted(f for f in os.listdir(folder) if f.endswith('.png'))
    imgs = []
    for f in files:
        a = np.asarray(Image.open(os.path.join(folder, f))).astype(np.float32) / 255
        if a.ndim == 2:
            a = np.repeat(a[:, :, None], 3, 2)  # grey -> RGB by replication
        imgs.append(a)
    return torch.from_numpy(np.stack(imgs)).permute(0, 3, 1, 2).contiguous()


images = {s: read_folder(f'{OUT}/images-{s}') for s in ('a', 'b')}
net = TinyInception()
# Images of both sets at one size for the calibration pass only.
calibrate_batchnorm(net, torch.cat([images['a'], F.interpolate(images['b'], size=(28, 28), mode='bilinear', align_corners=False)]))
export(net, f'{OUT}/tiny-inception.onnx', (2, 3, 28, 28),
       {'images': {0: 'batch', 2: 'height', 3: 'width'}, 'features': {0: 'batch'}})


with torch.no_grad():
    feats = {s: net(images[s]).reshape(24, -1).numpy() for s in ('a', 'b')}
for s, f in feats.items():
    np.save(f'{OUT}/features-{s}.npy', f.astype(np.float32))

# ------------------------------------------ the same network for TensorFlow.js
# scripts/reference/make-tfjs-feature-fixture.ts builds it as a LayersModel from
# these weights (PyTorch layouts; it transposes). A seeded softmax head over the
# pool gives a classifier output too. Its own generator: the global stream, and
# so every fixture below, stays as it was.
g = torch.Generator().manual_seed(2)
head_w, head_b = torch.randn(3, 16, generator=g), 0.1 * torch.randn(3, generator=g)
weights = {k: v.numpy().astype(np.float32) for k, v in net.state_dict().items() if not k.endswith('num_batches_tracked')}
weights.update({'head.weight': head_w.numpy(), 'head.bias': head_b.numpy()})
np.savez(f'{OUT}/tiny-inception-weights.npz', **weights)
for s, f in feats.items():
    probs = torch.softmax(torch.from_numpy(f) @ head_w.T + head_b, dim=1)
    np.save(f'{OUT}/probabilities-{s}.npy', probs.numpy().astype(np.float32))

# --------------------------------------------------------------- the numbers

def fid_terms(x, y):
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    mu1, mu2 = x.mean(0), y.mean(0)
    s1, s2 = np.cov(x, rowvar=False, ddof=1), np.cov(y, rowvar=False, ddof=1)
    w, v = np.linalg.eigh(s1)
    r1 = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = r1 @ s2 @ r1
    tr_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    mean_term = float(((mu1 - mu2) ** 2).sum())
    cov_term = float(np.trace(s1) + np.trace(s2) - 2 * tr_sqrt)
    return mean_term, cov_term


def cmmd(x, y, sigma=10.0, scale=1000.0):
    """The paper's unbiased MMD^2 with k(x, y) = exp(-|x-y|^2 / (2 sigma^2)), times 1000."""
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    def k(a, b):
        d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T
        return np.exp(-np.maximum(d, 0) / (2 * sigma ** 2))
    m, n = len(x), len(y)
    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    xx = (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
    yy = (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
    return float(scale * (xx + yy - 2 * kxy.mean()))


mean_term, cov_term = fid_terms(feats['a'], feats['b'])
sets = {'x': (3 * rng.standard_normal((40, 8))).astype(np.float32), 'y': (0.8 + 3.5 * rng.standard_normal((30, 8))).astype(np.float32)}
np.savez(f'{OUT}/cmmd-sets.npz', **sets)
reference = {
    'made_by': 'scripts/reference/make-feature-fixtures.py',
    'torch': torch.__version__,
    'numpy': np.__version__,
    'features': {'rows': 24, 'dim': int(feats['a'].shape[1])},
    'fid': mean_term + cov_term,
    'fid_mean_term': mean_term,
    'fid_cov_term': cov_term,
    'cmmd_features': cmmd(feats['a'], feats['b']),
    'cmmd_sets': cmmd(sets['x'], sets['y']),
}
with open(f'{OUT}/reference.json', 'w') as f:
    json.dump(reference, f, indent=2)
    f.write('\n')

# ---------------------------------------------------------- bad-input models

os.makedirs(f'{OUT}/bad', exist_ok=True)


class Flat(nn.Module):  # takes (n, 16): wrong rank for images
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc(x)


class BatchMean(nn.Module):  # one vector for the whole batch, not one per image
    def forward(self, x):
        return x.mean(dim=(0, 2, 3))


class NanOut(nn.Module):  # sqrt of a negative number
    def forward(self, x):
        return torch.sqrt(x.mean(dim=(2, 3)) - 2)


class Grey(nn.Module):  # a 1-channel extractor
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, kernel_size=3)

    def forward(self, x):
        return F.adaptive_avg_pool2d(F.relu(self.conv(x)), 1).flatten(1)


class Classifier(nn.Module):  # features and class probabilities
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, kernel_size=3)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        f = F.adaptive_avg_pool2d(F.relu(self.conv(x)), 1).flatten(1)
        return f, F.softmax(self.fc(f), dim=1)


dyn = {'images': {0: 'batch', 2: 'height', 3: 'width'}}
export(Flat(), f'{OUT}/bad/flat-input.onnx', (2, 16), {'images': {0: 'batch'}})
export(BatchMean(), f'{OUT}/bad/batch-mean.onnx', (2, 3, 8, 8), dyn)
export(NanOut(), f'{OUT}/bad/nan-output.onnx', (2, 3, 8, 8), dyn)
export(Grey(), f'{OUT}/grey-extractor.onnx', (2, 1, 8, 8), dyn)
export(Classifier(), f'{OUT}/classifier.onnx', (2, 3, 8, 8), dyn, output_names=('embedding', 'probs'))
print(json.dumps(reference, indent=2))
