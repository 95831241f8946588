"""DCGAN on CIFAR-10 (Radford et al. 2016 layout), non-saturating loss, Adam 2e-4/0.5,
made class-conditional the AC-GAN way (Odena et al. 2017): the generator gets its
class as a one-hot beside z, the discriminator has a second head that classifies
real training images by their labels, and the generator is also trained to make that
head name its class. The class is a function of the Gaussian latent (conditional.py:
class = floor(10 * Phi(z_0))), so the exported ONNX file takes z only and sampling z
samples all ten classes. Keeps an exponential moving average of the generator's
weights (Yazıcı et al. 2019) and writes two bundles: samples/cifar10/dcgan/ (raw
weights at the last step) and samples/cifar10/dcgan-ema/ (the average, its batch-norm
statistics re-measured), each with generator.onnx, genmodel.json, card.json and the
same train-log.csv. The loop, checkpoints and RESUME=1 are gan_training.py's.

    STEPS=22000 BUDGET_S=6300 /usr/bin/python3 training/cifar10/dcgan.py
"""
import os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *
from conditional import NUM_CLASSES
from gan_training import GanTraining

DIM = 64
EMA = 0.999
NG, ND = int(os.environ.get('NG', 64)), int(os.environ.get('ND', 64))  # base widths: 0.27 s a step on one idle core
AUX = 1.0  # weight of the auxiliary classifier's cross-entropy
OUT = os.path.join(ZOO, 'dcgan')


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


def updater(G, D, og, od):
    def update(real, y_real, z, y_fake):
        fake = G(z, y_fake)
        (dr, cr), (df, _) = D(real), D(fake.detach())
        # The log's g_loss/d_loss are the adversarial parts alone (what genreport's GAN
        # diagnostics judge); the class heads' cross-entropies have columns of their own.
        d_loss, d_class = F.softplus(-dr).mean() + F.softplus(df).mean(), F.cross_entropy(cr, y_real)
        od.zero_grad(); (d_loss + AUX * d_class).backward(); od.step()
        dg, cg = D(fake)
        g_loss, g_class = F.softplus(-dg).mean(), F.cross_entropy(cg, y_fake)  # non-saturating + class
        og.zero_grad(); (g_loss + AUX * g_class).backward(); og.step()
        return {'g_loss': g_loss.item(), 'd_loss': d_loss.item(),
                'd_real': torch.sigmoid(dr).mean().item(), 'd_fake': torch.sigmoid(df).mean().item(),
                'g_class_loss': g_class.item(), 'd_class_loss': d_class.item(),
                'class_acc_real': (cr.argmax(1) == y_real).float().mean().item(),
                'class_acc_fake': (cg.argmax(1) == y_fake).float().mean().item()}
    return update


COLUMNS = ['g_loss', 'd_loss', 'd_real', 'd_fake', 'g_class_loss', 'd_class_loss', 'class_acc_real', 'class_acc_fake']
DESCRIPTION = ('Class-conditional DCGAN (AC-GAN auxiliary classifier) trained on CIFAR-10 in PyTorch by training/cifar10/dcgan.py, '
               'exported to ONNX ({weights}). Its class is a deterministic function of the latent, floor(10 Phi(z_0)), so the '
               'generator takes z only and sampling z samples all ten classes.')
CARD = {
    'conditioning': 'class-conditional; class = floor(10 * Phi(z_0)) of the Gaussian latent, computed inside generator.onnx and given to '
                    'the generator as a one-hot beside z, so each class has probability 1/10 under z ~ N(0, I). The discriminator\'s second head '
                    'learns the training labels (AC-GAN, Odena et al. 2017) and the generator is trained to make it name the class; the coverage '
                    'figures below therefore measure whether the generator draws each class recognisably, not whether an unconditional GAN found all modes by itself.',
    'architecture': f'generator: convT4x4(z {DIM} + one-hot class 10 -> 4x4x{NG * 4})-bn-relu, convT4x4/2({NG * 2})-bn-relu, convT4x4/2({NG})-bn-relu, convT4x4/2(3)-tanh; '
                    f'discriminator: conv4x4/2({ND})-lrelu, conv4x4/2({ND * 2})-bn-lrelu, conv4x4/2({ND * 4})-bn-lrelu, then conv4x4(1) real/fake and conv4x4(10) class heads',
    'training': {'loss': f'non-saturating GAN loss + {AUX} x cross-entropy of the class head (on real images for the discriminator, on generated ones for the generator)',
                 'optimizer': 'adam lr 0.0002, beta1 0.5', 'emaDecay': EMA},
}


def export(run):
    for bundle, gen, weights in [('dcgan', run.G, 'raw generator weights at the last step'),
                                 ('dcgan-ema', run.G_ema, f'exponential moving average of the generator weights (decay {EMA}, warm-started), '
                                                          'batch-norm statistics re-measured on 100 batches of its own')]:
        run.export(bundle, gen, weights, DESCRIPTION.format(weights=weights), CARD)


def main():
    setup(1)
    train_x, train_y = load_cifar10()[:2]
    G, D = Generator(), Discriminator()
    G.apply(init); D.apply(init)
    og = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    GanTraining('dcgan', OUT, G, D, og, od, DIM, COLUMNS, updater(G, D, og, od), EMA).run(train_x, train_y, export)


if __name__ == '__main__':
    main()
