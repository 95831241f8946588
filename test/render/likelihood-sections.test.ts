import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReportData } from '../../src/assemble/report-schema.ts';
import { axisSummaries } from '../../src/render/axis-summary.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { BITS_PER_DIM_CHART_ID } from '../../src/render/charts/bits-per-dim.ts';
import { TRUNCATION_CHART_ID } from '../../src/render/charts/truncation.ts';
import { toViewModel } from '../../src/render/view-model.ts';
import { buildFixtureReport } from './fixture-report.ts';

test('density section: bounds labelled as bounds, the IWAE gap, the reference row, the ranking; its chart not among the general charts', async () => {
  const data = await buildFixtureReport({ likelihood: true });
  const view = toViewModel(data);
  const density = view.density!;
  assert.deepEqual(
    density.rows.map((r) => [r.model, r.estimate, r.kind]),
    [
      ['dcgan-mnist', '–', 'no density'],
      ['vae-mnist', 'ELBO, K = 64', 'lower bound'],
      ['vae-mnist', 'IWAE, K = 64', 'lower bound'],
    ],
  );
  assert.equal(density.rows[2]!.nats, '766 [757, 775]');
  assert.match(density.rows[2]!.note, /^Gap to the ELBO: 15 nats\./);
  assert.match(density.rows[0]!.note, /^no density: a GAN/);
  assert.equal(density.reference!.estimate, 'pixel histograms');
  assert.deepEqual(density.rankings, [
    'Ranked together on uint8-28x28x1, best first: vae-mnist, independent pixels (reference).',
  ]);
  assert.equal(density.chart!.title, 'Bits per dimension');
  assert.ok(
    data.charts.some((c) => c.id === BITS_PER_DIM_CHART_ID) && data.charts.some((c) => c.id === TRUNCATION_CHART_ID),
  );
  assert.ok(!view.charts.some((c) => c.title === 'Bits per dimension'));
  assert.ok(view.charts.some((c) => c.title === 'Truncation sweep (GANs)'));
});

test('an estimate set apart is listed with its reason', async () => {
  const data = await buildFixtureReport({ likelihood: true });
  data.density!.apart.push({
    model: 'dcgan-mnist',
    label: 'Parzen-window estimate (σ = 0.2): unreliable',
    reason: 'a Parzen-window estimate is not a likelihood',
  });
  assert.deepEqual(toViewModel(data).density!.apart, [
    'dcgan-mnist (Parzen-window estimate (σ = 0.2)) is not ranked: a Parzen-window estimate is not a likelihood.',
  ]);
});

test('invertibility section: its grids leave the samples section; round trips show both directions', async () => {
  const data = await buildFixtureReport({ likelihood: true });
  const grid = {
    ...data.images[0]!,
    id: 'invertibility-vae-0',
    title: 'Reconstructions: vae-mnist',
    section: 'invertibility' as const,
  };
  data.images.push(grid);
  data.invertibility!.rows.push({
    model: 'flow',
    method: 'round-trip',
    label: 'exact inverse',
    n: 64,
    roundTrip: { imageToImage: { max: 2.1e-6, mean: 3e-7 }, latentToLatent: { max: 4e-6, mean: 5e-7 } },
    secondsPerImage: 0.004,
  });
  const view = toViewModel(data);
  assert.deepEqual(
    view.invertibility!.images.map((i) => i.title),
    ['Reconstructions: vae-mnist'],
  );
  assert.ok(!view.images.some((i) => i.title === grid.title));
  const flow = view.invertibility!.rows.at(-1)!;
  assert.equal(flow.error, 'x→z→x max 2.10e−6, mean 3.00e−7; z→x→z max 4.00e−6, mean 5.00e−7');
  assert.equal(flow.time, '4 ms');
  assert.equal(view.invertibility!.rows[0]!.sameLabel, '92% [83, 97]');
  const [, , , invertibility] = axisSummaries(data);
  assert.match(invertibility!.paragraph, /flow inverts exactly: round-trip error at most 4\.00e−6/);
});

test('the density axis reads the density section: best bound with its interval, the reference for scale, who has no density', async () => {
  const [, , density] = axisSummaries(await buildFixtureReport({ likelihood: true }));
  assert.equal(density!.verdict, 'vae-mnist best at 1.41 bits/dim.');
  assert.match(
    density!.paragraph,
    /vae-mnist is best at 1\.41 \[1\.39, 1\.43\] bits\/dim \(a bound: the true value is at or below it\); independent pixels: 1\.62/,
  );
  assert.match(density!.paragraph, /No density for dcgan-mnist\./);
});

test('a report made before these sections still validates and shows neither', async () => {
  const data = await buildFixtureReport();
  const parsed = parseReportData(JSON.parse(JSON.stringify(data)), 'old.json');
  const view = toViewModel(parsed);
  assert.equal(view.density, null);
  assert.equal(view.invertibility, null);
  const [, , density, invertibility] = axisSummaries(parsed);
  assert.equal(density!.measured, false);
  assert.equal(invertibility!.measured, false);
});

test('a hybrid row adds its own codebook-usage table (HTML view and Markdown), and its method names the codes, not an encoder mean', async () => {
  const data = await buildFixtureReport({ likelihood: true });
  data.invertibility!.rows.push({
    model: 'hybrid-vqvae',
    method: 'reconstruction',
    label: "decoded image of the encoder's code grid",
    n: 64,
    mse: { value: 0.02, low: 0.018, high: 0.022 },
    psnr: 17,
    codebook: { size: 64, images: 64, codes: 3136, used: 61, dead: 3, perplexity: 48.27 },
  });
  const parsed = parseReportData(JSON.parse(JSON.stringify(data)), 'hybrid.json');
  const view = toViewModel(parsed);
  assert.equal(view.invertibility!.rows.at(-1)!.method, "encoder's codes");
  assert.deepEqual(view.invertibility!.codebook!.rows, [
    { model: 'hybrid-vqvae', size: '64', used: '61 (95%)', dead: '3', perplexity: '48.3', codes: '3,136 (64 images)' },
  ]);
  const markdown = renderMarkdown(parsed);
  assert.match(
    markdown,
    /### Codebook usage[\s\S]*\| hybrid-vqvae \| 64 \| 61 \(95%\) \| 3 \| 48\.3 \| 3,136 \(64 images\) \|/,
  );
  // Without a hybrid there is no such table.
  assert.equal(toViewModel(await buildFixtureReport({ likelihood: true })).invertibility!.codebook, null);
});

test("a flow round trip with prior draws outside the forward's domain says over how many draws z → x → z was measured, and why", async () => {
  const data = await buildFixtureReport({ likelihood: true });
  const roundTrip = {
    imageToImage: { max: 7e-7, mean: 6e-8 },
    latentToLatent: { max: 7.4e-5, mean: 3.9e-6 },
    outsideDomain: 1,
  };
  data.invertibility!.rows.push({ model: 'flow', method: 'round-trip', label: 'exact inverse', n: 16, roundTrip });
  const parsed = parseReportData(JSON.parse(JSON.stringify(data)), 'flow.json');
  assert.equal(parsed.invertibility!.rows.at(-1)!.roundTrip!.outsideDomain, 1);
  const flow = toViewModel(data).invertibility!.rows.at(-1)!;
  assert.match(
    flow.error,
    /z→x→z max 0\.000074, mean 3\.90e−6 \(over 15 of 16 prior draws: 1 lands where the forward is not finite in float32/,
  );
});
