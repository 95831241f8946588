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
  assert.equal(formatValue(10), '10', 'counts print without decimals');
  assert.equal(formatValue(10.04), '10.0');
  assert.equal(formatValue(-1.5), '−1.50');
  assert.equal(formatValue(3e-7), '3.00e−7');
  assert.equal(formatValue(Number.POSITIVE_INFINITY), '∞');
  assert.equal(formatTimestamp('2025-03-01T14:05:59.000Z'), '2025-03-01 14:05 UTC');
  assert.equal(formatTimestamp('yesterday'), 'yesterday');
});

test("scorecard cells: KID as mean ± std, intervals in the value's decimals, best flags kept", async () => {
  const view = toViewModel(await buildFixtureReport());
  assert.deepEqual(
    view.scorecard.columns.map((c) => `${c.label} ${c.arrow}`),
    ['FID ↓', 'KID ↓', 'Precision ↑', 'Bits/dim ↓'],
  );
  const [gan, vae] = view.scorecard.rows;
  assert.deepEqual(gan!.cells[0], {
    kind: 'value',
    text: '12.4',
    detail: '[11.6, 13.4]',
    interval: ['11.6', '13.4'],
    best: true,
    footnote: null,
  });
  assert.deepEqual(gan!.cells[1], {
    kind: 'value',
    text: '0.0114 ± 0.0021',
    detail: null,
    interval: null,
    best: true,
    footnote: null,
  });
  assert.equal(vae!.cells[0]!.best, false);
  assert.equal(vae!.family, 'VAE');
});

test('a whole number without spread or interval is a count and prints as one; with an interval it keeps the decimals', async () => {
  const data = await buildFixtureReport();
  data.results['dcgan-mnist']!.precision = { kind: 'value', value: 10, n: 1000 };
  data.results['vae-mnist']!.precision = { kind: 'value', value: 2, interval: [1.95, 2.05], n: 1000 };
  const [gan, vae] = toViewModel(data).scorecard.rows;
  assert.equal(gan!.cells[2]!.text, '10');
  assert.equal(vae!.cells[2]!.text, '2.00');
  assert.deepEqual(vae!.cells[2]!.interval, ['1.95', '2.05']);
});

test('n/a cells get a numbered footnote with the reason; equal reasons share it', async () => {
  const data = await buildFixtureReport();
  data.results['dcgan-mnist']!.precision = { kind: 'not-applicable', reason: 'too few samples' };
  data.results['vae-mnist']!.precision = { kind: 'not-applicable', reason: 'too few samples' };
  const view = toViewModel(data);
  const [gan, vae] = view.scorecard.rows;
  assert.equal(gan!.cells[2]!.text, 'n/a');
  assert.equal(gan!.cells[2]!.footnote, '1');
  assert.equal(gan!.cells[3]!.footnote, '2');
  assert.equal(vae!.cells[2]!.footnote, '1');
  assert.deepEqual(view.scorecard.footnotes, [
    { mark: '1', text: 'Precision: too few samples' },
    { mark: '2', text: 'Bits/dim: a GAN defines no likelihood' },
  ]);
});

test('failed cells show their reason; missing cells a dash; failed models are listed', async () => {
  const data = await buildFixtureReport();
  data.results['vae-mnist']!.kid = { kind: 'failed', reason: 'decoder produced NaN' };
  delete data.results['vae-mnist']!.precision;
  data.models[1] = { ...data.models[1]!, status: 'failed', error: 'weights missing' };
  const view = toViewModel(data);
  const vae = view.scorecard.rows[1]!;
  assert.deepEqual(vae.cells[1], {
    kind: 'failed',
    text: 'failed',
    detail: 'decoder produced NaN',
    interval: null,
    best: false,
    footnote: null,
  });
  assert.equal(vae.cells[2]!.kind, 'missing');
  assert.equal(vae.cells[2]!.text, '–');
  assert.deepEqual(view.failedModels, [{ name: 'vae-mnist', error: 'weights missing' }]);
});

test('summary: one paragraph per axis with the best model, its margin and whether the uncertainty allows the lead', async () => {
  const data = await buildFixtureReport();
  data.charts.push({ id: 'x', title: 'x', caption: '', spec: {}, svg: '<svg onload="alert(1)"></svg>' });
  data.images.push({ ...data.images[0]!, dataUri: 'https://example.com/track.png' });
  const view = toViewModel(data);
  assert.deepEqual(
    view.summary.axes.map((a) => `${a.axis}: ${a.verdict}`),
    [
      'Fidelity: dcgan-mnist best on FID, KID, Precision.',
      'Diversity: not measured in this report.',
      // Read from the density section (test/render/likelihood-sections.test.ts), not from a scorecard column.
      'Density (likelihood): not measured in this report.',
      'Invertibility: not measured in this report.',
      'Speed: vae-mnist fastest at 8,800 img/s on wasm.',
    ],
  );
  const [fidelity, , , , speed] = view.summary.axes;
  assert.match(
    fidelity!.paragraph,
    /FID ↓: dcgan-mnist is best at 12\.4 \[11\.6, 13\.4\], 19\.5 below vae-mnist \(31\.9 \[30\.2, 33\.7\]\); the 95% intervals do not overlap\./,
  );
  assert.match(
    fidelity!.paragraph,
    /KID ↓: dcgan-mnist is best at 0\.0114 ± 0\.0021, 0\.0238 below vae-mnist \(0\.0352 ± 0\.0034\); the gap exceeds the two standard deviations together\./,
  );
  assert.equal(
    speed!.paragraph,
    'vae-mnist samples fastest at 8,800 img/s, 1.72× dcgan-mnist (5,120 img/s), on the wasm backend (one timed run, so no interval).',
  );
  assert.deepEqual(
    view.summary.axes.filter((a) => !a.measured).map((a) => a.paragraph),
    ['Not measured in this report.', 'Not measured in this report.', 'Not measured in this report.'],
  );
  assert.deepEqual(
    view.speed?.rows.map((r) => `${r.model} ${r.speed} ${r.relative}`),
    ['vae-mnist 8,800 img/s 1.72×', 'dcgan-mnist 5,120 img/s 1×'],
  );
  assert.ok(view.charts[0]!.svg?.startsWith('<svg'));
  assert.equal(view.charts[1]!.svg, null);
  assert.ok(view.images[0]!.src?.startsWith('data:image/png;base64,'));
  assert.equal(view.images[2]!.src, null);
});

test('speed: a model that sampled on several threads says so, and the section says speeds are per model, not per thread', async () => {
  const data = await buildFixtureReport();
  assert.equal(toViewModel(data).speed?.threadsNote, null);
  data.models[1]!.samplingThreads = 2;
  const view = toViewModel(data);
  assert.deepEqual(
    view.speed?.rows.map((r) => r.speed),
    ['8,800 img/s on 2 threads', '5,120 img/s'],
  );
  assert.match(view.speed?.threadsNote ?? '', /one thread except where a thread count is given/);
});

test('overlapping intervals and ties are said plainly', async () => {
  const data = await buildFixtureReport();
  data.results['vae-mnist']!.fid = { kind: 'value', value: 12.9, interval: [12.0, 13.8], n: 2000 };
  data.results['vae-mnist']!.precision = { kind: 'value', value: 0.812, interval: [0.8, 0.83], n: 2000, best: true };
  const [fidelity] = toViewModel(data).summary.axes;
  assert.match(
    fidelity!.paragraph,
    /FID ↓: dcgan-mnist is best at 12\.4 \[11\.6, 13\.4\], 0\.5 below vae-mnist .*; the 95% intervals overlap, so the lead is not clear\./,
  );
  assert.match(fidelity!.paragraph, /Precision ↑: dcgan-mnist and vae-mnist tie at 0\.812/);
  assert.equal(fidelity!.verdict, 'dcgan-mnist best on FID, KID; dcgan-mnist and vae-mnist on Precision.');
});

test('with more metrics than fit one A4 row per model, the scorecard is also given metric by metric', async () => {
  assert.equal(toViewModel(await buildFixtureReport()).scorecard.transposed, null);
  const { scorecard } = toViewModel(await buildFixtureReport({ prdc: true }));
  assert.deepEqual(scorecard.transposed?.models, [
    { name: 'dcgan-mnist', family: 'GAN' },
    { name: 'vae-mnist', family: 'VAE' },
  ]);
  assert.deepEqual(
    scorecard.transposed?.rows.map((r) => r.label),
    scorecard.columns.map((c) => c.label),
  );
  assert.equal(
    scorecard.transposed?.rows[4]?.cells[1],
    scorecard.rows[1]!.cells[4],
    'the same cell, recall of the VAE',
  );
});

test("Methods lists a file extractor's provenance (file, input, resize, colour, runtime); none for the built-in classifier", async () => {
  const data = await buildFixtureReport();
  assert.deepEqual(toViewModel(data).methods.extractor.provenance, []);
  data.extractor = {
    ...data.extractor,
    id: 'inception-fid',
    kind: 'onnx',
    preset: 'inception-fid',
    file: 'pt_inception.onnx',
    output: 'pool3',
    input: 'NCHW float32, [0, 1] → [0, 1]',
    resize: 'none (images at their own size)',
    colour: 'RGB; grey replicated to RGB',
    runtime: 'onnxruntime-node 1.30.0, cpu, 16 threads',
  };
  assert.deepEqual(toViewModel(data).methods.extractor.provenance, [
    'file: pt_inception.onnx',
    'preset: inception-fid',
    'input: NCHW float32, [0, 1] → [0, 1]',
    'resize: none (images at their own size)',
    'colour: RGB; grey replicated to RGB',
    'runtime: onnxruntime-node 1.30.0, cpu, 16 threads',
  ]);
});
