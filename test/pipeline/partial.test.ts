/**
 * A partial keeps what merge needs exactly: features to the bit, images as
 * the 8-bit values grids show (read back by index from disk), and each
 * shard's statistics; merge puts the shares back in global order and stops,
 * naming the shard, when a features file does not match its statistics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageSpill } from '../../src/core/image-spill.ts';
import { Rng } from '../../src/core/rng.ts';
import { featureMatrix, imageBatch, pickImages, type ImageBatch } from '../../src/core/types.ts';
import type { ModelMeasurement } from '../../src/pipeline/evaluate-model.ts';
import { mergedMeasurement } from '../../src/pipeline/merge-check.ts';
import { PartialWriter, readPartial, type Partial } from '../../src/pipeline/partial.ts';
import { shareIndices } from '../../src/pipeline/shard.ts';

const N = 11;
const rng = new Rng(3);
const allImages = imageBatch(
  N,
  2,
  3,
  1,
  Float32Array.from({ length: N * 6 }, () => rng.uniform()),
);
const allFeatures = featureMatrix(
  N,
  4,
  Float64Array.from({ length: N * 4 }, () => Math.fround(rng.normal())),
);
const space = { id: 'space', extractor: { info: { hash: 'h' } } } as never;

function shareMeasurement(index: number, count: number, spill: ImageSpill): ModelMeasurement {
  const rows = shareIndices(N, { index, count });
  spill.append(pickImages(allImages, rows));
  const features = featureMatrix(rows.length, 4);
  rows.forEach((j, k) => features.data.set(allFeatures.data.subarray(j * 4, (j + 1) * 4), k * 4));
  return {
    entry: { name: 'm', family: 'gan', bundle: 'm', hash: 'x', parameters: 1, status: 'ok' },
    family: 'gan',
    manifestFamily: 'gan',
    samplesOnly: false,
    samples: N,
    sampleSeconds: 1,
    threads: 1,
    generated: { n: rows.length, extractions: [{ features }], head: imageBatch(0, 2, 3, 1), images: spill },
    fixed:
      index === 0
        ? {
            density: { entries: [] },
            invertibility: { method: 'none', label: 'none', reason: 'test' },
            invertibilityGrids: [],
            truncation: { samples: 2, untruncated: [0], points: [{ psi: 0.5, features: allFeatures }] },
            log: null,
          }
        : undefined,
  };
}

function writeShards(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const dir = mkdtempSync(join(tmpdir(), 'genreport-partial-'));
    const spill = new ImageSpill();
    try {
      const writer = new PartialWriter(dir);
      writer.model(shareMeasurement(index, count, spill));
      writer.finish({
        shard: { index, count },
        key: { seed: 1 } as never,
        config: {} as never,
        command: '',
        backend: {} as never,
        spaces: [],
        real: [],
        timings: [],
        warnings: [],
      } as Omit<Partial, 'models'>);
    } finally {
      spill.dispose();
    }
    return dir;
  });
}

const bytes = (batch: ImageBatch) => Array.from(batch.data, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));

test('merged shares give every feature row to the bit and every image as the 8-bit value a grid shows, in global order', () => {
  const partials = writeShards(3).map(readPartial);
  const merged = mergedMeasurement(partials, 0, 'm', [space]);
  assert.ok(!('failed' in merged));
  assert.deepEqual(merged.generated.extractions[0]!.features.data, allFeatures.data);
  const order = [10, 0, 4, 7, 1];
  assert.deepEqual(bytes(merged.generated.images.read(order)), bytes(pickImages(allImages, order)));
  assert.deepEqual(bytes(merged.generated.head), bytes(allImages));
  assert.equal(merged.sampleSeconds, 3, "the shards' sampling time, summed");
  assert.ok(merged.fixed, "the owning shard's fixed work");
  const truncation = merged.fixed.truncation!;
  assert.deepEqual(
    [truncation.samples, truncation.untruncated],
    [2, [0]],
    'the sweep keeps the coordinates it left unscaled',
  );
  assert.deepEqual(truncation.points[0]!.features.data, allFeatures.data);
});

test("a shard's features file swapped for another's stops the merge, naming that shard", () => {
  const dirs = writeShards(2);
  cpSync(join(dirs[0]!, 'model0-space0.npy'), join(dirs[1]!, 'model0-space0.npy'));
  assert.throws(
    () => mergedMeasurement(dirs.map(readPartial), 0, 'm', [space]),
    (e: Error) =>
      e.message.includes(`${dirs[1]}/partial.json`) && /shard 1's features (have 6 rows|do not match)/.test(e.message),
  );
});

test("a features file swapped for another shard's of the same length does not match the statistics written with it", () => {
  const dirs = writeShards(3);
  cpSync(join(dirs[0]!, 'model0-space0.npy'), join(dirs[1]!, 'model0-space0.npy'));
  assert.throws(
    () => mergedMeasurement(dirs.map(readPartial), 0, 'm', [space]),
    (e: Error) =>
      e.message.includes(`${dirs[1]}/partial.json`) &&
      /shard 1's features do not match the statistics written with them/.test(e.message),
  );
});
