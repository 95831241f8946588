/**
 * The Inception Score computed with the domain classifier ("classifier
 * score"), as torch-fidelity computes IS: the generated set is cut into
 * `splits` contiguous parts; in each, exp(mean_x KL(p(y|x) ‖ p(y))) with p(y)
 * the part's mean prediction; mean and population std (ddof = 0) over parts.
 * Higher means confident and varied predictions. Float64 throughout.
 */
import type { FeatureMatrix } from '../core/types.ts';

export const CLASSIFIER_SCORE_SPLITS = 10;

export interface ClassifierScore {
  mean: number;
  std: number;
}

export function classifierScoreFromProbabilities(p: FeatureMatrix, splits = CLASSIFIER_SCORE_SPLITS): ClassifierScore {
  const { rows: n, cols: c, data } = p;
  if (n < splits) throw new Error(`classifier score: ${n} samples cannot make ${splits} splits`);
  const scores = new Float64Array(splits);
  const marginal = new Float64Array(c);
  for (let s = 0; s < splits; s++) {
    // torch-fidelity's split boundaries: part s holds rows [s·n/splits, (s+1)·n/splits).
    const start = Math.floor((s * n) / splits);
    const end = Math.floor(((s + 1) * n) / splits);
    marginal.fill(0);
    for (let i = start; i < end; i++) for (let k = 0; k < c; k++) marginal[k]! += data[i * c + k]!;
    for (let k = 0; k < c; k++) marginal[k]! /= end - start;
    let kl = 0;
    for (let i = start; i < end; i++) {
      for (let k = 0; k < c; k++) {
        const q = data[i * c + k]!;
        if (q > 0) kl += q * (Math.log(q) - Math.log(marginal[k]!));
      }
    }
    scores[s] = Math.exp(kl / (end - start));
  }
  let mean = 0;
  for (const v of scores) mean += v;
  mean /= splits;
  let variance = 0;
  for (const v of scores) variance += (v - mean) ** 2;
  return { mean, std: Math.sqrt(variance / splits) };
}
