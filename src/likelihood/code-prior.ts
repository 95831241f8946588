/**
 * A hybrid's likelihood arithmetic (VQ-VAE with an autoregressive prior):
 * categorical conditionals over a grid of discrete codes, and the bound
 *
 *   log p(x) = log Σ_z p(z) p(x | z)  ≥  log p(z_q(x)) + log p(x | z_q(x)),
 *
 * true because every term of the sum is ≥ 0: it keeps only the term of the
 * encoder's code. It is the ELBO of a one-hot posterior q(z | x) = δ(z = z_q(x))
 * (the posterior VQ-VAE trains with; its entropy is 0), so it is the tightest
 * ELBO that posterior gives and is reported as a lower bound on log p(x).
 * Logits arrive float32; sums are float64.
 */
import type { Rng } from '../core/rng.ts';

/** log softmax(logits)[code] of the K logits at `offset`. */
export function codeLogProbability(logits: ArrayLike<number>, offset: number, size: number, code: number): number {
  let max = -Infinity;
  for (let k = 0; k < size; k++) max = Math.max(max, logits[offset + k]!);
  let sum = 0;
  for (let k = 0; k < size; k++) sum += Math.exp(logits[offset + k]! - max);
  return logits[offset + code]! - max - Math.log(sum);
}

/**
 * log p(z) = Σ_j log p(z_j | z_<j) of each of m code grids, from every
 * position's K logits laid out [m, positions, K].
 */
export function gridLogProbabilities(
  logits: ArrayLike<number>,
  codes: ArrayLike<number>,
  m: number,
  size: number,
): Float64Array {
  const positions = codes.length / m;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let sum = 0;
    for (let j = 0; j < positions; j++)
      sum += codeLogProbability(logits, (i * positions + j) * size, size, codes[i * positions + j]!);
    out[i] = sum;
  }
  return out;
}

/** One code drawn from the softmax of the K logits at `offset` (inverse CDF). */
export function sampleCode(logits: ArrayLike<number>, offset: number, size: number, rng: Rng): number {
  let max = -Infinity;
  for (let k = 0; k < size; k++) max = Math.max(max, logits[offset + k]!);
  let total = 0;
  for (let k = 0; k < size; k++) total += Math.exp(logits[offset + k]! - max);
  let u = rng.uniform() * total;
  for (let k = 0; k < size - 1; k++) {
    u -= Math.exp(logits[offset + k]! - max);
    if (u < 0) return k;
  }
  return size - 1;
}

/** The single-code bound per image: log p(z_q(x)) + log p(x | z_q(x)), nats. */
export function singleCodeBound(
  priorLogProbabilities: Float64Array,
  reconstructionLogProbabilities: Float64Array,
): Float64Array {
  return priorLogProbabilities.map((p, i) => p + reconstructionLogProbabilities[i]!);
}

export const SINGLE_CODE_BOUND_LABEL =
  "single-code bound log p(z_q(x)) + log p(x | z_q(x)) with the encoder's deterministic code (the ELBO of a one-hot posterior): a lower bound on log-likelihood";
