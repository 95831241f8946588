/**
 * CIFAR-10 end to end, as a user runs it: the CLI on CIFAR-10 test with the
 * zoo's CIFAR-10 domain classifier (ONNX, classes from its sidecar) as the
 * feature space, the zoo's DCGAN, and a samples-only model that is 200
 * CIFAR-10 training images saved as PyTorch lays them out (uint8 NCHW .npz):
 * the memorisation check must find those copies, the classifier must see all
 * classes in them, and the pages must speak of CIFAR-10's classes, in colour.
 * Small counts, no PDF: seconds, not minutes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { ReportData } from '../../src/assemble/report-data.ts';
import { loadCifar10 } from '../../src/data/cifar10.ts';
import { writeNpz } from '../../src/data/npz.ts';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'genreport-cifar10-'));
// The CIFAR-10 zoo's bundles (training/cifar10/ makes them).
const classifier = join(root, 'samples/cifar10/classifier/classifier.onnx');
const dcgan = join(root, 'samples/cifar10/dcgan');

test('a small CIFAR-10 run: colour grids, class names, copies caught by the memorisation check', async () => {
  for (const path of [classifier, `${classifier}.extractor.json`, join(dcgan, 'genmodel.json')]) {
    assert.ok(existsSync(path), `${path} is missing: the CIFAR-10 zoo's bundles (training/cifar10/) are needed`);
  }
  // 200 training images as uint8 NCHW, the way torch.save/np.savez of a PyTorch batch holds them.
  const { images } = await loadCifar10('train', 200);
  const nchw = new Uint8Array(images.data.length);
  const plane = 32 * 32;
  for (let i = 0; i < images.n; i++) {
    for (let p = 0; p < plane; p++)
      for (let c = 0; c < 3; c++)
        nchw[(i * 3 + c) * plane + p] = Math.round(images.data[(i * plane + p) * 3 + c]! * 255);
  }
  writeNpz(join(work, 'copies.npz'), { images: { dtype: 'uint8', shape: [images.n, 3, 32, 32], data: nchw } });

  const config = join(work, 'cifar.yaml');
  writeFileSync(
    config,
    [
      'title: CIFAR-10 end to end',
      'data: { real: cifar10:test, count: 300, trainCount: 300 }',
      `features: ${classifier}`,
      'models:',
      `  - ${dcgan}`,
      '  - { path: copies.npz, name: training-copies, samples: 200 }',
      'samples: 100',
      'batchSize: 100',
      'metrics: [fid, precision, recall, classes-covered, memorisation-share]',
      'bootstrap: { resamples: 10 }',
      'density: { images: 10, referenceTrainImages: 300 }',
      'invertibility: { images: 4, steps: 5, restarts: 1 }',
      'truncation: { psi: [0.5, 1], samples: 100 }',
      'output: { pdf: false }',
    ].join('\n'),
  );
  const out = join(work, 'report');
  const run = spawnSync(process.execPath, [join(root, 'bin/genreport.js'), 'run', config, '--out', out, '--quiet'], {
    cwd: work,
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData;

  assert.equal(data.dataset.name, 'cifar10:test');
  assert.deepEqual(data.dataset.shape, [32, 32, 3]);
  assert.match(data.extractor.name, /CIFAR-10/);
  assert.deepEqual(
    data.models.map((m) => m.status),
    ['ok', 'ok'],
    JSON.stringify(data.models),
  );
  assert.equal(data.models[1]!.name, 'training-copies');
  const copies = data.results['training-copies']!;
  assert.equal(data.models.find((m) => m.name === 'training-copies')?.samples, 200, 'its own sample count is reported');
  // Each copy is a training image: nearer to the training set than held-out real images are (share ≈ 0.05 without copying).
  assert.ok(
    copies['memorisation-share']?.kind === 'value' && copies['memorisation-share'].value > 0.9,
    JSON.stringify(copies['memorisation-share']),
  );
  assert.ok(
    copies['classes-covered']?.kind === 'value' && copies['classes-covered'].value >= 9,
    JSON.stringify(copies['classes-covered']),
  );
  assert.ok(
    data.warnings.some((w) => w.includes('training-copies was measured on 200 generated samples')),
    data.warnings.join('\n'),
  );

  const coverage = data.charts.find((c) => c.id === 'mode-coverage');
  assert.ok(
    coverage?.svg.includes('airplane') && coverage.svg.includes('truck'),
    'class names from the classifier label the bars',
  );
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.doesNotMatch(html, /digit/i);

  // The real grid's first tile is test image 0 (a cat) in its own colours: red, green, blue in that order.
  const grid = data.images.find((i) => i.id === 'real-samples')!;
  const png = Buffer.from(grid.dataUri.split(',')[1]!, 'base64');
  const { data: pixels, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  const padding = 2;
  assert.deepEqual(
    Array.from(pixels.subarray((padding * info.width + padding) * 3, (padding * info.width + padding) * 3 + 3)),
    [158, 112, 49],
  );
});

test('`genreport demo cifar10` names a valid config whose every bundle and extractor exists, and --help teaches both demos', async () => {
  const { readConfig, modelPath } = await import('../../src/config/config.ts');
  const { assertEnoughSamples } = await import('../../src/pipeline/check-inputs.ts');
  const { config } = readConfig(join(root, 'samples/cifar10/demo.yaml'));
  assert.equal(config.data.real, 'cifar10:test');
  assert.equal(config.data.train, 'cifar10:train');
  assert.doesNotThrow(() => assertEnoughSamples(config, config.metrics!));
  for (const model of config.models)
    assert.ok(existsSync(join(modelPath(model), 'genmodel.json')), `the demo's model ${modelPath(model)} is missing`);
  for (const { spec } of config.features) assert.ok(existsSync(spec), `the demo's extractor ${spec} is missing`);
  const help = spawnSync(process.execPath, [join(root, 'bin/genreport.js'), 'demo', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  for (const words of ['demo [data]', 'mnist', 'cifar10', 'samples/cifar10/demo.yaml', 'reports/demo-cifar10/'])
    assert.ok(help.stdout.includes(words), words);
});
