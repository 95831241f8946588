"""Class-conditional GAN pieces shared by dcgan.py and sngan.py.

The generators are class-conditional but their ONNX files take z only: the class is
a deterministic function of the latent, class = floor(10 * Phi(z_0)) (Phi the standard
normal CDF), so z ~ N(0, I) picks each class with probability 1/10 and sampling z
samples the ten-class mixture. genreport sees an ordinary z -> image generator."""
import math
import torch
import torch.nn as nn

NUM_CLASSES = 10


def class_of_latent(z):
    """floor(10 * Phi(z[:, 0])) as int64 in 0..9 (exports to Erf, Floor, Clip, Cast)."""
    u = 0.5 * (1 + torch.erf(z[:, 0] / math.sqrt(2)))
    return torch.clamp(torch.floor(u * NUM_CLASSES), 0, NUM_CLASSES - 1).long()


class CondBatchNorm2d(nn.Module):
    """Batch norm without its own affine; the scale and shift are looked up per class
    (conditional batch norm, de Vries et al. 2017; as in Miyato & Koyama 2018's generator)."""

    def __init__(self, channels):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, affine=False)
        self.gamma = nn.Embedding(NUM_CLASSES, channels)
        self.beta = nn.Embedding(NUM_CLASSES, channels)
        nn.init.ones_(self.gamma.weight)
        nn.init.zeros_(self.beta.weight)

    def forward(self, x, y):
        return self.gamma(y)[:, :, None, None] * self.bn(x) + self.beta(y)[:, :, None, None]


class LatentClassGenerator(nn.Module):
    """Wraps a generator g(z, y) as the exported z -> image function."""

    def __init__(self, g):
        super().__init__()
        self.g = g

    def forward(self, z):
        return self.g(z, class_of_latent(z))
