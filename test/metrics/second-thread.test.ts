import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadId } from 'node:worker_threads';
import { Rng } from '../../src/core/rng.ts';
import { featureMatrix } from '../../src/core/types.ts';
import { prdcContributions } from '../../src/metrics/prdc.ts';
import { kthNeighbourRadii } from '../../src/metrics/stats/knn-radii.ts';
import { withRowNorms } from '../../src/metrics/stats/pairwise-distances.ts';
import { onSecondThread, secondThreadAllowed } from '../../src/metrics/stats/second-thread.ts';

const KNN = new URL('../../src/metrics/stats/knn-radii.ts', import.meta.url).href;

function gaussian(seed: number, rows: number, cols: number) {
  const rng = new Rng(seed);
  return featureMatrix(
    rows,
    cols,
    Float64Array.from({ length: rows * cols }, () => rng.normal()),
  );
}

test('work started on a second thread returns what this thread computes, through a TypeScript module', {
  skip: !secondThreadAllowed(),
}, () => {
  const m = gaussian(1, 40, 3);
  let here = 0;
  const pending = onSecondThread(KNN, 'kthNeighbourRadiiOfMatrix', [m, [1, 4], true], () => {
    here++;
    return kthNeighbourRadii(withRowNorms(m), [1, 4]);
  });
  const [r1, r4] = pending.result() as Float64Array[];
  assert.equal(here, 0, 'the worker did it');
  const [e1, e4] = kthNeighbourRadii(withRowNorms(m), [1, 4]);
  assert.deepEqual(Array.from(r1!), Array.from(e1!));
  assert.deepEqual(Array.from(r4!), Array.from(e4!));
  assert.equal(threadId, 0);
});

test('where the worker cannot load the module, the work runs here instead', () => {
  const pending = onSecondThread(new URL('./no-such-module.ts', import.meta.url).href, 'f', [], () => 'here');
  assert.equal(pending.result(), 'here');
});

test('PRDC contributions are the same with the second thread as without (radii and the split real–generated pass)', () => {
  const real = gaussian(2, 53, 4);
  const fake = gaussian(3, 61, 4);
  for (const blas of [undefined, null]) {
    const split = prdcContributions(real, fake, { prK: 3, prdcK: 5, blockRows: 7, blas });
    const previous = process.env.GENREPORT_THREADS;
    process.env.GENREPORT_THREADS = '1';
    try {
      const single = prdcContributions(real, fake, { prK: 3, prdcK: 5, blockRows: 7, blas });
      for (const key of ['insideReal', 'densityCounts', 'realCovered', 'realCoveredByNearest'] as const) {
        assert.deepEqual(
          Array.from(split[key]),
          Array.from(single[key]),
          `${key} (blas ${blas === null ? 'off' : 'default'})`,
        );
      }
    } finally {
      if (previous === undefined) delete process.env.GENREPORT_THREADS;
      else process.env.GENREPORT_THREADS = previous;
    }
  }
});
