"""Spectral-norm GAN on CIFAR-10 (Miyato et al. 2018) with a projection discriminator
(Miyato & Koyama 2018) and hinge loss, class-conditional through conditional batch
norm in the generator. The discriminator also has an auxiliary class head, trained
on the real labels, that the generator must make name its class (as in AC-GAN,
Odena et al. 2017): with the projection alone, a run of 5,000 steps at these widths
drew automobiles and horses in under 1% of samples. The class head reads the whole
4x4 feature map, not the pooled vector the projection uses, and has no spectral norm,
and the discriminator weighs its cross-entropy twice: with a spectral-normed head on the
pooled features, the head still misclassified real images at 1.08 nats after 17,500
steps and birds stayed under 4% of samples. The generator's class is a function of its Gaussian latent
(conditional.py: class = floor(10 * Phi(z_0))), so the exported ONNX file takes z
only and sampling z samples all ten classes. The bundle holds the exponential moving
average of the generator's weights (as BigGAN and later SN-GAN work evaluate), its
batch-norm statistics re-measured. Writes samples/cifar10/sngan/: generator.onnx,
genmodel.json, card.json, train-log.csv. The loop, checkpoints and RESUME=1 are
gan_training.py's.

    STEPS=30000 BUDGET_S=7900 /usr/bin/python3 training/cifar10/sngan.py
"""
import os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm as SN
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *
from conditional import NUM_CLASSES, CondBatchNorm2d
from gan_training import GanTraining

DIM = 128
LR, BETAS = 2e-4, (0.5, 0.999)
EMA = 0.999
AUX_D, AUX_G = 2.0, 1.0  # weights of the class head's cross-entropy: the discriminator's (real images), the generator's
NG, ND = int(os.environ.get('NG', 64)), int(os.environ.get('ND', 64))  # base widths: 0.3 s a step on one idle core, 0.5 s beside a second lane
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
    linear(h) + <embed(y), h> (the projection discriminator); class logits from the 4x4 map."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            SN(nn.Conv2d(3, ND, 4, 2, 1)), nn.LeakyReLU(0.2),  # 16
            SN(nn.Conv2d(ND, ND * 2, 4, 2, 1)), nn.LeakyReLU(0.2),  # 8
            SN(nn.Conv2d(ND * 2, ND * 4, 4, 2, 1)), nn.LeakyReLU(0.2))  # 4
        self.linear = SN(nn.Linear(ND * 4, 1))
        self.embed = SN(nn.Embedding(NUM_CLASSES, ND * 4))
        self.aux = nn.Linear(ND * 4 * 16, NUM_CLASSES)  # the auxiliary class head: the whole 4x4 map, no spectral norm

    def forward(self, x, y):
        """(projection logit [n], class logits [n, 10])."""
        f = self.net(x)
        h = f.sum(dim=(2, 3))
        return self.linear(h).view(-1) + (self.embed(y) * h).sum(1), self.aux(f.flatten(1))


ARCH = (f'generator (class-conditional BN, class = floor(10 Phi(z_0))): convT4x4(z {DIM} -> 4x4x{NG * 4})-cbn-relu, '
        f'convT4x4/2({NG * 2})-cbn-relu, convT4x4/2({NG})-cbn-relu, convT4x4/2(3)-tanh; '
        f'discriminator (spectral norm on every layer, lrelu 0.2): conv4x4/2({ND}), conv4x4/2({ND * 2}), conv4x4/2({ND * 4}), '
        f'global sum pool, linear(1) + projection <embed(y), h>, and a linear(10) auxiliary class head on the flattened 4x4 map (no spectral norm)')


def updater(G, D, og, od):
    def update(real, y_real, z, y_fake):
        fake = G(z, y_fake)
        (dr, cr), (df, _) = D(real, y_real), D(fake.detach(), y_fake)
        # g_loss/d_loss are the adversarial (hinge) parts alone, what genreport's diagnostics judge.
        d_loss, d_class = F.relu(1 - dr).mean() + F.relu(1 + df).mean(), F.cross_entropy(cr, y_real)
        od.zero_grad(); (d_loss + AUX_D * d_class).backward(); od.step()
        dg, cg = D(fake, y_fake)
        g_loss, g_class = -dg.mean(), F.cross_entropy(cg, y_fake)
        og.zero_grad(); (g_loss + AUX_G * g_class).backward(); og.step()
        # d_out_real/d_out_fake: mean raw discriminator output on each side (the hinge margins are +1 and -1)
        return {'g_loss': g_loss.item(), 'd_loss': d_loss.item(), 'd_out_real': dr.mean().item(), 'd_out_fake': df.mean().item(),
                'g_class_loss': g_class.item(), 'd_class_loss': d_class.item()}
    return update


def export(run):
    weights = f'exponential moving average of the generator weights (decay {EMA}, warm-started), batch-norm statistics re-measured on 100 batches of its own'
    run.export('sngan', run.G_ema, weights,
               'Class-conditional spectral-norm GAN (projection discriminator with an auxiliary class head, hinge loss) trained on CIFAR-10 in PyTorch by '
               'training/cifar10/sngan.py, exported to ONNX (the moving average of its generator weights). Its class is a deterministic '
               'function of the latent, floor(10 Phi(z_0)), so the generator takes z only and sampling z samples all ten classes.', {
                   'conditioning': 'class-conditional; class = floor(10 * Phi(z_0)) of the Gaussian latent, computed inside generator.onnx, '
                                   'so each class has probability 1/10 under z ~ N(0, I). Training labels condition the discriminator (projection) '
                                   'on real images and train its auxiliary class head, which the generator is trained to make name its class; the coverage figures below therefore measure whether the generator draws each class recognisably, '
                                   'not whether an unconditional GAN found all modes by itself.',
                   'architecture': ARCH,
                   'training': {'loss': f'hinge loss (Lim & Ye 2017; Miyato et al. 2018) + cross-entropy of the auxiliary class head, weighted {AUX_D} for the discriminator (on real images) and {AUX_G} for the generator (on its own images)', 'discriminatorStepsPerGeneratorStep': 1,
                                'optimizer': f'adam lr {LR}, betas {BETAS}', 'emaDecay': EMA},
               })


def main():
    setup(1)
    train_x, train_y = load_cifar10()[:2]
    G, D = Generator(), Discriminator()
    G.apply(init)
    og = torch.optim.Adam(G.parameters(), LR, betas=BETAS)
    od = torch.optim.Adam(D.parameters(), LR, betas=BETAS)
    GanTraining('sngan', OUT, G, D, og, od, DIM, ['g_loss', 'd_loss', 'd_out_real', 'd_out_fake', 'g_class_loss', 'd_class_loss'], updater(G, D, og, od), EMA).run(train_x, train_y, export)


if __name__ == '__main__':
    main()
