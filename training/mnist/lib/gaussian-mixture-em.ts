/**
 * Expectation–maximisation for a mixture of diagonal Gaussians (Dempster,
 * Laird & Rubin 1977): the E step gives each point's responsibilities, the M
 * step re-estimates weights, means and variances from them. Each iteration
 * cannot lower the data's log-likelihood, but EM finds a local optimum: means
 * start at K data points seeded as in k-means++ (Arthur & Vassilvitskii 2007),
 * spread apart, so two seldom start in one cluster. Variances start at the
 * data's; a floor keeps a component from collapsing onto one point.
 */
import type { Rng } from '../../../src/core/rng.ts';
import { innerProductsBlock } from '../../../src/metrics/stats/inner-products.ts';
import { openBlas } from '../../../src/metrics/stats/openblas.ts';
import type { GaussianMixtureJson } from '../../../src/models/latent-prior.ts';

export interface MixtureFit extends GaussianMixtureJson {
  /** Mean log-likelihood per point after each iteration (non-decreasing). */
  trace: number[];
}

export interface EmOptions {
  maxIterations: number;
  /** Stop once an iteration gains less than this in mean log-likelihood per point. */
  tolerance: number;
  /** Variances never fall below this share of the data's variance per dimension. */
  varianceFloor: number;
}

export function fitGaussianMixture(
  data: ArrayLike<number>,
  n: number,
  d: number,
  k: number,
  rng: Rng,
  opts: EmOptions,
): MixtureFit {
  const x = Float64Array.from(data);
  const xSquared = x.map((v) => v * v);
  const globalMean = new Float64Array(d);
  const globalVariance = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) globalMean[j]! += x[i * d + j]! / n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) globalVariance[j]! += (x[i * d + j]! - globalMean[j]!) ** 2 / n;
  const floor = globalVariance.map((v) => v * opts.varianceFloor);

  const weights = new Float64Array(k).fill(1 / k);
  const means = new Float64Array(k * d);
  const variances = new Float64Array(k * d);
  spreadSeeds(x, n, d, k, rng).forEach((point, c) => {
    means.set(x.subarray(point * d, (point + 1) * d), c * d);
    variances.set(globalVariance, c * d);
  });

  const products = matrixProducts();
  // Per component: 1/σ², μ/σ², and log w − ½ Σ_j (log 2πσ²_j + μ²_j/σ²_j).
  const precisions = new Float64Array(k * d);
  const scaledMeans = new Float64Array(k * d);
  const constants = new Float64Array(k);
  const resp = new Float64Array(n * k);
  const linear = new Float64Array(n * k);
  const respT = new Float64Array(k * n);
  const sums = new Float64Array(k * d);
  const squareSums = new Float64Array(k * d);
  const trace: number[] = [];
  for (let iteration = 0; iteration < opts.maxIterations; iteration++) {
    // E step: log w_c + log N(x_i; μ_c, σ²_c) = constant_c − ½ x²·(1/σ²_c) + x·(μ_c/σ²_c), two products for all pairs;
    // then responsibilities by log-sum-exp, and the log-likelihood at the current parameters.
    for (let c = 0; c < k; c++) {
      let s = Math.log(weights[c]!);
      for (let j = 0; j < d; j++) {
        const v = variances[c * d + j]!;
        const m = means[c * d + j]!;
        precisions[c * d + j] = 1 / v;
        scaledMeans[c * d + j] = m / v;
        s -= 0.5 * (Math.log(2 * Math.PI * v) + (m * m) / v);
      }
      constants[c] = s;
    }
    products.withTranspose(xSquared, n, precisions, k, d, -0.5, resp);
    products.withTranspose(x, n, scaledMeans, k, d, 1, linear);
    let logLikelihood = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        resp[i * k + c]! += linear[i * k + c]! + constants[c]!;
        const s = resp[i * k + c]!;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += resp[i * k + c] = Math.exp(resp[i * k + c]! - max);
      for (let c = 0; c < k; c++) respT[c * n + i] = resp[i * k + c]! /= sum;
      logLikelihood += max + Math.log(sum);
    }
    trace.push(logLikelihood / n);
    if (iteration > 0 && trace[iteration]! - trace[iteration - 1]! < opts.tolerance) break;

    // M step: responsibility-weighted sums of x and x² (Rᵀ·X, Rᵀ·X²), then weights, means and variances.
    products.plain(respT, k, n, x, d, sums);
    products.plain(respT, k, n, xSquared, d, squareSums);
    for (let c = 0; c < k; c++) {
      let mass = 0;
      for (let i = 0; i < n; i++) mass += respT[c * n + i]!;
      mass = Math.max(mass, 1e-300);
      weights[c] = mass / n;
      for (let j = 0; j < d; j++) {
        const m = sums[c * d + j]! / mass;
        means[c * d + j] = m;
        variances[c * d + j] = Math.max(squareSums[c * d + j]! / mass - m * m, floor[j]!);
      }
    }
  }
  const rows = (values: Float64Array, map: (v: number) => number) =>
    Array.from({ length: k }, (_, c) => Array.from(values.subarray(c * d, (c + 1) * d), map));
  return {
    weights: Array.from(weights),
    means: rows(means, (v) => v),
    logVariances: rows(variances, Math.log),
    trace,
  };
}

/** The two products EM needs: out = alpha·A·Bᵀ and out = A·B (row-major). */
export interface MatrixProducts {
  withTranspose(
    a: Float64Array,
    m: number,
    b: Float64Array,
    n: number,
    d: number,
    alpha: number,
    out: Float64Array,
  ): void;
  plain(a: Float64Array, m: number, k: number, b: Float64Array, n: number, out: Float64Array): void;
}

/** Plain loops: where OpenBLAS does not load. */
export const PLAIN_PRODUCTS: MatrixProducts = {
  withTranspose(a, m, b, n, d, alpha, out) {
    innerProductsBlock(a, 0, m, b, n, d, out);
    if (alpha !== 1) for (let i = 0; i < m * n; i++) out[i]! *= alpha;
  },
  plain(a, m, k, b, n, out) {
    out.fill(0, 0, m * n);
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < k; l++) {
        const v = a[i * k + l]!;
        if (v !== 0) for (let j = 0; j < n; j++) out[i * n + j]! += v * b[l * n + j]!;
      }
    }
  },
};

/** OpenBLAS where it loads (a 784-d fit on 55,000 points takes seconds an iteration, not minutes), else plain loops. */
function matrixProducts(): MatrixProducts {
  const blas = openBlas();
  return blas ? { withTranspose: blas.productWithTranspose, plain: blas.product } : PLAIN_PRODUCTS;
}

/** k-means++ seeding: each next seed is a point drawn with probability ∝ its squared distance to the nearest seed so far. */
function spreadSeeds(data: Float64Array, n: number, d: number, k: number, rng: Rng): number[] {
  const seeds = [rng.int(n)];
  const nearest = new Float64Array(n).fill(Infinity);
  while (seeds.length < k) {
    const last = seeds[seeds.length - 1]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      let sq = 0;
      for (let j = 0; j < d; j++) sq += (data[i * d + j]! - data[last * d + j]!) ** 2;
      if (sq < nearest[i]!) nearest[i] = sq;
      total += nearest[i]!;
    }
    let u = rng.uniform() * total;
    let next = 0;
    for (; next < n - 1; next++) {
      u -= nearest[next]!;
      if (u <= 0) break;
    }
    seeds.push(next);
  }
  return seeds;
}
