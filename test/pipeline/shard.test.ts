/**
 * Splitting a run by index: every global index in exactly one shard, shares
 * put back in global order, `--shard` and the schedulers' index variables
 * read (and refused with exit 2 when wrong).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenreportError } from '../../src/core/errors.ts';
import { imageBatch } from '../../src/core/types.ts';
import { interleaveFeatures, interleaveImages, ownsModel, parseShard, shareIndices } from '../../src/pipeline/shard.ts';

test('the shares of n shards hold every index below the total once, ascending, j ≡ i (mod n)', () => {
  assert.deepEqual(Array.from(shareIndices(10, { index: 1, count: 3 })), [1, 4, 7]);
  for (const [total, count] of [
    [10, 3],
    [7, 7],
    [1000, 4],
    [5, 1],
  ] as [number, number][]) {
    const seen = Array.from({ length: count }, (_, index) => Array.from(shareIndices(total, { index, count })))
      .flat()
      .sort((a, b) => a - b);
    assert.deepEqual(
      seen,
      Array.from({ length: total }, (_, j) => j),
    );
  }
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((m) => ownsModel({ index: 1, count: 2 }, m)),
    [false, true, false, true, false],
  );
});

test('interleaving the shares gives the rows back in global order', () => {
  const total = 11;
  const cols = 3;
  const rows = Array.from({ length: total * cols }, (_, k) => k * 0.5);
  const count = 4;
  const shares = Array.from({ length: count }, (_, index) => {
    const idx = shareIndices(total, { index, count });
    return {
      rows: idx.length,
      cols,
      data: Float64Array.from(Array.from(idx).flatMap((j) => rows.slice(j * cols, (j + 1) * cols))),
    };
  });
  assert.deepEqual(Array.from(interleaveFeatures(shares).data), rows);
  const images = shares.map((s) => imageBatch(s.rows, 1, 1, cols, Float32Array.from(s.data)));
  assert.deepEqual(Array.from(interleaveImages(images).data), rows);
});

test('--shard i/n, or --shards n with the index from a Kubernetes Indexed Job or a Slurm array', () => {
  assert.equal(parseShard({}), undefined);
  assert.deepEqual(parseShard({ shard: '2/5' }), { index: 2, count: 5 });
  assert.deepEqual(parseShard({ shards: 4 }, { JOB_COMPLETION_INDEX: '3' }), { index: 3, count: 4 });
  assert.deepEqual(parseShard({ shards: '4' }, { SLURM_ARRAY_TASK_ID: '0' }), { index: 0, count: 4 });
  const refused = (flags: { shard?: unknown; shards?: unknown }, env: NodeJS.ProcessEnv, message: RegExp) =>
    assert.throws(
      () => parseShard(flags, env),
      (e: unknown) => e instanceof GenreportError && e.exitCode === 2 && message.test(e.message),
    );
  refused({ shard: '1-3' }, {}, /--shard: "1-3" is not i\/n/);
  refused({ shard: '3/3' }, {}, /shard 3 of 3 does not exist: shards are counted from 0 to 2/);
  refused({ shard: '0/0' }, {}, /at least 1 shard/);
  refused({ shard: '1/3', shards: 4 }, {}, /--shards: says 4 shards, but --shard 1\/3 says 3/);
  refused(
    { shards: 4 },
    {},
    /needs the shard index: give --shard i\/n, or run as a Kubernetes Indexed Job \(JOB_COMPLETION_INDEX\) or a Slurm job array \(SLURM_ARRAY_TASK_ID\)/,
  );
  refused({ shards: 4 }, { SLURM_ARRAY_TASK_ID: '4' }, /SLURM_ARRAY_TASK_ID: shard 4 of 4 does not exist/);
  refused({ shards: 4 }, { JOB_COMPLETION_INDEX: 'x' }, /JOB_COMPLETION_INDEX: "x" is not a shard index/);
});
