/**
 * "Clear lead" by paired differences, end to end through assemble and the
 * summary: two models whose per-image bits/dim differ by a constant plus
 * small noise on a shared set of very unequal test images. Their own
 * intervals overlap widely (the old rule said "not clear"); the paired
 * interval is narrow and excludes 0, and report.json, the HTML summary and
 * report.md all say so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleReport, type AssembleInput } from '../../src/assemble/assemble.ts';
import type { MetricCell, MetricInfo } from '../../src/assemble/report-data.ts';
import { parseReportData } from '../../src/assemble/report-schema.ts';
import { Rng } from '../../src/core/rng.ts';
import type { LikelihoodEstimate } from '../../src/likelihood/likelihood-estimate.ts';
import type { PairedDraws } from '../../src/metrics/paired-difference.ts';
import { axisSummaries } from '../../src/render/axis-summary.ts';
import { renderHtml } from '../../src/render/html.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';

const D = 784;
const N = 300;
const rng = new Rng(7);
const hardness = Float64Array.from({ length: N }, () => 1.0 + 0.4 * rng.normal());
/** log p(x) in nats for bits/dim values per image. */
const logLikelihoods = (bits: Float64Array) => bits.map((b) => -b * D * Math.LN2);

function estimate(estimator: 'iwae' | 'exact', bits: Float64Array): LikelihoodEstimate {
  return {
    estimator,
    kind: estimator === 'exact' ? 'exact' : 'bound',
    samples: 1,
    dataSpace: 'uint8-28x28x1',
    logLikelihoods: logLikelihoods(bits),
    secondsPerImage: 0.01,
    label: estimator,
  };
}

const FID: MetricInfo = { id: 'fid', label: 'FID', unit: '', direction: 'lower', definition: 'd', reference: 'r' };

function input(): AssembleInput {
  const pixelcnn = hardness.map((h) => h + 0.001 * rng.normal());
  const iwae = hardness.map((h) => h + 0.03 + 0.001 * rng.normal());
  const entries = [
    { model: 'vae', estimate: estimate('iwae', iwae) },
    { model: 'pixelcnn', estimate: estimate('exact', pixelcnn) },
  ];
  // FID replicates: a shared resampling component plus a constant gap of 2.
  const shared = Float64Array.from({ length: 50 }, () => 10 * rng.normal());
  const fid = (
    value: number,
    replicates: Float64Array,
  ): { cells: Record<string, MetricCell>; paired: Record<string, PairedDraws> } => ({
    cells: { fid: { kind: 'value', value, interval: [value - 20, value + 20], n: 1000 } },
    paired: { fid: { kind: 'bootstrap', values: replicates } },
  });
  const model = (name: string, family: 'vae' | 'autoregressive', f: ReturnType<typeof fid>) => ({
    entry: { name, family, bundle: name, hash: 'h', parameters: 1, status: 'ok' as const },
    images: [],
    ...f,
  });
  return {
    title: 't',
    createdAt: '2026-01-01T00:00:00.000Z',
    tool: { name: 'genreport', version: '0' },
    command: 'c',
    seed: 1,
    samples: 1000,
    backend: { name: 'cpu', reason: 'r' },
    timings: [],
    dataset: { name: 'mnist:test', split: 'test', count: N, shape: [28, 28, 1] },
    extractor: { id: 'x', name: 'x', layer: 'l', dim: 2, hash: 'h' },
    metrics: [FID],
    models: [
      model(
        'vae',
        'vae',
        fid(
          52,
          shared.map((s) => 52 + s + 0.1 * rng.normal()),
        ),
      ),
      model(
        'pixelcnn',
        'autoregressive',
        fid(
          50,
          shared.map((s) => 50 + s + 0.1 * rng.normal()),
        ),
      ),
    ],
    density: {
      images: N,
      dimensions: D,
      source: 'mnist:test',
      models: entries.map((e) => ({ model: e.model, density: { entries: [e] } })),
      reference: null,
    },
  };
}

test('density: unpaired intervals overlap, the paired per-image interval is narrow and excludes 0 → a clear lead', () => {
  const data = assembleReport(input());
  const rows = data.density!.rows;
  const [vae, pixelcnn] = [
    rows.find((r) => r.model === 'vae')!.bitsPerDim!,
    rows.find((r) => r.model === 'pixelcnn')!.bitsPerDim!,
  ];
  assert.ok(vae.low <= pixelcnn.high, 'the unpaired 95% intervals overlap');
  const bits = data.differences!.find((d) => d.metric === 'bits-per-dim')!;
  assert.equal(bits.best, 'pixelcnn');
  assert.equal(bits.bestEstimator, 'exact');
  assert.equal(bits.method, 'per-image');
  assert.equal(bits.n, N);
  const [row] = bits.rows;
  assert.equal(row!.model, 'vae');
  assert.ok(Math.abs(row!.difference.value - 0.03) < 0.001, `difference ${row!.difference.value}`);
  assert.ok(row!.difference.high - row!.difference.low < 0.001, 'paired interval is narrow');
  assert.equal(row!.clear, true);

  const [, , density] = axisSummaries(data);
  assert.match(
    density!.paragraph,
    /the paired difference vae − pixelcnn is \+0\.0\d+ \[\+0\.0\d+, \+0\.0\d+\], which excludes 0, so the lead is clear/,
  );
  assert.doesNotMatch(density!.paragraph, /intervals overlap/);
});

test('sample metrics: FID replicates on the same resamples give a clear paired lead although the intervals overlap', () => {
  const data = assembleReport(input());
  const fid = data.differences!.find((d) => d.metric === 'fid')!;
  assert.deepEqual([fid.best, fid.method, fid.n], ['pixelcnn', 'bootstrap', 50]);
  assert.equal(fid.rows[0]!.model, 'vae');
  assert.equal(fid.rows[0]!.difference.value, 2);
  assert.ok(fid.rows[0]!.clear && fid.rows[0]!.difference.low > 1.5 && fid.rows[0]!.difference.high < 2.5);
  const [fidelity] = axisSummaries(data);
  assert.match(
    fidelity!.paragraph,
    /the paired difference vae − pixelcnn is \+2\.0+ \[\+1\.\d+, \+2\.\d+\], which excludes 0, so the lead is clear/,
  );
});

test('report.json keeps the differences (schema), the HTML summary and report.md show the table', async () => {
  const data = parseReportData(JSON.parse(JSON.stringify(assembleReport(input()))), 'report.json');
  assert.equal(data.differences!.length, 2);
  const html = await renderHtml(data);
  assert.match(html, /<h3>Difference to the best model<\/h3>/);
  assert.match(
    html,
    /<td class="num"><strong>\+0\.0\d+<\/strong><span class="detail">\[\+0\.0\d+, \+0\.0\d+\]<\/span><\/td>/,
  );
  const md = renderMarkdown(data);
  assert.match(md, /\*\*Difference to the best model\*\*/);
  assert.match(
    md,
    /\| Bits\/dim \(uint8-28x28x1\) \(300 shared test images\) \| pixelcnn \(exact\) \| \*\*\+0\.0\d+ \[/,
  );
});

test('models with different sample counts are not paired; no replicates, no difference', () => {
  const base = input();
  base.models[0]!.cells.fid = { kind: 'value', value: 52, n: 500 };
  const data = assembleReport({ ...base, density: undefined });
  assert.equal(data.differences, undefined);
});
