/**
 * Precision, recall, density and coverage from k-NN balls, in one pass over
 * real–fake distances (blocks of fake rows × all real rows).
 *
 * - Precision / recall (Kynkäänniemi et al. 2019, k = prK): a fake is inside
 *   the real manifold if it lies in the CLOSED ball (≤) of some real point's
 *   k-NN radius; recall swaps the roles. Note clovaai prdc uses the open ball
 *   (<) here too; the two differ only on exact ties.
 * - Density / coverage (Naeem et al. 2020, clovaai prdc, k = prdcK): OPEN
 *   balls (<); density = Σ_j #{i : d(y_j, x_i) < r_i} / (k·M), may exceed 1;
 *   coverage = fraction of real points whose nearest fake is < r_i away.
 */
import type { FeatureMatrix } from '../core/types.ts';
import { kthNeighbourRadii } from './stats/knn-radii.ts';
import { onSecondThread, secondThreadAllowed } from './stats/second-thread.ts';
import { openBlas, type Blas } from './stats/openblas.ts';
import {
  blockRowsFor,
  minusTwoInnerProductsBlock,
  squaredDistancesBlock,
  withRowNorms,
  type RowNorms,
} from './stats/pairwise-distances.ts';
import { squaredAtMost, squaredBelow } from './stats/sqrt-thresholds.ts';

/** Where the second thread's entry points live (.ts under tsx, .js in dist/). */
const KNN_RADII_MODULE = new URL(`./stats/knn-radii${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)
  .href;
const PRDC_MODULE = import.meta.url;

export const PR_K = 3;
export const PRDC_K = 5;

export interface PrdcOptions {
  /** k for precision / recall radii (Kynkäänniemi: 3). */
  prK?: number;
  /** k for density / coverage radii (Naeem et al.: 5). */
  prdcK?: number;
  /** Rows per distance block; results do not depend on it. Default: about 16 MiB of distances. */
  blockRows?: number;
  /** OpenBLAS to use; null forces plain JS; default: openBlas(). */
  blas?: Blas | null;
  /** With `pairs`: items kept per real row (default PAIRS_PER_ROW); results do not depend on it. */
  pairsPerRow?: number;
}

export interface PrdcResult {
  precision: number;
  recall: number;
  /** 2PR/(P+R); 0 when both are 0. */
  f1: number;
  density: number;
  coverage: number;
}

/**
 * Per-sample contributions, from which the four values (and their bootstrap
 * over the generated set, bootstrap.ts) follow. Radii are those of the full
 * sets: a resample reweights generated samples, it does not move the balls.
 */
export interface PrdcContributions {
  /** Generated sample j lies in some real k-NN ball (closed, prK). */
  insideReal: Uint8Array;
  /** Number of real open balls (prdcK) containing generated sample j. */
  densityCounts: Int32Array;
  /** Real sample i lies in some generated k-NN ball (closed, prK). */
  realCovered: Uint8Array;
  /** Real sample i has a generated sample inside its open ball (prdcK). */
  realCoveredByNearest: Uint8Array;
  /**
   * With `pairs`: for each real i, the generated j whose ball holds it
   * (recall) and those inside its ball (coverage), CSR, for the bootstrap.
   * Each row keeps its first PAIRS_PER_ROW items (lowest j) so memory stays
   * O(n) however many balls overlap; a row cut short is marked `truncated`,
   * and `beyond(i, counts)` answers exactly, by recomputing the distances,
   * whether a drawn generated sample after the kept ones covers it.
   */
  pairs?: { recall: CoverLists; coverage: CoverLists };
  prdcK: number;
}

/** Lists by row: items[offsets[i] .. offsets[i + 1]). */
export interface CsrLists {
  offsets: Int32Array;
  items: Int32Array;
}

/** Covering lists, cut at PAIRS_PER_ROW per row (see PrdcContributions.pairs). */
export interface CoverLists extends CsrLists {
  /** 1 where row i had more than PAIRS_PER_ROW items. */
  truncated: Uint8Array;
  /** Whether a generated j after row i's kept items, with fakeCounts[j] > 0, covers real i. */
  beyond(i: number, fakeCounts: Int32Array): boolean;
}

/**
 * Pairs kept per real row. A row is only asked `beyond` when none of its
 * kept items is drawn: each is left out of a resample with probability
 * about 1/e, so all 64 with about e^−64 ≈ 1.6e−28.
 */
export const PAIRS_PER_ROW = 64;

export function prdcFromFeatures(real: FeatureMatrix, fake: FeatureMatrix, options: PrdcOptions = {}): PrdcResult {
  return prdcFromContributions(prdcContributions(real, fake, options));
}

export function prdcFromContributions(c: PrdcContributions): PrdcResult {
  const m = c.insideReal.length;
  const n = c.realCovered.length;
  let precisionHits = 0;
  let densityCount = 0;
  for (let j = 0; j < m; j++) {
    precisionHits += c.insideReal[j]!;
    densityCount += c.densityCounts[j]!;
  }
  let recallHits = 0;
  let covered = 0;
  for (let i = 0; i < n; i++) {
    recallHits += c.realCovered[i]!;
    covered += c.realCoveredByNearest[i]!;
  }
  return prdcFromCounts(precisionHits / m, recallHits / n, densityCount / m, covered / n, c.prdcK);
}

export function prdcFromCounts(
  precision: number,
  recall: number,
  meanDensityCount: number,
  coverage: number,
  prdcK: number,
): PrdcResult {
  return {
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    density: (1 / prdcK) * meanDensityCount, // prdc's order of operations, so values agree to the bit
    coverage,
  };
}

/**
 * Memberships are tested on squared distances against squared thresholds
 * (sqrt-thresholds.ts), which answers exactly as comparing √s with r would:
 * closed balls (Kynkäänniemi) as s ≤ squaredAtMost(r), open balls (Naeem)
 * as s ≤ squaredBelow(r).
 */
export function prdcContributions(
  real: FeatureMatrix,
  fake: FeatureMatrix,
  options: PrdcOptions & { pairs?: boolean } = {},
): PrdcContributions {
  if (real.cols !== fake.cols) throw new Error(`PRDC: feature dimensions differ (${real.cols} vs ${fake.cols})`);
  const prK = options.prK ?? PR_K;
  const prdcK = options.prdcK ?? PRDC_K;
  const blas = options.blas === undefined ? openBlas() : options.blas;
  const n = real.rows;
  const m = fake.rows;
  const blockRows = Math.max(1, options.blockRows ?? blockRowsFor(n));
  const pairsPerRow = Math.max(1, options.pairsPerRow ?? PAIRS_PER_ROW);

  const x = withRowNorms(real);
  const y = withRowNorms(fake);
  // The two sets' radii are independent: the generated set's on a second
  // thread (with the default BLAS choice, which a worker can repeat), the
  // real set's here. Both run the same code, so the radii are the same.
  // OpenBLAS goes to one thread per call meanwhile, so that the two threads' calls run side by side.
  const bothRadii = () => {
    const fakeHere = () => kthNeighbourRadii(y, [prK], { blas });
    const fakeRadii =
      options.blas === undefined || options.blas === null
        ? onSecondThread(
            KNN_RADII_MODULE,
            'kthNeighbourRadiiOfMatrix',
            [{ rows: fake.rows, cols: fake.cols, data: fake.data }, [prK], options.blas === undefined],
            fakeHere,
          )
        : { result: fakeHere };
    return [...kthNeighbourRadii(x, [prK, prdcK], { blas }), ...fakeRadii.result()];
  };
  // One radius list per k asked for: real at prK and prdcK, generated at prK.
  const [realPrRadii, realDcRadii, fakePrRadii] = (
    blas && secondThreadAllowed() ? blas.oneThreadEach(bothRadii) : bothRadii()
  ) as [Float64Array, Float64Array, Float64Array];
  const realPr = realPrRadii.map(squaredAtMost);
  const realDc = realDcRadii.map(squaredBelow);
  const fakeBalls = fakePrRadii.map(squaredAtMost);

  const balls: Balls = { realPr, realDc, fakeBalls };
  const recallPairs = options.pairs ? new PairList(n, pairsPerRow) : null;
  const coveragePairs = options.pairs ? new PairList(n, pairsPerRow) : null;
  let cross: CrossPass;
  // Without pair lists (which are kept in generated-row order), the generated
  // rows split in two at a block boundary, the second half on a second
  // thread: the same blocks as one pass, so the same distances to the bit.
  const split = Math.min(m, Math.ceil(Math.floor(m / 2) / blockRows) * blockRows);
  if (
    !options.pairs &&
    split > 0 &&
    split < m &&
    (options.blas === undefined || options.blas === null) &&
    secondThreadAllowed()
  ) {
    const crossBoth = () => {
      const later = onSecondThread(
        PRDC_MODULE,
        'crossPassOfMatrices',
        [
          { rows: m, cols: fake.cols, data: fake.data },
          { rows: n, cols: real.cols, data: real.data },
          split,
          m,
          balls,
          blockRows,
          options.blas === undefined,
        ],
        () => crossPass(y, x, split, m, balls, blockRows, blas, null),
      );
      return mergeCrossPasses(crossPass(y, x, 0, split, balls, blockRows, blas, null), later.result());
    };
    cross = blas ? blas.oneThreadEach(crossBoth) : crossBoth();
  } else {
    cross = crossPass(
      y,
      x,
      0,
      m,
      balls,
      blockRows,
      blas,
      recallPairs && coveragePairs ? { recall: recallPairs, coverage: coveragePairs } : null,
    );
  }
  const { insideReal, densityCounts, realCovered, nearestFake } = cross;

  const realCoveredByNearest = new Uint8Array(n);
  for (let i = 0; i < n; i++) realCoveredByNearest[i] = nearestFake[i]! <= realDc[i]! ? 1 : 0;
  let pairs: PrdcContributions['pairs'];
  if (recallPairs && coveragePairs) {
    const recall = recallPairs.byRow();
    const coverage = coveragePairs.byRow();
    // The same blocks as above, so every distance is recomputed to the bit.
    const blocks = distanceBlocks(y, x, blockRows, blas, squaredDistancesBlock);
    const beyond =
      (lists: CsrLists, inBall: (sq: number, i: number, j: number) => boolean) =>
      (i: number, fakeCounts: Int32Array): boolean => {
        const after = lists.items[lists.offsets[i + 1]! - 1]!;
        let found = false;
        blocks((start, end, out) => {
          for (let j = Math.max(start, after + 1); j < end && !found; j++)
            if (fakeCounts[j]! > 0 && inBall(out[(j - start) * n + i]!, i, j)) found = true;
          return found;
        });
        return found;
      };
    pairs = {
      recall: { ...recall, beyond: beyond(recall, (sq, _i, j) => sq <= fakeBalls[j]!) },
      coverage: { ...coverage, beyond: beyond(coverage, (sq, i) => sq <= realDc[i]!) },
    };
  }
  return { insideReal, densityCounts, realCovered, realCoveredByNearest, pairs, prdcK };
}

interface Balls {
  /** Squared thresholds per real row: closed prK ball, open prdcK ball. */
  realPr: Float64Array;
  realDc: Float64Array;
  /** Squared threshold per generated row: closed prK ball. */
  fakeBalls: Float64Array;
}

/** The real–generated pass over generated rows [from, to): their own flags and counts (indexed from `from`), and per real row its cover flag and nearest squared distance. */
export interface CrossPass {
  from: number;
  insideReal: Uint8Array;
  densityCounts: Int32Array;
  realCovered: Uint8Array;
  nearestFake: Float64Array;
}

function crossPass(
  y: RowNorms,
  x: RowNorms,
  from: number,
  to: number,
  balls: Balls,
  blockRows: number,
  blas: Blas | null,
  pairs: { recall: PairList; coverage: PairList } | null,
): CrossPass {
  const n = x.matrix.rows;
  const { realPr, realDc, fakeBalls } = balls;
  const insideReal = new Uint8Array(to - from);
  const densityCounts = new Int32Array(to - from);
  const realCovered = new Uint8Array(n);
  const nearestFake = new Float64Array(n).fill(Infinity);
  const recallPairs = pairs?.recall;
  const coveragePairs = pairs?.coverage;
  const realNorms = x.squaredNorms;
  const fakeNorms = y.squaredNorms;
  // Each −2·x·y is read once and the distance finished as it is read.
  distanceBlocks(
    y,
    x,
    blockRows,
    blas,
    minusTwoInnerProductsBlock,
    from,
    to,
  )((start, end, out) => {
    for (let j = start; j < end; j++) {
      const row = (j - start) * n;
      const fakeBall = fakeBalls[j]!;
      const fakeNorm = fakeNorms[j]!;
      let inside = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        const sq = Math.max(out[row + i]! + fakeNorm + realNorms[i]!, 0); // squaredFromProduct, written out in the hot loop
        if (sq <= realPr[i]!) inside = 1;
        if (sq <= realDc[i]!) {
          count++;
          coveragePairs?.push(i, j);
        }
        if (sq <= fakeBall) {
          realCovered[i] = 1;
          recallPairs?.push(i, j);
        }
        if (sq < nearestFake[i]!) nearestFake[i] = sq;
      }
      insideReal[j - from] = inside;
      densityCounts[j - from] = count;
    }
  });
  return { from, insideReal, densityCounts, realCovered, nearestFake };
}

/** crossPass on bare matrices, for onSecondThread (second-thread.ts): arguments and result cross threads by structured clone. */
export function crossPassOfMatrices(
  fake: FeatureMatrix,
  real: FeatureMatrix,
  from: number,
  to: number,
  balls: Balls,
  blockRows: number,
  useBlas: boolean,
): CrossPass {
  return crossPass(
    withRowNorms(fake),
    withRowNorms(real),
    from,
    to,
    balls,
    blockRows,
    useBlas ? openBlas() : null,
    null,
  );
}

/** Two passes over consecutive generated rows as one: flags and counts joined, covers or-ed, nearest distances min-ed. */
function mergeCrossPasses(a: CrossPass, b: CrossPass): CrossPass {
  const insideReal = new Uint8Array(a.insideReal.length + b.insideReal.length);
  insideReal.set(a.insideReal);
  insideReal.set(b.insideReal, a.insideReal.length);
  const densityCounts = new Int32Array(insideReal.length);
  densityCounts.set(a.densityCounts);
  densityCounts.set(b.densityCounts, a.densityCounts.length);
  const realCovered = a.realCovered.map((v, i) => v | b.realCovered[i]!);
  const nearestFake = a.nearestFake.map((v, i) => Math.min(v, b.nearestFake[i]!));
  return { from: a.from, insideReal, densityCounts, realCovered, nearestFake };
}

/**
 * Calls `visit` with each block that `fill` makes (squared distances, or the
 * −2·y·x products they are finished from), generated rows [start, end) ×
 * every real row (out[(j − start)·n + i]), for generated rows [from, to)
 * (default all) in order; a visit
 * that returns true stops the pass. One block of memory, whatever the sizes.
 */
function distanceBlocks(
  y: RowNorms,
  x: RowNorms,
  blockRows: number,
  blas: Blas | null,
  fill: typeof squaredDistancesBlock,
  from = 0,
  to = y.matrix.rows,
) {
  const n = x.matrix.rows;
  let out: Float64Array | null = null;
  return (visit: (start: number, end: number, out: Float64Array) => boolean | undefined): void => {
    out ??= new Float64Array(Math.min(blockRows, to - from) * n);
    for (let start = from; start < to; start += blockRows) {
      const end = Math.min(start + blockRows, to);
      fill(y, { start, end }, x, { start: 0, end: n }, out, blas);
      if (visit(start, end, out)) return;
    }
  };
}

/**
 * (row, item) pairs in a growable buffer, at most `cap` per row (the first
 * ones pushed), grouped by row at the end (counting sort). Memory is bounded
 * by rows × cap, never by rows × items.
 */
class PairList {
  private data = new Int32Array(1 << 16);
  private length = 0;
  private readonly counts: Int32Array;
  private readonly truncated: Uint8Array;

  constructor(
    private readonly rows: number,
    private readonly cap: number,
  ) {
    this.counts = new Int32Array(rows);
    this.truncated = new Uint8Array(rows);
  }

  push(row: number, item: number): void {
    if (this.counts[row]! >= this.cap) {
      this.truncated[row] = 1;
      return;
    }
    this.counts[row]!++;
    if (this.length + 2 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = row;
    this.data[this.length++] = item;
  }

  byRow(): CsrLists & { truncated: Uint8Array } {
    const rows = this.rows;
    const offsets = new Int32Array(rows + 1);
    for (let i = 0; i < rows; i++) offsets[i + 1] = offsets[i]! + this.counts[i]!;
    const fill = offsets.slice(0, rows);
    const items = new Int32Array(this.length / 2);
    for (let p = 0; p < this.length; p += 2) items[fill[this.data[p]!]!++] = this.data[p + 1]!;
    return { offsets, items, truncated: this.truncated };
  }
}
