import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleReport, type AssembleInput } from '../../src/assemble/assemble.ts';
import { toViewModel } from '../../src/render/view-model.ts';

const model = (name: string, samples?: number) => ({
  entry: {
    name,
    family: 'gan' as const,
    bundle: name,
    hash: '',
    parameters: 0,
    status: 'ok' as const,
    ...(samples ? { samples } : {}),
  },
  cells: { fid: { kind: 'value' as const, value: 10, n: samples ?? 1000 } },
});

const input = (models: ReturnType<typeof model>[]): AssembleInput => ({
  title: 't',
  createdAt: '2026-01-01T00:00:00Z',
  tool: { name: 'genreport', version: '0' },
  command: 'c',
  seed: 1,
  samples: 1000,
  backend: { name: 'cpu', reason: 'r' },
  timings: [],
  dataset: { name: 'cifar10:test', split: 'test', count: 10000, shape: [32, 32, 3] },
  extractor: { id: 'e', name: 'e', layer: 'l', dim: 1, hash: 'h' },
  metrics: [{ id: 'fid', label: 'FID', unit: '', direction: 'lower', definition: '', reference: '' }],
  models,
});

test('a model with its own sample count is named in the warnings, and the small-count FID warning names it rather than every model', () => {
  const data = assembleReport(input([model('dcgan'), model('pixelcnn', 300)]));
  assert.ok(
    data.warnings.includes(
      'pixelcnn was measured on 300 generated samples, the other models on 1000: sample-based metrics (FID above all) depend on the count, so compare them only between models with equal counts; their differences are not paired.',
    ),
    data.warnings.join('\n'),
  );
  assert.ok(
    data.warnings.some((w) => w.startsWith('Only 300 generated samples for pixelcnn: FID is biased upwards')),
    data.warnings.join('\n'),
  );
  assert.equal(data.models.find((m) => m.name === 'pixelcnn')?.samples, 300);
  assert.equal(toViewModel(data).methods.samples, '1,000 (pixelcnn: 300)', 'the methods section names the exception');
});

test('equal counts keep the one warning they always had', () => {
  const data = assembleReport(input([model('dcgan'), model('vae')]));
  assert.deepEqual(data.warnings, [
    'Only 1000 generated samples per model: FID is biased upwards at small sample counts, so compare FIDs only between reports with equal counts (2000 or more is steadier).',
  ]);
  assert.equal(toViewModel(data).methods.samples, '1,000');
});
