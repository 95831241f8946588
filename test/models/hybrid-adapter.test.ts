import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch, type ImageBatch } from '../../src/core/types.ts';
import { HybridModel } from '../../src/models/adapters/hybrid.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import { codebookUsage, hybridReconstruction } from '../../src/invertibility/codebook-usage.ts';
import {
  CODEBOOK,
  exactLogLikelihood,
  PRIOR,
  jointLogProbability,
  tinyCodes,
  writeTinyHybrid,
} from '../helpers/tiny-hybrid.ts';

await initBackend('wasm');

/** Seeded 8-bit 2×2 images, none with a column mean on a tie between two codes. */
function testImages(n: number, seed = 1): { batch: ImageBatch; levels: number[][] } {
  const rng = new Rng(seed);
  const levels: number[][] = [];
  while (levels.length < n) {
    const image = Array.from({ length: 4 }, () => rng.int(256));
    const ties = [(image[0]! + image[2]!) / 510, (image[1]! + image[3]!) / 510].some(
      (m) => Math.abs(m - 0.3) < 2e-3 || Math.abs(m - 0.7) < 2e-3,
    );
    if (!ties) levels.push(image);
  }
  return {
    batch: imageBatch(
      n,
      2,
      2,
      1,
      Float32Array.from(levels.flat(), (k) => k / 255),
    ),
    levels,
  };
}

async function loadHybrid(options: Parameters<typeof writeTinyHybrid>[0] = {}): Promise<HybridModel> {
  const model = modelForBundle(await loadBundle(await writeTinyHybrid(options)));
  assert.ok(model instanceof HybridModel);
  return model;
}

test('a known-answer hybrid reports log p(z_q(x)) + log p(x | z_q(x)) to 1e-4 relative, and never above the exact log-likelihood summed over all codes', async () => {
  const model = await loadHybrid();
  try {
    const { batch, levels } = testImages(200);
    const [estimate] = await model.logLikelihood(batch, { rng: new Rng(1), batchSize: 64, samples: 1, source: 'test' });
    assert.equal(estimate!.kind, 'bound');
    assert.equal(estimate!.estimator, 'single-code');
    assert.match(estimate!.label, /lower bound on log-likelihood/);
    assert.match(estimate!.label, /causality checked/);
    let strictlyBelow = 0;
    levels.forEach((image, i) => {
      const [z0, z1] = tinyCodes(image);
      const expected = jointLogProbability(image, z0, z1);
      const got = estimate!.logLikelihoods[i]!;
      assert.ok(Math.abs(got - expected) <= 1e-4 * Math.abs(expected), `image ${i}: ${got} vs closed form ${expected}`);
      const exact = exactLogLikelihood(image);
      assert.ok(got <= exact + 1e-9 * Math.abs(exact), `image ${i}: bound ${got} above the exact ${exact}`);
      if (exact - got > 1e-3) strictlyBelow++;
    });
    // The other codes carry real mass for most of these images: the bound is not the exact value in disguise.
    assert.ok(strictlyBelow > 100, `only ${strictlyBelow} of 200 images have a visible gap`);
  } finally {
    disposeBundle(model.bundle);
  }
});

test('the encoder codes are the nearest codebook vectors, decoded to those vectors; codebook usage counts them', async () => {
  const model = await loadHybrid();
  try {
    const { batch, levels } = testImages(50, 2);
    const codes = await model.encode(batch, 16);
    assert.deepEqual(Array.from(codes), levels.flatMap(tinyCodes));
    const done = await hybridReconstruction(model, batch, 16);
    for (let i = 0; i < batch.n; i++) {
      const [z0, z1] = tinyCodes(levels[i]!);
      const row = Array.from(done.reconstructions.data.subarray(i * 4, i * 4 + 4));
      assert.deepEqual(
        row.map((v) => Math.round(v * 1e5) / 1e5),
        [CODEBOOK[z0]![0], CODEBOOK[z1]![0], CODEBOOK[z0]![0], CODEBOOK[z1]![0]],
      );
    }
    const counts = [0, 0, 0];
    for (const c of codes) counts[c]!++;
    const h = -counts.filter((c) => c > 0).reduce((s, c) => s + (c / 100) * Math.log(c / 100), 0);
    assert.equal(done.usage.codes, 100);
    assert.equal(done.usage.dead, counts.filter((c) => c === 0).length);
    assert.ok(Math.abs(done.usage.perplexity - Math.exp(h)) < 1e-12);
  } finally {
    disposeBundle(model.bundle);
  }
});

test('codebook usage: uniform use has perplexity K, one code 1, unused vectors are dead', () => {
  assert.deepEqual(codebookUsage([0, 1, 2, 3, 0, 1, 2, 3], 4, 2), {
    size: 4,
    images: 2,
    codes: 8,
    used: 4,
    dead: 0,
    perplexity: 4,
  });
  assert.deepEqual(codebookUsage([5, 5, 5], 8, 3), { size: 8, images: 3, codes: 3, used: 1, dead: 7, perplexity: 1 });
});

test('samples follow the prior: code frequencies match p(z0) and p(z1 | z0), and images are the decoded codes', async () => {
  const model = await loadHybrid();
  try {
    const n = 3000;
    const images = await model.sample(n, new Rng(7), 500);
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const z = [0, 1].map((w) => CODEBOOK.findIndex((c) => Math.abs(c[0]! - images.data[i * 4 + w]!) < 1e-5));
      assert.ok(
        z.every((k) => k >= 0),
        `sample ${i} is not a decoded code grid`,
      );
      counts.set(z.join(), (counts.get(z.join()) ?? 0) + 1);
    }
    // Each of the 9 grids within 4.5 standard errors of its prior probability (the decoder term cancels: p(z) alone).
    const logZ = Math.log(
      [0, 1, 2].flatMap((z0) => [0, 1, 2].map((z1) => Math.exp(priorOnly(z0, z1)))).reduce((a, b) => a + b, 0),
    );
    for (const z0 of [0, 1, 2]) {
      for (const z1 of [0, 1, 2]) {
        const p = Math.exp(priorOnly(z0, z1) - logZ);
        const seen = (counts.get(`${z0},${z1}`) ?? 0) / n;
        assert.ok(Math.abs(seen - p) < 4.5 * Math.sqrt((p * (1 - p)) / n), `grid (${z0}, ${z1}): ${seen} vs ${p}`);
      }
    }
  } finally {
    disposeBundle(model.bundle);
  }
});

/** log p(z) of the tiny prior, from its definition. */
function priorOnly(z0: number, z1: number): number {
  const { a, b } = PRIOR;
  const ls = (l: number[], k: number) => l[k]! - Math.log(l.reduce((s, x) => s + Math.exp(x), 0));
  return (
    ls(b, z0) +
    ls(
      a.map((ak, k) => ak * z0 + b[k]!),
      z1,
    )
  );
}

test('a prior that sees the code it predicts is refused, naming components.prior', async () => {
  const model = await loadHybrid({ leak: 0.5 });
  try {
    const { batch } = testImages(4);
    await assert.rejects(
      model.logLikelihood(batch, { rng: new Rng(1), batchSize: 4, samples: 1, source: 'test' }),
      (e: Error) => {
        assert.match(
          e.message,
          /components\.prior: the conditional of pixel \(row 0, column (\d)\) changed when pixel \(row 0, column \1\) changed .*leaking mask/,
        );
        return true;
      },
    );
  } finally {
    disposeBundle(model.bundle);
  }
});

test('the prior split as priorAbove + priorRow gives the same bound and draws the same samples as the one-model prior', async () => {
  const one = await loadHybrid();
  const split = await loadHybrid({ split: true });
  try {
    const { batch } = testImages(40, 3);
    const options = { rng: new Rng(1), batchSize: 16, samples: 1, source: 'test' };
    const [a] = await one.logLikelihood(batch, options);
    const [b] = await split.logLikelihood(batch, options);
    a!.logLikelihoods.forEach((v, i) =>
      assert.ok(Math.abs(v - b!.logLikelihoods[i]!) < 1e-5, `image ${i}: ${v} vs ${b!.logLikelihoods[i]}`),
    );
    const drawnOne = await one.sample(30, new Rng(4), 8);
    const drawnSplit = await split.sample(30, new Rng(4), 8);
    assert.deepEqual(Array.from(drawnSplit.data), Array.from(drawnOne.data));
  } finally {
    disposeBundle(one.bundle);
    disposeBundle(split.bundle);
  }
});
