import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTimestamp, formatValue } from '../../src/render/format.ts';
import { toViewModel } from '../../src/render/view-model.ts';
import { buildFixtureReport } from './fixture-report.ts';

test('numbers show three significant digits without exponents for ordinary magnitudes', () => {
  assert.equal(formatValue(12.345), '12.3');
  assert.equal(formatValue(0.012345), '0.0123');
  assert.equal(formatValue(1234.5), '1,235');
  assert.equal(formatValue(0), '0');
  assert.equal(formatValue(-1.5), '−1.50');
  assert.equal(formatValue(3e-7), '3.00e−7');
  assert.equal(formatValue(Number.POSITIVE_INFINITY), '∞');
  assert.equal(formatTimestamp('2025-03-01T14:05:59.000Z'), '2025-03-01 14:05 UTC');
  assert.equal(formatTimestamp('yesterday'), 'yesterday');
});

test('scorecard cells: KID as mean ± std, intervals in the value\'s decimals, best flags kept', async () => {
  const view = toViewModel(await buildFixtureReport());
  assert.deepEqual(view.scorecard.columns.map((c) => `${c.label} ${c.arrow}`), ['FID ↓', 'KID ↓', 'Precision ↑', 'Bits/dim ↓']);
  const [gan, vae] = view.scorecard.rows;
  assert.deepEqual(gan.cells[0], { kind: 'value', text: '12.4', detail: '95% CI 11.6 – 13.4', best: true, footnote: null });
  assert.deepEqual(gan.cells[1], { kind: 'value', text: '0.0114 ± 0.0021', detail: null, best: true, footnote: null });
  assert.equal(vae.cells[0].best, false);
  assert.equal(vae.family, 'VAE');
});

test('n/a cells get a numbered footnote with the reason; equal reasons share it', async () => {
  const data = await buildFixtureReport();
  data.results['dcgan-mnist'].precision = { kind: 'not-applicable', reason: 'too few samples' };
  data.results['vae-mnist'].precision = { kind: 'not-applicable', reason: 'too few samples' };
  const view = toViewModel(data);
  const [gan, vae] = view.scorecard.rows;
  assert.equal(gan.cells[2].text, 'n/a');
  assert.equal(gan.cells[2].footnote, '1');
  assert.equal(gan.cells[3].footnote, '2');
  assert.equal(vae.cells[2].footnote, '1');
  assert.deepEqual(view.scorecard.footnotes, [
    { mark: '1', text: 'Precision: too few samples' },
    { mark: '2', text: 'Bits/dim: a GAN defines no likelihood' },
  ]);
});

test('failed cells show their reason; missing cells a dash; failed models are listed', async () => {
  const data = await buildFixtureReport();
  data.results['vae-mnist'].kid = { kind: 'failed', reason: 'decoder produced NaN' };
  delete data.results['vae-mnist'].precision;
  data.models[1] = { ...data.models[1], status: 'failed', error: 'weights missing' };
  const view = toViewModel(data);
  const vae = view.scorecard.rows[1];
  assert.deepEqual(vae.cells[1], { kind: 'failed', text: 'failed', detail: 'decoder produced NaN', best: false, footnote: null });
  assert.equal(vae.cells[2].kind, 'missing');
  assert.equal(vae.cells[2].text, '–');
  assert.deepEqual(view.failedModels, [{ name: 'vae-mnist', error: 'weights missing' }]);
});

test('summary names the best model per metric; SVG and image URIs that are not ours are dropped', async () => {
  const data = await buildFixtureReport();
  data.charts.push({ id: 'x', title: 'x', caption: '', spec: {}, svg: '<svg onload="alert(1)"></svg>' });
  data.images.push({ ...data.images[0], dataUri: 'https://example.com/track.png' });
  const view = toViewModel(data);
  assert.deepEqual(view.summary.best.map((b) => `${b.metric}: ${b.models} (${b.value})`), [
    'FID: dcgan-mnist (12.4)',
    'KID: dcgan-mnist (0.0114)',
    'Precision: dcgan-mnist (0.812)',
    'Bits/dim: vae-mnist (1.41 bits)',
  ]);
  assert.ok(view.charts[0].svg?.startsWith('<svg'));
  assert.equal(view.charts[1].svg, null);
  assert.ok(view.images[0].src?.startsWith('data:image/png;base64,'));
  assert.equal(view.images[2].src, null);
});
