/**
 * Bounds from importance weights. For K draws z_k ~ q(z|x) with
 * log w_k = log p(x, z_k) − log q(z_k|x):
 *   IWAE_K = log (1/K) Σ_k w_k   (Burda et al. 2016; ≤ log p(x) in expectation,
 *                                  non-decreasing in K, → log p(x))
 * and the mean of log w_k estimates the ELBO (= IWAE_1).
 */

/** log((1/K) Σ exp(values[offset .. offset + K))), stable for large magnitudes. */
export function logMeanExp(values: ArrayLike<number>, offset = 0, k = values.length - offset): number {
  let max = -Infinity;
  for (let i = offset; i < offset + k; i++) max = Math.max(max, values[i]!);
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = offset; i < offset + k; i++) sum += Math.exp(values[i]! - max);
  return max + Math.log(sum / k);
}

/** IWAE_K per image from log-weights laid out [n, K]. */
export function importanceWeightedBounds(logWeights: Float64Array, n: number, k: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = logMeanExp(logWeights, i * k, k);
  return out;
}

/** log N(x; 0, I) summed over a row of d values. */
export function standardNormalLogDensity(values: ArrayLike<number>, offset: number, d: number): number {
  let sq = 0;
  for (let j = offset; j < offset + d; j++) sq += values[j]! * values[j]!;
  return -0.5 * sq - 0.5 * d * Math.log(2 * Math.PI);
}
