import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { diagnoseTraining } from '../../src/diagnostics/diagnose.ts';
import { trainingLossChartSpec } from '../../src/render/charts/training-losses.ts';
import type { TrainingLog } from '../../src/diagnostics/training-log.ts';
import { renderChart, type VegaLiteSpec } from '../../src/render/chart.ts';
import { isInlineSafeSvg } from '../../src/render/svg-guard.ts';
import { syntheticLog, type Scenario } from '../diagnostics/synthetic-traces.ts';

function chartModels(scenarios: Scenario[]) {
  return scenarios.map((s) => {
    const log = syntheticLog(s);
    return { log, diagnostics: diagnoseTraining({ model: `${s} <gan>`, log }) };
  });
}

type Panel = {
  title: { text: string; subtitle: string };
  layer: { data: { values: Record<string, number | string>[] } }[];
};

test('the loss chart renders to safe SVG with a panel per model, its verdict, and the episodes shaded', async () => {
  const spec = trainingLossChartSpec(chartModels(['healthy', 'discriminator-collapse']));
  const svg = await renderChart(spec as VegaLiteSpec);
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(
    svg.includes('healthy &lt;gan&gt;') && svg.includes('discriminator-collapse &lt;gan&gt;'),
    'model names, escaped',
  );
  assert.ok(svg.includes('convergence failure (critical)'));
  assert.ok(svg.includes('g_loss') && svg.includes('d_loss'), 'series legend');
  assert.equal(
    (svg.match(/fill="#D55E00"/g) ?? []).length,
    2,
    'two critical episodes shaded, in the healthy panel none',
  );
  assert.ok(isInlineSafeSvg(svg));
  const { info } = await sharp(Buffer.from(svg)).png().toBuffer({ resolveWithObject: true });
  assert.ok(info.width > 500 && info.height > 350, `chart is ${info.width}×${info.height}`);
});

test('long logs are binned: the faint band keeps each bin’s extremes, the line is the smoothed loss', () => {
  const log = syntheticLog('healthy');
  log.series.g_loss![1234] = 42; // one spike
  const spec = trainingLossChartSpec([{ log, diagnostics: diagnoseTraining({ model: 'm', log }) }], { maxPoints: 100 });
  const [, band, line] = (spec as unknown as { vconcat: Panel[] }).vconcat[0]!.layer.map((l) => l.data.values);
  assert.equal(band!.length, 200, '100 bins × 2 series');
  assert.equal(Math.max(...band!.map((b) => b.high as number)), 42, 'the spike survives binning in the band');
  assert.ok(Math.max(...line!.map((p) => p.value as number)) < 3, 'and barely moves the smoothed line');
});

test('a log without GAN losses charts its loss columns', () => {
  const log: TrainingLog = {
    file: 'vae.csv',
    step: [1, 2, 3],
    series: { loss: [3, 2, 1], kl_loss: [1, 1, 1], accuracy: [0.1, 0.5, 0.9] },
  };
  const spec = trainingLossChartSpec([{ log, diagnostics: diagnoseTraining({ model: 'vae', log }) }]);
  const [, band] = (spec as unknown as { vconcat: Panel[] }).vconcat[0]!.layer.map((l) => l.data.values);
  assert.deepEqual([...new Set(band!.map((b) => b.series))], ['loss', 'kl_loss']);
});
