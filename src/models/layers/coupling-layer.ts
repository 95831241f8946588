/**
 * What every affine coupling shares: the values on one half pass unchanged and
 * give, through a conditioner network, a scale s and shift t for the other:
 *   z = x ⊙ exp(s) + t,  log|det| = Σ s;   x = (z − t) ⊙ exp(−s).
 * The inverse recomputes s and t from the unchanged half. Subclasses supply the
 * mask and the conditioner (s and t are zero on the conditioning half).
 */
import * as tf from '@tensorflow/tfjs';
import { FlowLayer, joinState, rowSums, splitState } from './flow-layer.ts';

export abstract class CouplingLayer extends FlowLayer {
  /** s and t [n, D] from the conditioning half of `values`, zero on that half itself. */
  protected abstract scaleAndShift(values: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D];

  protected forwardActive(state: tf.Tensor2D): tf.Tensor2D {
    const [x, logDet] = splitState(state);
    const [s, t] = this.scaleAndShift(x);
    return joinState(tf.add(tf.mul(x, tf.exp(s)), t), tf.add(logDet, rowSums(s)));
  }

  protected inverseActive(state: tf.Tensor2D): tf.Tensor2D {
    const [z, logDet] = splitState(state);
    const [s, t] = this.scaleAndShift(z);
    return joinState(tf.mul(tf.sub(z, t), tf.exp(tf.neg(s))), tf.sub(logDet, rowSums(s)));
  }
}
