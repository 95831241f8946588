/**
 * Flow layers carry one tensor, the flow state [n, D + 1]: the D values of the
 * image flattened in NHWC order, then the running log|det J| of the map so far.
 * That keeps a flow a plain single-input, single-output LayersModel that tfjs
 * saves and loads as is, and lets genreport run it backwards layer by layer.
 *
 * Multi-scale flows (RealNVP) factor values out as they go: those values are
 * final latents, and later layers leave them alone. A layer's `passive` count
 * says how many values at the end of the state are such latents; the layer
 * acts on the values before them (its active image) and on the log-determinant.
 */
import * as tf from '@tensorflow/tfjs';

export type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

/** Options every flow layer takes, beside its own. */
export type FlowLayerArgs = LayerArgs & {
  /** Values at the end of the state that this layer passes through unchanged (factored-out latents). */
  passive?: number;
};

/** A layer of an invertible map on the flow state. */
export abstract class FlowLayer extends tf.layers.Layer {
  readonly passive: number;

  constructor(args: FlowLayerArgs) {
    super(args);
    this.passive = args?.passive ?? 0;
    if (!Number.isInteger(this.passive) || this.passive < 0)
      throw new Error(`${this.getClassName()}: passive must be a whole number ≥ 0, got ${args?.passive}`);
  }

  /** x → z on the active values, adding log|det ∂z/∂x| to the state's last column. */
  protected abstract forwardActive(state: tf.Tensor2D): tf.Tensor2D;
  /** z → x on the active values, subtracting the same log-determinant. */
  protected abstract inverseActive(state: tf.Tensor2D): tf.Tensor2D;

  /** x → z on the whole state; the passive values pass through. */
  forward(state: tf.Tensor2D): tf.Tensor2D {
    return this.onActive(state, (active) => this.forwardActive(active));
  }

  /** z → x on the whole state; the passive values pass through. */
  inverse(state: tf.Tensor2D): tf.Tensor2D {
    return this.onActive(state, (active) => this.inverseActive(active));
  }

  /** The values this layer transforms, and so the width of its active image. */
  activeValues(state: tf.Tensor2D): number {
    return state.shape[1] - 1 - this.passive;
  }

  private onActive(state: tf.Tensor2D, map: (active: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
    if (this.passive === 0) return map(state);
    const [active, passive, logDet] = tf.split(state, [this.activeValues(state), this.passive, 1], 1) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    const [values, newLogDet] = splitState(map(joinState(active, logDet)));
    return tf.concat([values, passive, newLogDet], 1);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.forward((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    // Written only when set, so bundles saved before factoring-out existed stay byte-identical.
    return this.passive === 0 ? super.getConfig() : { ...super.getConfig(), passive: this.passive };
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
