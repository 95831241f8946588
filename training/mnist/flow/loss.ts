/**
 * The flow's training loss on a batch of dequantized images y in [0, 1]:
 * −mean(log N(z; 0, I) + log|det ∂z/∂y|) in nats, and the mean log|det| to log.
 * One module, so the trainer's own thread and its gradient workers share it.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossFunction } from '../lib/gradient-workers.ts';

export const loss: LossFunction = (flow, y) => {
  const state = flow.apply(y, { training: true }) as tf.Tensor2D;
  const d = state.shape[1] - 1;
  const z = tf.slice(state, [0, 0], [-1, d]);
  const logDet = tf.reshape(tf.slice(state, [0, d], [-1, 1]), [-1]);
  const logPrior = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), 0.5 * d * Math.log(2 * Math.PI));
  return {
    loss: tf.neg(tf.mean(tf.add(logPrior, logDet))) as tf.Scalar,
    figures: { logDet: tf.mean(logDet) as tf.Scalar },
  };
};
