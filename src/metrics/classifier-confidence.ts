/**
 * Classifier confidence: the domain classifier's mean top-class probability
 * on the generated samples. A fidelity signal: blurry or off-manifold digits
 * get hedged predictions. Per-sample values are returned for the bootstrap.
 */
import type { FeatureMatrix } from '../core/types.ts';

export function topProbabilities(p: FeatureMatrix): Float64Array {
  const out = new Float64Array(p.rows);
  for (let i = 0; i < p.rows; i++) {
    let top = 0;
    for (let k = 0; k < p.cols; k++) top = Math.max(top, p.data[i * p.cols + k]!);
    out[i] = top;
  }
  return out;
}
