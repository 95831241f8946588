import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { renderChart, type VegaLiteSpec } from '../../src/render/chart.ts';
import { fidKidChartSpec } from '../../src/render/charts/fid-kid.ts';
import { isInlineSafeSvg } from '../../src/render/svg-guard.ts';
import { buildFixtureReport } from './fixture-report.ts';

test('the FID/KID chart is valid SVG naming every model, and safe to inline', async () => {
  const data = await buildFixtureReport({ modelNames: ['gan <b>&amp;', 'vae-mnist'] });
  const svg = await renderChart(fidKidChartSpec(data));
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.includes('gan &lt;b&gt;&amp;amp;'), 'model names are XML-escaped');
  assert.ok(svg.includes('vae-mnist'));
  assert.ok(svg.includes('FID') && svg.includes('KID'));
  assert.ok(isInlineSafeSvg(svg));
  // librsvg refuses malformed XML, so a successful rasterisation means the SVG parses.
  const { width, height } = await sharp(Buffer.from(svg))
    .png()
    .toBuffer({ resolveWithObject: true })
    .then((r) => r.info);
  assert.ok(width > 300 && height > 50, `chart is ${width}×${height}`);
});

test('the chart keeps the report order of models and carries KID ± std as its error bar', async () => {
  const data = await buildFixtureReport({ modelNames: ['zeta', 'alpha'] });
  const spec = fidKidChartSpec(data) as {
    data: { values: Record<string, unknown>[] };
    spec: { layer: { encoding: { y: { sort: string[] } } }[] };
  };
  assert.deepEqual(spec.spec.layer[0]!.encoding.y.sort, ['zeta', 'alpha']);
  const kidZeta = spec.data.values.find((p) => p.model === 'zeta' && String(p.metric).startsWith('KID'));
  assert.ok(kidZeta);
  assert.ok(Math.abs((kidZeta.low as number) - (0.0114 - 0.0021)) < 1e-12);
  assert.ok(Math.abs((kidZeta.high as number) - (0.0114 + 0.0021)) < 1e-12);
});

test('cells without a value are left out of the chart', async () => {
  const data = await buildFixtureReport();
  data.results['vae-mnist']!.fid = { kind: 'failed', reason: 'generator produced NaN' };
  const spec = fidKidChartSpec(data) as { data: { values: { model: string; metric: string }[] } };
  const fidModels = spec.data.values.filter((p) => p.metric.startsWith('FID')).map((p) => p.model);
  assert.deepEqual(fidModels, ['dcgan-mnist']);
});

test('a spec that points at external data is refused, not fetched', async () => {
  const spec: VegaLiteSpec = {
    data: { url: 'file:///etc/passwd', format: { type: 'csv' } },
    mark: 'point',
    encoding: { x: { field: 'a', type: 'nominal' } },
  };
  await assert.rejects(renderChart(spec), /refusing to load/);
});
