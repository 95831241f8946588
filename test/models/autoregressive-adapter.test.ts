import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/core/backend.ts';
import { GenreportError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { imageBatch, type ImageBatch } from '../../src/core/types.ts';
import { levelsFromImages } from '../../src/likelihood/data-space.ts';
import { AutoregressiveModel } from '../../src/models/adapters/autoregressive.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import {
  AR_SIDE,
  copyDownConditionals,
  smoothConditionals,
  smoothConditionalsWithLeft,
  TINY_AR_CONTEXT,
  tinyAutoregressiveLogLikelihood,
  writeTinyAutoregressive,
  writeTinyRowCached,
  type Conditionals,
  type Context,
} from '../helpers/tiny-autoregressive.ts';

await initBackend('wasm');

const D = AR_SIDE * AR_SIDE;

async function loadAr(conditionals: Conditionals, context?: Context | 'split'): Promise<AutoregressiveModel> {
  const dir =
    context === 'split' ? await writeTinyRowCached(conditionals) : await writeTinyAutoregressive(conditionals, context);
  const model = modelForBundle(await loadBundle(dir));
  assert.ok(model instanceof AutoregressiveModel);
  return model;
}

function randomImages(n: number, seed: number): ImageBatch {
  const rng = new Rng(seed);
  return imageBatch(
    n,
    AR_SIDE,
    AR_SIDE,
    1,
    Float32Array.from({ length: n * D }, () => rng.int(256) / 255),
  );
}

for (const shape of ['one model', 'split above + row'] as const) {
  test(`an autoregressive model (${shape}) with fixed conditionals reports the closed-form log-likelihood exactly, to 1e-4 relative`, async () => {
    const conditionals = smoothConditionalsWithLeft();
    const ar = await loadAr(conditionals, shape === 'one model' ? undefined : 'split');
    try {
      const images = randomImages(7, 1);
      const [estimate] = await ar.logLikelihood(images, { rng: new Rng(1), batchSize: 3, samples: 1, source: 'test' });
      assert.equal(estimate!.kind, 'exact');
      const levels = levelsFromImages(images, 'test');
      for (let i = 0; i < images.n; i++) {
        const truth = tinyAutoregressiveLogLikelihood(levels.subarray(i * D, (i + 1) * D), conditionals);
        assert.ok(
          Math.abs(estimate!.logLikelihoods[i]! - truth) <= 1e-4 * Math.abs(truth),
          `image ${i}: ${estimate!.logLikelihoods[i]} vs ${truth}`,
        );
      }
    } finally {
      disposeBundle(ar.bundle);
    }
  });
}

test('sampling draws the top-left pixel from its conditional: level frequencies within 4 standard errors', async () => {
  const conditionals = smoothConditionals();
  const ar = await loadAr(conditionals);
  try {
    const n = 400;
    const samples = await ar.sample(n, new Rng(2), 200);
    const logits = [...conditionals.b];
    const max = Math.max(...logits);
    const total = logits.reduce((s, l) => s + Math.exp(l - max), 0);
    // Frequencies of the 4 most likely levels for pixel (0, 0).
    const top = logits
      .map((l, k) => [Math.exp(l - max) / total, k])
      .sort((x, y) => y[0]! - x[0]!)
      .slice(0, 4);
    for (const [p, k] of top) {
      let count = 0;
      for (let i = 0; i < n; i++) if (Math.round(samples.data[i * D]! * 255) === k) count++;
      assert.ok(Math.abs(count / n - p!) < 4 * Math.sqrt((p! * (1 - p!)) / n), `level ${k}: ${count / n} vs ${p}`);
    }
  } finally {
    disposeBundle(ar.bundle);
  }
});

test('completion keeps the top half and fills the bottom half from the conditionals', async () => {
  const ar = await loadAr(copyDownConditionals());
  try {
    const rng = new Rng(3);
    const images = imageBatch(
      5,
      AR_SIDE,
      AR_SIDE,
      1,
      Float32Array.from({ length: 5 * D }, () => (rng.uniform() < 0.5 ? 0 : 1)),
    );
    const completed = await ar.complete(images, AR_SIDE / 2, new Rng(4), 2);
    for (let i = 0; i < images.n; i++) {
      for (let h = 0; h < AR_SIDE; h++) {
        for (let w = 0; w < AR_SIDE; w++) {
          const source = h < AR_SIDE / 2 ? h : AR_SIDE / 2 - 1; // copy-down: the last kept row repeats
          assert.equal(completed.data[i * D + h * AR_SIDE + w], images.data[i * D + source * AR_SIDE + w]);
        }
      }
    }
  } finally {
    disposeBundle(ar.bundle);
  }
});

test('a declared context samples from crops with exactly the whole-image result; a context too small changes it', async () => {
  const draw = async (context?: Context) => {
    const ar = await loadAr(smoothConditionals(), context);
    try {
      return Array.from((await ar.sample(6, new Rng(7), 4)).data);
    } finally {
      disposeBundle(ar.bundle);
    }
  };
  const whole = await draw();
  assert.deepEqual(await draw(TINY_AR_CONTEXT), whole);
  assert.deepEqual(await draw({ rowsAbove: 2, columnsLeft: 1, columnsRight: 3 }), whole);
  // Without the row above, every crop's top row reads zeros: the conditionals lose their input.
  assert.notDeepEqual(await draw({ rowsAbove: 0, columnsLeft: 0, columnsRight: 0 }), whole);
});

test('the split bundle (above + row) samples and completes exactly the images the one-model bundle does, draw for draw', async () => {
  const draw = async (shape: 'one model' | 'split', fromRow: number) => {
    const ar = await loadAr(smoothConditionalsWithLeft(), shape === 'split' ? 'split' : undefined);
    try {
      const start = randomImages(5, 9);
      return Array.from((await ar.complete(start, fromRow, new Rng(8), 2)).data);
    } finally {
      disposeBundle(ar.bundle);
    }
  };
  for (const fromRow of [0, 2]) {
    const whole = await draw('one model', fromRow);
    assert.deepEqual(await draw('split', fromRow), whole, `from row ${fromRow}`);
  }
});

test('an above component that takes only whole images is refused when sampling, naming it', async () => {
  const ar = modelForBundle(await loadBundle(await writeTinyRowCached(smoothConditionals(), AR_SIDE)));
  try {
    // The likelihood runs on whole images and works; sampling needs rows 0 … h.
    await ar.likelihood!.logLikelihood(randomImages(2, 1), {
      rng: new Rng(1),
      batchSize: 2,
      samples: 1,
      source: 'test',
    });
    await assert.rejects(ar.sample(2, new Rng(1), 2), (e: Error) => {
      assert.ok(e instanceof GenreportError);
      assert.equal(e.exitCode, 2);
      assert.match(
        e.message,
        /genmodel\.json: components\.above: cannot run on the first 1 rows of an image .*any number of rows/,
      );
      return true;
    });
  } finally {
    disposeBundle(ar.bundle);
  }
});

test('images off the 8-bit grid are refused for likelihood, naming the source', async () => {
  const ar = await loadAr(smoothConditionals());
  try {
    const images = randomImages(1, 5);
    images.data[3] = 0.1234;
    await assert.rejects(
      ar.logLikelihood(images, { rng: new Rng(1), batchSize: 1, samples: 1, source: 'data/test.npy' }),
      /^GenreportError: data\/test\.npy: pixel 3 is 0\.1234\d*, not an 8-bit level k\/255/,
    );
  } finally {
    disposeBundle(ar.bundle);
  }
});

test('worker threads draw the same images as one thread, batch for batch, and report progress per batch', async () => {
  const draw = async (workers: number) => {
    const ar = await loadAr(smoothConditionals());
    ar.workers = workers;
    const progress: number[] = [];
    try {
      const images = await ar.sample(7, new Rng(11), 2, (done) => progress.push(done));
      return { data: Array.from(images.data), progress };
    } finally {
      disposeBundle(ar.bundle);
    }
  };
  const one = await draw(1);
  const two = await draw(2);
  assert.deepEqual(two.data, one.data);
  assert.deepEqual(one.progress, [2, 4, 6, 7]);
  // Workers finish batches in any order; the counts still climb to n.
  assert.equal(two.progress.length, 4);
  assert.equal(two.progress.at(-1), 7);
  // Different batches draw from different streams: no two images are the same.
  const images = Array.from({ length: 7 }, (_, i) => one.data.slice(i * D, (i + 1) * D).join());
  assert.equal(new Set(images).size, 7);
});

test('a NaN from the model inside a sampling worker is the same clear error as in one thread', async () => {
  const nan = smoothConditionals();
  nan.b[17] = NaN;
  for (const workers of [1, 2]) {
    const ar = await loadAr(nan);
    ar.workers = workers;
    try {
      await assert.rejects(ar.sample(4, new Rng(1), 2), (e: Error) => {
        assert.equal(e.name, 'GenreportError');
        assert.match(e.message, /genmodel\.json: components\.model: produced a non-finite value \(NaN\)/);
        return true;
      });
    } finally {
      disposeBundle(ar.bundle);
    }
  }
});
