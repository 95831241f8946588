/**
 * Issue 26: samples stream through feature extraction a batch at a time.
 * The streamed features, the kept grid images, the images read back from
 * disk and the accumulated statistics equal those of the whole sample.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/core/backend.ts';
import { featureMatrix, sliceImages, type ImageBatch } from '../../src/core/types.ts';
import type { FeatureExtractor } from '../../src/features/extractor.ts';
import { statsFromFeatures } from '../../src/metrics/stats/moments.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import type { GenerativeModel } from '../../src/models/generative-model.ts';
import { samplesRng } from '../../src/models/seeded-samples.ts';
import { sampleAndExtract } from '../../src/pipeline/generated-set.ts';
import { GRID_SAMPLES } from '../../src/pipeline/image-grids.ts';
import { stageTimer } from '../../src/pipeline/stage-timer.ts';
import { sampleStream, streamsInBatches } from '../../src/sample/sample-stream.ts';
import { writeTinyFlow } from '../helpers/tiny-flow.ts';
import { writeTinyGan } from '../helpers/tiny-gan.ts';
import { writeTinyVae } from '../helpers/tiny-vae.ts';

await initBackend('wasm');

/** Three features per image (mean, first pixel, mean square) and two "class probabilities"; records the largest batch it was given. */
function recordingExtractor(): FeatureExtractor & { largestBatch: number } {
  const extractor = {
    largestBatch: 0,
    info: {
      id: 'test',
      name: 'test',
      layer: 'test',
      dim: 3,
      hash: '',
      kind: 'builtin',
    } as unknown as FeatureExtractor['info'],
    async extract(images: ImageBatch) {
      extractor.largestBatch = Math.max(extractor.largestBatch, images.n);
      const per = images.height * images.width * images.channels;
      const features = featureMatrix(images.n, 3);
      const probabilities = featureMatrix(images.n, 2);
      for (let i = 0; i < images.n; i++) {
        let sum = 0,
          squares = 0;
        for (let k = 0; k < per; k++) {
          const v = images.data[i * per + k]!;
          sum += v;
          squares += v * v;
        }
        features.data.set([sum / per, images.data[i * per]!, squares / per], i * 3);
        probabilities.data.set([sum / per, 1 - sum / per], i * 2);
      }
      return { features, probabilities, classes: ['a', 'b'] };
    },
    dispose() {},
  };
  return extractor;
}

const n = 203;
const batchSize = 50;

for (const [family, write] of [
  ['gan', () => writeTinyGan()],
  ['vae', () => writeTinyVae({ qMean: 0, qLogVar: 0 })],
  ['flow', () => writeTinyFlow()],
] as const) {
  test(`${family}: streamed in batches of ${batchSize}, the ${n} samples, their features and statistics equal those of one whole sample`, async () => {
    const bundle = await loadBundle(await write());
    try {
      const model: GenerativeModel = modelForBundle(bundle);
      assert.ok(streamsInBatches(model), `${family} samples in batches`);
      const whole = await model.sample(n, samplesRng(1), batchSize);
      const batches: number[] = [];
      for await (const b of sampleStream(model, n, samplesRng(1), batchSize)) batches.push(b.n);
      assert.deepEqual(batches, [50, 50, 50, 50, 3]);

      const [a, b] = [recordingExtractor(), recordingExtractor()];
      const { timed, timings } = stageTimer();
      const set = await sampleAndExtract(model, n, samplesRng(1), batchSize, [a, b], timed);
      try {
        assert.equal(a.largestBatch, batchSize, 'the extractor never sees more than one batch');
        const expected = await recordingExtractor().extract(whole, batchSize);
        for (const extraction of set.extractions) {
          assert.deepEqual(extraction.features, expected.features);
          assert.deepEqual(extraction.probabilities, expected.probabilities);
          assert.deepEqual(extraction.classes, ['a', 'b']);
        }
        assert.deepEqual(set.head, sliceImages(whole, 0, GRID_SAMPLES));
        // Read back from disk by index, in any order.
        const picks = [202, 0, 77, 77, 150];
        const per = whole.height * whole.width * whole.channels;
        const read = set.images.read(picks);
        for (const [i, p] of picks.entries())
          assert.deepEqual(
            read.data.subarray(i * per, (i + 1) * per),
            whole.data.subarray(p * per, (p + 1) * per),
            `image ${p}`,
          );
        assert.deepEqual(set.images.slice(0, n).data, whole.data);
        assert.throws(() => set.images.read([n]), /index 203 outside 0..202/);
        const streamed = set.moments[0]!.toFeatureStats();
        const direct = statsFromFeatures(expected.features);
        for (let k = 0; k < 9; k++)
          assert.ok(
            Math.abs(streamed.cov[k]! - direct.cov[k]!) <=
              1e-12 * Math.abs(direct.cov[0]! + direct.cov[4]! + direct.cov[8]!),
            `cov[${k}]`,
          );
        assert.deepEqual(
          timings().map((t) => t.stage),
          ['features', 'sample'],
        );
      } finally {
        set.images.dispose();
      }
    } finally {
      disposeBundle(bundle);
    }
  });
}

test('a failed first-batch check stops the stream before any extractor runs', async () => {
  const bundle = await loadBundle(await writeTinyGan());
  try {
    const model = modelForBundle(bundle);
    const extractor = recordingExtractor();
    await assert.rejects(
      sampleAndExtract(model, 20, samplesRng(1), 10, [extractor], stageTimer().timed, {
        checkFirst: () => {
          throw new Error('wrong shape');
        },
      }),
      /wrong shape/,
    );
    assert.equal(extractor.largestBatch, 0);
  } finally {
    disposeBundle(bundle);
  }
});
