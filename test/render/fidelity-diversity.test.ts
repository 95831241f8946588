import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fidelityDiversityChartSpec, fidelityDiversityCharts } from '../../src/render/charts/fidelity-diversity.ts';
import { buildFixtureReport } from './fixture-report.ts';

interface Panel {
  data: { values: { model: string; x: number; xLow: number; xHigh: number; y: number; yLow: number; yHigh: number }[] };
  layer: { encoding: { x: { title: string } } }[];
}

test('one panel per metric pair, one point per model, intervals as the bar ends', async () => {
  const spec = fidelityDiversityChartSpec(await buildFixtureReport({ prdc: true })) as unknown as { hconcat: Panel[] };
  assert.equal(spec.hconcat.length, 2);
  const [pr, dc] = spec.hconcat;
  assert.deepEqual(pr!.data.values[0], {
    model: 'dcgan-mnist',
    x: 0.402,
    xLow: 0.381,
    xHigh: 0.425,
    y: 0.812,
    yLow: 0.797,
    yHigh: 0.829,
  });
  assert.deepEqual(
    dc!.data.values.map((p) => p.model),
    ['dcgan-mnist', 'vae-mnist'],
  );
  assert.equal(dc!.layer[2]!.encoding.x.title, 'Coverage (diversity)');
});

test('a model without both metrics has no point; no metrics at all, no chart', async () => {
  const data = await buildFixtureReport({ prdc: true });
  data.results['vae-mnist']!.recall = { kind: 'failed', reason: 'x' };
  const spec = fidelityDiversityChartSpec(data) as unknown as { hconcat: Panel[] };
  assert.deepEqual(
    spec.hconcat[0]!.data.values.map((p) => p.model),
    ['dcgan-mnist'],
  );
  assert.equal(fidelityDiversityChartSpec(await buildFixtureReport()), null);
  assert.deepEqual(await fidelityDiversityCharts(await buildFixtureReport()), []);
});

test('the chart renders to an inline SVG', async () => {
  const [entry] = await fidelityDiversityCharts(await buildFixtureReport({ prdc: true }));
  assert.equal(entry!.id, 'fidelity-diversity');
  assert.match(entry!.svg, /^<svg[^>]*>/);
  for (const text of ['Precision (fidelity)', 'Recall (diversity)', 'dcgan-mnist', 'vae-mnist'])
    assert.ok(entry!.svg.includes(text), text);
});
