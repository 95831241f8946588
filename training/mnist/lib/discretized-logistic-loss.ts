/**
 * log P(level) under the discretized logistic (PixelCNN++), as tfjs ops for
 * training. It mirrors src/likelihood/pixel-forms.ts term by term, so the loss a
 * model is trained on is the likelihood genreport measures. Range [0, 1]:
 * level k sits at k/255 and owns ± half a level; levels 0 and 255 take the tails.
 */
import * as tf from '@tensorflow/tfjs';

const HALF_LEVEL = 0.5 / 255;

/**
 * Per-pixel log-probabilities [n, H, W, 1] of images x (k/255, [n, H, W, 1])
 * under parameters [n, H, W, 2] = (mean, log-scale).
 */
export function discretizedLogisticLogProbabilities(x: tf.Tensor4D, params: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [mean, logScale] = tf.split(params, 2, 3) as [tf.Tensor4D, tf.Tensor4D];
    const invScale = tf.exp(tf.neg(logScale));
    const centred = tf.sub(x, mean);
    const upper = tf.mul(invScale, tf.add(centred, HALF_LEVEL));
    const lower = tf.mul(invScale, tf.sub(centred, HALF_LEVEL));
    const logSigmoidUpper = tf.neg(tf.softplus(tf.neg(upper)));
    const logOneMinusSigmoidLower = tf.neg(tf.softplus(lower));
    // σ(a) − σ(b) = σ(a) σ(−b) (1 − e^(b−a)); the floor only guards log(0) in float32.
    const binWidth = tf.mul(invScale, 2 * HALF_LEVEL);
    const inner = tf.add(
      tf.add(logSigmoidUpper, logOneMinusSigmoidLower),
      tf.log(tf.maximum(tf.sub(1, tf.exp(tf.neg(binWidth))), 1e-12)),
    );
    const isLowest = tf.less(x, HALF_LEVEL);
    const isHighest = tf.greater(x, 1 - HALF_LEVEL);
    return tf.where(isLowest, logSigmoidUpper, tf.where(isHighest, logOneMinusSigmoidLower, inner)) as tf.Tensor4D;
  });
}
