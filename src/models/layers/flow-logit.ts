/**
 * Logit preprocessing (RealNVP): y ∈ [0, 1) → logit(α + (1 − 2α) y), so the
 * flow works on an unbounded space. Needs the bundle's image range to be [0, 1].
 * log|det| = Σ log(1 − 2α) − log p − log(1 − p), with p = α + (1 − 2α) y.
 */
import * as tf from '@tensorflow/tfjs';
import { FlowLayer, joinState, rowSums, splitState, type FlowLayerArgs } from './flow-layer.ts';

export class FlowLogit extends FlowLayer {
  static className = 'GenreportFlowLogit';
  readonly alpha: number;

  constructor(config: { alpha: number } & FlowLayerArgs) {
    super(config);
    this.alpha = config.alpha;
  }

  protected forwardActive(state: tf.Tensor2D): tf.Tensor2D {
    const [y, logDet] = splitState(state);
    const p = tf.add(this.alpha, tf.mul(1 - 2 * this.alpha, y));
    const z = tf.sub(tf.log(p), tf.log1p(tf.neg(p))) as tf.Tensor2D;
    return joinState(z, tf.add(logDet, rowSums(this.logDerivative(p))));
  }

  protected inverseActive(state: tf.Tensor2D): tf.Tensor2D {
    const [z, logDet] = splitState(state);
    const p = tf.sigmoid(z);
    const y = tf.div(tf.sub(p, this.alpha), 1 - 2 * this.alpha) as tf.Tensor2D;
    return joinState(y, tf.sub(logDet, rowSums(this.logDerivative(p))));
  }

  private logDerivative(p: tf.Tensor): tf.Tensor2D {
    return tf.sub(Math.log(1 - 2 * this.alpha), tf.add(tf.log(p), tf.log1p(tf.neg(p)))) as tf.Tensor2D;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
