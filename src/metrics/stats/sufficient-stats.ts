/**
 * Float64 sufficient statistics of a feature stream: count, sum and sum of
 * outer products, added a batch at a time as features arrive, and mergeable
 * (two streams' statistics add up to the statistics of both). Mean and
 * covariance (ddof = 1) follow at the end without the features.
 *
 * Sums are taken of x − s for a fixed shift s (the first row seen): the
 * plain Σxxᵀ − n·μμᵀ loses digits to cancellation when features sit far
 * from 0 (Chan, Golub & LeVeque 1983), the shifted sums do not.
 */
import type { FeatureMatrix } from '../../core/types.ts';
import type { FeatureStats } from './moments.ts';
import { openBlas, type Blas } from './openblas.ts';

const BLOCK_ROWS = 512;

export class SufficientStats {
  count = 0;
  /** Σ (x − shift), length d. */
  readonly sum: Float64Array;
  /** Σ (x − shift)(x − shift)ᵀ, upper triangle of d × d, row-major. */
  readonly outer: Float64Array;
  shift: Float64Array | null = null;
  private readonly block: Float64Array;

  constructor(
    readonly dim: number,
    private readonly blas: Blas | null = openBlas(),
  ) {
    this.sum = new Float64Array(dim);
    this.outer = new Float64Array(dim * dim);
    this.block = new Float64Array(BLOCK_ROWS * dim);
  }

  /** Adds every row of `m`. */
  add(m: FeatureMatrix): void {
    const d = this.dim;
    if (m.cols !== d) throw new Error(`sufficient statistics: expected ${d} features per row, got ${m.cols}`);
    if (m.rows === 0) return;
    this.shift ??= m.data.slice(0, d);
    const shift = this.shift;
    for (let start = 0; start < m.rows; start += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, m.rows - start);
      const block = this.block;
      for (let r = 0; r < rows; r++) {
        const from = (start + r) * d;
        for (let j = 0; j < d; j++) {
          const v = m.data[from + j]! - shift[j]!;
          block[r * d + j] = v;
          this.sum[j]! += v;
        }
      }
      if (this.blas) this.blas.addColumnGramUpper(block, rows, d, this.outer);
      else addOuterUpperJs(block, rows, d, this.outer);
    }
    this.count += m.rows;
  }

  /** Adds another stream's statistics (same dimension), as if its rows had been added here. */
  merge(other: SufficientStats): void {
    const d = this.dim;
    if (other.dim !== d) throw new Error(`sufficient statistics: cannot merge ${other.dim} features into ${d}`);
    if (other.count === 0) return;
    if (!this.shift) this.shift = other.shift!.slice();
    // Re-centre the other's sums on this shift: with δ = s_o − s, Σ(x − s) = S1 + nδ and
    // Σ(x − s)(x − s)ᵀ = S2 + δS1ᵀ + S1δᵀ + nδδᵀ.
    const delta = new Float64Array(d);
    for (let j = 0; j < d; j++) delta[j] = other.shift![j]! - this.shift[j]!;
    const n = other.count;
    for (let j = 0; j < d; j++) {
      for (let k = j; k < d; k++) {
        this.outer[j * d + k]! +=
          other.outer[j * d + k]! + delta[j]! * other.sum[k]! + other.sum[j]! * delta[k]! + n * delta[j]! * delta[k]!;
      }
      this.sum[j]! += other.sum[j]! + n * delta[j]!;
    }
    this.count += n;
  }

  /** Mean and covariance (ddof = 1), as statsFromFeatures gives them to rounding. */
  toFeatureStats(): FeatureStats {
    const d = this.dim;
    const n = this.count;
    if (n < 2) throw new Error(`feature stats: need at least 2 rows for a covariance, got ${n}`);
    const mean = new Float64Array(d);
    for (let j = 0; j < d; j++) mean[j] = this.shift![j]! + this.sum[j]! / n;
    const cov = new Float64Array(d * d);
    for (let j = 0; j < d; j++) {
      for (let k = j; k < d; k++) {
        const v = (this.outer[j * d + k]! - (this.sum[j]! * this.sum[k]!) / n) / (n - 1);
        cov[j * d + k] = v;
        cov[k * d + j] = v;
      }
    }
    return { mean, cov, n };
  }
}

function addOuterUpperJs(block: Float64Array, rows: number, d: number, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) {
      const v = block[o + j]!;
      if (v === 0) continue;
      for (let k = j; k < d; k++) out[j * d + k]! += v * block[o + k]!;
    }
  }
}
