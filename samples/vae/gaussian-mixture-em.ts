/**
 * Expectation–maximisation for a mixture of diagonal Gaussians (Dempster,
 * Laird & Rubin 1977): the E step gives each point's responsibilities, the M
 * step re-estimates weights, means and variances from them. Each iteration
 * cannot lower the data's log-likelihood, but EM finds a local optimum: means
 * start at K data points seeded as in k-means++ (Arthur & Vassilvitskii 2007),
 * spread apart, so two seldom start in one cluster. Variances start at the
 * data's; a floor keeps a component from collapsing onto one point.
 */
import type { Rng } from '../../src/core/rng.ts';
import type { GaussianMixtureJson } from '../../src/models/latent-prior.ts';

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

export function fitGaussianMixture(data: ArrayLike<number>, n: number, d: number, k: number, rng: Rng, opts: EmOptions): MixtureFit {
  const globalMean = new Float64Array(d);
  const globalVariance = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) globalMean[j] += data[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) globalVariance[j] += (data[i * d + j] - globalMean[j]) ** 2 / n;
  const floor = globalVariance.map((v) => v * opts.varianceFloor);

  const weights = new Float64Array(k).fill(1 / k);
  const means = new Float64Array(k * d);
  const variances = new Float64Array(k * d);
  spreadSeeds(data, n, d, k, rng).forEach((point, c) => {
    for (let j = 0; j < d; j++) means[c * d + j] = data[point * d + j];
    variances.set(globalVariance, c * d);
  });

  const resp = new Float64Array(n * k);
  const trace: number[] = [];
  for (let iteration = 0; iteration < opts.maxIterations; iteration++) {
    // E step: responsibilities by log-sum-exp, and the log-likelihood at the current parameters.
    const constants = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let s = Math.log(weights[c]);
      for (let j = 0; j < d; j++) s -= 0.5 * Math.log(2 * Math.PI * variances[c * d + j]);
      constants[c] = s;
    }
    let logLikelihood = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = constants[c];
        for (let j = 0; j < d; j++) {
          const x = data[i * d + j] - means[c * d + j];
          s -= (0.5 * x * x) / variances[c * d + j];
        }
        resp[i * k + c] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += resp[i * k + c] = Math.exp(resp[i * k + c] - max);
      for (let c = 0; c < k; c++) resp[i * k + c] /= sum;
      logLikelihood += max + Math.log(sum);
    }
    trace.push(logLikelihood / n);
    if (iteration > 0 && trace[iteration] - trace[iteration - 1] < opts.tolerance) break;

    // M step.
    const mass = new Float64Array(k);
    means.fill(0);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const r = resp[i * k + c];
        mass[c] += r;
        for (let j = 0; j < d; j++) means[c * d + j] += r * data[i * d + j];
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] /= Math.max(mass[c], 1e-300);
    variances.fill(0);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const r = resp[i * k + c];
        for (let j = 0; j < d; j++) variances[c * d + j] += r * (data[i * d + j] - means[c * d + j]) ** 2;
      }
    }
    for (let c = 0; c < k; c++) {
      weights[c] = Math.max(mass[c], 1e-300) / n;
      for (let j = 0; j < d; j++) variances[c * d + j] = Math.max(variances[c * d + j] / Math.max(mass[c], 1e-300), floor[j]);
    }
  }
  const rows = (values: Float64Array, map: (v: number) => number) => Array.from({ length: k }, (_, c) => Array.from(values.subarray(c * d, (c + 1) * d), map));
  return {
    weights: Array.from(weights),
    means: rows(means, (v) => v),
    logVariances: rows(variances, Math.log),
    trace,
  };
}

/** k-means++ seeding: each next seed is a point drawn with probability ∝ its squared distance to the nearest seed so far. */
function spreadSeeds(data: ArrayLike<number>, n: number, d: number, k: number, rng: Rng): number[] {
  const seeds = [rng.int(n)];
  const nearest = new Float64Array(n).fill(Infinity);
  while (seeds.length < k) {
    const last = seeds[seeds.length - 1];
    let total = 0;
    for (let i = 0; i < n; i++) {
      let sq = 0;
      for (let j = 0; j < d; j++) sq += (data[i * d + j] - data[last * d + j]) ** 2;
      if (sq < nearest[i]) nearest[i] = sq;
      total += nearest[i];
    }
    let u = rng.uniform() * total;
    let next = 0;
    while (next < n - 1 && (u -= nearest[next]) > 0) next++;
    seeds.push(next);
  }
  return seeds;
}
