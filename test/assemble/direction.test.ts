import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortfall } from '../../src/assemble/direction.ts';
import { assembleReport, type AssembleInput } from '../../src/assemble/assemble.ts';
import type { MetricCell } from '../../src/assemble/report-data.ts';

test('shortfall orders values the way each direction means', () => {
  assert.ok(shortfall('lower', 1) < shortfall('lower', 2));
  assert.ok(shortfall('higher', 2) < shortfall('higher', 1));
  assert.ok(shortfall('near-one', 0.9) < shortfall('near-one', 1.2));
  assert.ok(shortfall('near-one', 1.05) < shortfall('near-one', 0.9));
  assert.equal(shortfall('near-one', 1), 0);
});

test('a spread ratio nearest 1 is marked best, whether above or below it', () => {
  const cell = (value: number): MetricCell => ({ kind: 'value', value, n: 10 });
  const model = (name: string, value: number) => ({
    entry: { name, family: 'gan' as const, bundle: name, hash: '', parameters: 0, status: 'ok' as const },
    cells: { 'feature-std-ratio': cell(value) },
    images: [],
  });
  const input: AssembleInput = {
    title: 't',
    createdAt: '2026-01-01T00:00:00Z',
    tool: { name: 'genreport', version: '0' },
    command: 'c',
    seed: 1,
    samples: 10,
    backend: { name: 'cpu', reason: 'r' },
    timings: [],
    dataset: { name: 'd', split: 's', count: 1, shape: [1, 1, 1] },
    extractor: { id: 'e', name: 'e', layer: 'l', dim: 1, hash: 'h' },
    metrics: [
      {
        id: 'feature-std-ratio',
        label: 'Feature std ratio',
        unit: '',
        direction: 'near-one',
        definition: '',
        reference: '',
      },
    ],
    models: [model('low', 0.7), model('high', 1.1), model('far', 1.6)],
  };
  const data = assembleReport(input);
  const best = Object.entries(data.results).filter(
    ([, row]) => row['feature-std-ratio']?.kind === 'value' && row['feature-std-ratio'].best,
  );
  assert.deepEqual(
    best.map(([name]) => name),
    ['high'],
  );
});
