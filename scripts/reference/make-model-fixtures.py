#!/usr/bin/python3
"""Tiny PyTorch generative models exported to ONNX, with PyTorch's own
outputs beside them, so genreport's ONNX route can be checked against the
framework the models came from (issue 24). Made with Debian's python3-torch
and python3-onnx; tests read what this writes and need no Python.

Run from the repository root:
    /usr/bin/python3 scripts/reference/make-model-fixtures.py

Writes into test/fixtures/models-onnx/ one bundle folder per model
(genmodel.json + .onnx files, a few KB each) and reference arrays:
  gan-dense/       z [n, 4] -> tanh images [n, 1, 8, 8] (NCHW, range [-1, 1])
  gan-dcgan/       z [n, 4, 1, 1] (as DCGAN code takes it) -> ConvTranspose2d
                   -> sigmoid images [n, 3, 8, 8] (NCHW, range [0, 1])
  gan-mnist-size/  z [n, 4, 1, 1] -> 28x28 images, for a run beside MNIST bundles
  gan-nhwc/        z [n, 4] -> images [n, 8, 8, 1] (layout: nhwc)
  <bundle>/reference.npz  latents (float32 [n, dim]) and PyTorch's images
                   for them, NHWC in [0, 1] (the range mapped, as genreport does)
  vae-two-outputs/ encoder images -> (mean, log_variance), decoder z ->
  vae-one-output/  discretized-logistic parameters [n, 2, 8, 8]; reference.npz:
                   images, PyTorch's posterior for them, latents, the shown
                   image and log p(x|z) (float64 nats) for image i and latent i
  flow-coupling/   two affine couplings as forward.onnx (images -> z [n, 64],
                   log|det| [n]) and inverse.onnx; reference.npz: values
                   (NHWC, model range), PyTorch's z, log|det| and log density
                   (float64 nats, N(0, I) base), and images of given latents
  ar-pixelcnn/     a two-layer PixelCNN (mask A, then B) -> discretized-logistic
                   parameters [n, 2, 6, 6]; reference.npz: images and PyTorch's
                   exact log p(x) (float64 nats)
  ar-leaking/      the same with mask B first: each pixel sees itself
  bad/             an .onnx that is not a model; a GAN whose output is NaN;
                   a GAN whose images have the wrong size
"""
import json
import os
import zipfile
import io

import numpy as np
import torch
import torch.nn as nn

OUT = 'test/fixtures/models-onnx'
torch.manual_seed(24)
rng = np.random.default_rng(24)
N = 6


def save_npz(path, **arrays):
    # numpy.savez, written by hand so member order is fixed.
    np.savez(path, **arrays)


def export(model, example, path, input_names, output_names, dynamic):
    model.eval()
    torch.onnx.export(model, example, path, input_names=input_names, output_names=output_names,
                      dynamic_axes={name: {0: 'batch'} for name in dynamic}, opset_version=13)


def manifest(name, family, image, components, **extra):
    return {'format': 'genreport-model/1', 'name': name, 'family': family, 'image': image,
            'components': components, **extra}


def write_bundle(folder, m):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'genmodel.json'), 'w') as f:
        json.dump(m, f, indent=2)
        f.write('\n')


def to_unit(images, lo, hi):
    return np.clip((images - lo) / (hi - lo), 0, 1).astype(np.float32)


# ---------------------------------------------------------------- GANs

class DenseGenerator(nn.Module):
    def __init__(self, dim, side, channels, nhwc=False):
        super().__init__()
        self.side, self.channels, self.nhwc = side, channels, nhwc
        self.net = nn.Sequential(nn.Linear(dim, 16), nn.LeakyReLU(0.2), nn.Linear(16, side * side * channels), nn.Tanh())

    def forward(self, z):
        x = self.net(z).view(-1, self.channels, self.side, self.side)
        return x.permute(0, 2, 3, 1) if self.nhwc else x


class ConvGenerator(nn.Module):
    """DCGAN's shape of generator: z [n, dim, 1, 1] -> ConvTranspose2d -> images."""
    def __init__(self, dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(dim, 8, 4, 1, 0), nn.BatchNorm2d(8), nn.ReLU(),
            nn.ConvTranspose2d(8, 3, 4, 2, 1), nn.Sigmoid())

    def forward(self, z):
        return self.net(z)


def gan_bundle(name, generator, dim, image, latent_shape, layout=None):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    with torch.no_grad():
        for p in generator.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
    generator.eval()
    z = rng.standard_normal((N, dim)).astype(np.float32)
    zt = torch.from_numpy(z).view(N, *latent_shape)
    export(generator, zt, os.path.join(folder, 'generator.onnx'), ['z'], ['images'], ['z', 'images'])
    with torch.no_grad():
        images = generator(zt).numpy()
    nhwc = images if layout == 'nhwc' else images.transpose(0, 2, 3, 1)
    lo, hi = image['range']
    save_npz(os.path.join(folder, 'reference.npz'), latents=z, images=to_unit(nhwc, lo, hi))
    extra = {'layout': layout} if layout else {}
    write_bundle(folder, manifest(name, 'gan', image, {'generator': 'generator.onnx'},
                                  latent={'dim': dim, 'distribution': 'normal'}, **extra))
    return folder


gan_bundle('gan-dense', DenseGenerator(4, 8, 1), 4, {'height': 8, 'width': 8, 'channels': 1, 'range': [-1, 1]}, [4])
gan_bundle('gan-dcgan', ConvGenerator(4), 4, {'height': 8, 'width': 8, 'channels': 3, 'range': [0, 1]}, [4, 1, 1])
gan_bundle('gan-nhwc', DenseGenerator(4, 8, 1, nhwc=True), 4, {'height': 8, 'width': 8, 'channels': 1, 'range': [-1, 1]}, [4], layout='nhwc')


class MnistSizeGenerator(nn.Module):
    """z [n, 4, 1, 1] -> 7x7 -> 28x28 by two transposed convolutions: MNIST's size in a few KB."""
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.ConvTranspose2d(4, 4, 7), nn.ReLU(), nn.ConvTranspose2d(4, 1, 4, 4), nn.Tanh())

    def forward(self, z):
        return self.net(z)


gan_bundle('gan-mnist-size', MnistSizeGenerator(), 4, {'height': 28, 'width': 28, 'channels': 1, 'range': [-1, 1]}, [4, 1, 1])

# ---------------------------------------------------------------- VAEs

class Encoder(nn.Module):
    """images [n, 1, 8, 8] in [-1, 1] -> mean, log-variance [n, dim] (two outputs) or [mean | log-variance] (one)."""
    def __init__(self, dim, split):
        super().__init__()
        self.split, self.dim = split, dim
        self.net = nn.Sequential(nn.Conv2d(1, 4, 3, 2, 1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 2 * dim))

    def forward(self, x):
        h = self.net(x)
        return (h[:, :self.dim], h[:, self.dim:]) if self.split else h


class Decoder(nn.Module):
    """z [n, dim] -> discretized-logistic parameters [n, 2, 8, 8]: channel 0 the location, 1 the log-scale."""
    def __init__(self, dim):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, 8), nn.Tanh(), nn.Linear(8, 2 * 64))

    def forward(self, z):
        h = self.net(z).view(-1, 2, 8, 8)
        return torch.cat([torch.tanh(h[:, :1]), h[:, 1:] * 0.3 - 2.0], 1)


def logistic_log_prob(params, levels, lo, hi):
    """log P(level | location, log-scale) per image, float64, as genreport's pixel-forms.ts defines it."""
    params = params.double()
    loc, log_scale = params[:, 0], params[:, 1]
    step = (hi - lo) / 255
    centre = lo + levels.double() * step - loc
    inv = torch.exp(-log_scale)
    upper, lower = (centre + step / 2) * inv, (centre - step / 2) * inv
    ls = torch.nn.functional.logsigmoid
    middle = ls(upper) + ls(-lower) + torch.log(-torch.expm1(lower - upper))
    lp = torch.where(levels == 0, ls(upper), torch.where(levels == 255, ls(-lower), middle))
    return lp.sum(dim=(1, 2))


def vae_bundle(name, split):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    dim = 3
    encoder, decoder = Encoder(dim, split), Decoder(dim)
    with torch.no_grad():
        for p in list(encoder.parameters()) + list(decoder.parameters()):
            p.copy_(torch.randn_like(p) * 0.3)
    encoder.eval(); decoder.eval()
    outputs = ['mean', 'log_variance'] if split else ['posterior']
    export(encoder, torch.zeros(2, 1, 8, 8), os.path.join(folder, 'encoder.onnx'), ['images'], outputs, ['images', *outputs])
    export(decoder, torch.zeros(2, dim), os.path.join(folder, 'decoder.onnx'), ['z'], ['parameters'], ['z', 'parameters'])
    levels = rng.integers(0, 256, size=(N, 8, 8)).astype(np.uint8)
    levels[0, 0, :3] = [0, 255, 128]
    x = torch.from_numpy(levels.astype(np.float32) / 255 * 2 - 1)[:, None]
    z = rng.standard_normal((N, dim)).astype(np.float32)
    with torch.no_grad():
        q = encoder(x)
        mean, log_variance = q if split else (q[:, :dim], q[:, dim:])
        params = decoder(torch.from_numpy(z))
        log_px = logistic_log_prob(params, torch.from_numpy(levels).long(), -1.0, 1.0)
    shown = np.clip((params[:, 0].numpy() + 1) / 2, 0, 1)[..., None].astype(np.float32)
    save_npz(os.path.join(folder, 'reference.npz'), images=(levels[..., None].astype(np.float32) / 255), mean=mean.numpy(),
             log_variance=log_variance.numpy(), latents=z, shown=shown, log_px_given_z=log_px.numpy())
    extra = {'io': {'encoder': {'outputs': ['mean', 'log_variance']}}} if split else {}
    write_bundle(folder, manifest(name, 'vae', {'height': 8, 'width': 8, 'channels': 1, 'range': [-1, 1]},
                                  {'encoder': 'encoder.onnx', 'decoder': 'decoder.onnx'},
                                  latent={'dim': dim, 'distribution': 'normal'},
                                  likelihood={'kind': 'bound', 'dataSpace': 'uint8-8x8x1', 'form': 'discretized-logistic'}, **extra))


vae_bundle('vae-two-outputs', True)
vae_bundle('vae-one-output', False)

# ---------------------------------------------------------------- flow

class Coupling(nn.Module):
    """Affine coupling on a flat [n, 64] state: the half `first` conditions the other."""
    def __init__(self, first):
        super().__init__()
        self.first = first
        self.net = nn.Sequential(nn.Linear(32, 8), nn.Tanh(), nn.Linear(8, 64))

    def split(self, v):
        return (v[:, :32], v[:, 32:]) if self.first else (v[:, 32:], v[:, :32])

    def join(self, cond, other):
        return torch.cat([cond, other], 1) if self.first else torch.cat([other, cond], 1)

    def params(self, cond):
        h = self.net(cond)
        return torch.tanh(h[:, :32]) * 0.5, h[:, 32:]

    def forward(self, v):
        cond, other = self.split(v)
        log_s, t = self.params(cond)
        return self.join(cond, other * torch.exp(log_s) + t), log_s.sum(1)

    def inverse(self, v):
        cond, other = self.split(v)
        log_s, t = self.params(cond)
        return self.join(cond, (other - t) * torch.exp(-log_s))


class FlowForward(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = layers

    def forward(self, x):
        v = x.flatten(1)
        log_det = torch.zeros(x.shape[0])
        for layer in self.layers:
            v, ld = layer(v)
            log_det = log_det + ld
        return v, log_det


class FlowInverse(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = layers

    def forward(self, z):
        v = z
        for layer in reversed(self.layers):
            v = layer.inverse(v)
        return v.view(-1, 1, 8, 8)


def flow_bundle(name):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    layers = nn.ModuleList([Coupling(True), Coupling(False)])
    with torch.no_grad():
        for p in layers.parameters():
            p.copy_(torch.randn_like(p) * 0.3)
    forward, inverse = FlowForward(layers).eval(), FlowInverse(layers).eval()
    export(forward, torch.zeros(2, 1, 8, 8), os.path.join(folder, 'forward.onnx'), ['images'], ['z', 'log_det'], ['images', 'z', 'log_det'])
    export(inverse, torch.zeros(2, 64), os.path.join(folder, 'inverse.onnx'), ['z'], ['images'], ['z', 'images'])
    values = rng.uniform(-1, 1, size=(N, 1, 8, 8)).astype(np.float32)
    z_given = rng.standard_normal((N, 64)).astype(np.float32)
    with torch.no_grad():
        z, log_det = forward(torch.from_numpy(values))
        zd = z.double()
        log_density = (-0.5 * (zd ** 2).sum(1) - 32 * np.log(2 * np.pi)) + log_det.double()
        inverted = inverse(torch.from_numpy(z_given)).numpy()
    save_npz(os.path.join(folder, 'reference.npz'), values=values.transpose(0, 2, 3, 1), z=z.numpy(), log_det=log_det.numpy(),
             log_density=log_density.numpy(), z_given=z_given, inverted=inverted.transpose(0, 2, 3, 1))
    write_bundle(folder, manifest(name, 'flow', {'height': 8, 'width': 8, 'channels': 1, 'range': [-1, 1]},
                                  {'forward': 'forward.onnx', 'inverse': 'inverse.onnx'},
                                  likelihood={'kind': 'bound', 'dataSpace': 'uint8-8x8x1', 'dequantization': 'uniform'}))


flow_bundle('flow-coupling')

# ---------------------------------------------------------------- autoregressive

class MaskedConv(nn.Conv2d):
    """PixelCNN's masked convolution: mask 'A' hides the centre (first layer), 'B' shows it."""
    def __init__(self, kind, cin, cout, k):
        super().__init__(cin, cout, k, padding=k // 2)
        mask = torch.ones_like(self.weight)
        mask[:, :, k // 2, k // 2 + (kind == 'B'):] = 0
        mask[:, :, k // 2 + 1:] = 0
        self.register_buffer('mask', mask)

    def forward(self, x):
        return nn.functional.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


class TinyPixelCnn(nn.Module):
    """images [n, 1, 6, 6] in [-1, 1] -> discretized-logistic parameters [n, 2, 6, 6] (location, log-scale)."""
    def __init__(self, first):
        super().__init__()
        self.a = MaskedConv(first, 1, 4, 3)
        self.b = MaskedConv('B', 4, 2, 1)

    def forward(self, x):
        h = self.b(torch.relu(self.a(x)))
        return torch.cat([torch.tanh(h[:, :1]), h[:, 1:] * 0.3 - 1.5], 1)


def ar_bundle(name, first):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    net = TinyPixelCnn(first)
    with torch.no_grad():
        for p in [net.a.weight, net.a.bias, net.b.weight, net.b.bias]:
            p.copy_(torch.randn_like(p) * 0.5)
    net.eval()
    export(net, torch.zeros(2, 1, 6, 6), os.path.join(folder, 'model.onnx'), ['images'], ['parameters'], ['images', 'parameters'])
    levels = rng.integers(0, 256, size=(N, 6, 6)).astype(np.uint8)
    x = torch.from_numpy(levels.astype(np.float32) / 255 * 2 - 1)[:, None]
    with torch.no_grad():
        log_px = logistic_log_prob(net(x), torch.from_numpy(levels).long(), -1.0, 1.0)
    save_npz(os.path.join(folder, 'reference.npz'), images=(levels[..., None].astype(np.float32) / 255), log_px=log_px.numpy())
    write_bundle(folder, manifest(name, 'autoregressive', {'height': 6, 'width': 6, 'channels': 1, 'range': [-1, 1]},
                                  {'model': 'model.onnx'},
                                  likelihood={'kind': 'exact', 'dataSpace': 'uint8-6x6x1', 'form': 'discretized-logistic'}))


ar_bundle('ar-pixelcnn', 'A')
ar_bundle('ar-leaking', 'B')   # the first layer sees the pixel it predicts: must be refused

# ---------------------------------------------------------------- bad input

bad = os.path.join(OUT, 'bad')
not_model = os.path.join(bad, 'not-a-model')
os.makedirs(not_model, exist_ok=True)
with open(os.path.join(not_model, 'generator.onnx'), 'wb') as f:
    f.write(b'this is not an ONNX protobuf, only text with an .onnx name\n')
write_bundle(not_model, manifest('not-a-model', 'gan', {'height': 8, 'width': 8, 'channels': 1, 'range': [-1, 1]},
                                 {'generator': 'generator.onnx'}, latent={'dim': 4, 'distribution': 'normal'}))


class NanGenerator(nn.Module):
    def forward(self, z):
        return (z.sum(1, keepdim=True) * float('nan')).view(-1, 1, 1, 1).expand(-1, 1, 8, 8)


nan = os.path.join(bad, 'nan-gan')
os.makedirs(nan, exist_ok=True)
export(NanGenerator(), torch.zeros(2, 4), os.path.join(nan, 'generator.onnx'), ['z'], ['images'], ['z', 'images'])
write_bundle(nan, manifest('nan-gan', 'gan', {'height': 8, 'width': 8, 'channels': 1, 'range': [-1, 1]},
                           {'generator': 'generator.onnx'}, latent={'dim': 4, 'distribution': 'normal'}))

small = os.path.join(bad, 'wrong-size')
os.makedirs(small, exist_ok=True)
export(DenseGenerator(4, 6, 1), torch.zeros(2, 4), os.path.join(small, 'generator.onnx'), ['z'], ['images'], ['z', 'images'])
write_bundle(small, manifest('wrong-size', 'gan', {'height': 8, 'width': 8, 'channels': 1, 'range': [-1, 1]},
                             {'generator': 'generator.onnx'}, latent={'dim': 4, 'distribution': 'normal'}))

wrong_latent = os.path.join(bad, 'wrong-latent')
os.makedirs(wrong_latent, exist_ok=True)
export(DenseGenerator(5, 8, 1), torch.zeros(2, 5), os.path.join(wrong_latent, 'generator.onnx'), ['z'], ['images'], ['z', 'images'])
write_bundle(wrong_latent, manifest('wrong-latent', 'gan', {'height': 8, 'width': 8, 'channels': 1, 'range': [-1, 1]},
                                    {'generator': 'generator.onnx'}, latent={'dim': 4, 'distribution': 'normal'}))

missing_name = os.path.join(bad, 'missing-output')
os.makedirs(missing_name, exist_ok=True)
export(DenseGenerator(4, 8, 1), torch.zeros(2, 4), os.path.join(missing_name, 'generator.onnx'), ['z'], ['images'], ['z', 'images'])
write_bundle(missing_name, manifest('missing-output', 'gan', {'height': 8, 'width': 8, 'channels': 1, 'range': [-1, 1]},
                                    {'generator': 'generator.onnx'}, latent={'dim': 4, 'distribution': 'normal'},
                                    io={'generator': {'outputs': ['samples']}}))
print('wrote', OUT)
