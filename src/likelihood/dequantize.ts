/**
 * Uniform dequantization (Theis et al. 2016): a continuous density p on
 * v ∈ [0, 256)^D assigns level k the mass P(k) = ∫ p(k + u) du over u ∈ [0, 1)^D,
 * so by Jensen log P(k) ≥ E_u log p(k + u). With S draws of u,
 * log mean_s p(k + u_s) is a lower bound in expectation that tightens as S grows
 * (the uniform proposal is the importance-weighted bound over u).
 *
 * The model sees y = low + v (high − low) / 256; its density on y converts to v
 * with the Jacobian D log((high − low) / 256), which this module adds.
 */
import type { Rng } from '../core/rng.ts';
import { LEVELS } from './pixel-forms.ts';

/** y = low + (k + u) (high − low) / 256 for fresh u ~ U[0, 1) per value, in order. */
export function dequantizeToRange(levels: Uint8Array, range: readonly [number, number], rng: Rng): Float32Array {
  const [lo, hi] = range;
  const scale = (hi - lo) / LEVELS;
  const out = new Float32Array(levels.length);
  for (let i = 0; i < levels.length; i++) out[i] = lo + (levels[i]! + rng.uniform()) * scale;
  return out;
}

/** log |dy/dv| per image, to add to log p(y) to get log p(v). */
export function rangeLogJacobian(range: readonly [number, number], dimensions: number): number {
  return dimensions * Math.log((range[1] - range[0]) / LEVELS);
}

/** A continuous model value y back to its 8-bit level: the bin v = (y − low) 256 / (high − low) falls in. */
export function levelOfValue(y: number, range: readonly [number, number]): number {
  const v = Math.floor(((y - range[0]) / (range[1] - range[0])) * LEVELS);
  return v < 0 ? 0 : Math.min(v, LEVELS - 1);
}
