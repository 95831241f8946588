/**
 * Flow layers carry one tensor, the flow state [n, D + 1]: the D values of the
 * image flattened in NHWC order, then the running log|det J| of the map so far.
 * That keeps a flow a plain single-input, single-output LayersModel that tfjs
 * saves and loads as is, and lets genreport run it backwards layer by layer.
 */
import * as tf from '@tensorflow/tfjs';

export type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

/** A layer of an invertible map on the flow state. */
export abstract class FlowLayer extends tf.layers.Layer {
  /** x → z, adding log|det ∂z/∂x| to the state's last column. */
  abstract forward(state: tf.Tensor2D): tf.Tensor2D;
  /** z → x, subtracting the same log-determinant. */
  abstract inverse(state: tf.Tensor2D): tf.Tensor2D;

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.forward((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }
}

/** The values and the log-determinant column of a flow state. */
export function splitState(state: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  const d = state.shape[1] - 1;
  return [tf.slice(state, [0, 0], [-1, d]), tf.slice(state, [0, d], [-1, 1])];
}

export function joinState(values: tf.Tensor2D, logDet: tf.Tensor2D): tf.Tensor2D {
  return tf.concat([values, logDet], 1);
}

/** Sum over each row, kept as a column to add to the log-determinant. */
export function rowSums(t: tf.Tensor2D): tf.Tensor2D {
  return tf.sum(t, 1, true) as tf.Tensor2D;
}
