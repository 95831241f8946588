/**
 * Factoring-out (RealNVP's multi-scale architecture): of an H×W×C active
 * image, the last C − keep channels become final latents. The layer reorders
 * the active values as (the H×W×keep image, then the factored values) and the
 * factored ones join the passive latents, so the layers after it are built
 * with `passive` larger by H·W·(C − keep) and work on the smaller image only.
 * Later, deeper layers then model the coarse structure while the factored
 * values, already transformed by this scale, are standard normal latents.
 * A pure permutation: log|det| = 0.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageShapeConfig } from './flow-flatten.ts';
import { FlowLayer, joinState, splitState, type FlowLayerArgs } from './flow-layer.ts';

export interface FactorOutConfig extends ImageShapeConfig {
  /** Channels that stay in the flow (the first `keep`); the rest are factored out. */
  keep: number;
}

export class FlowFactorOut extends FlowLayer {
  static className = 'GenreportFlowFactorOut';
  readonly config: FactorOutConfig;

  constructor(config: FactorOutConfig & FlowLayerArgs) {
    super(config);
    const { height, width, channels, keep } = config;
    if (!Number.isInteger(keep) || keep < 1 || keep >= channels)
      throw new Error(`FlowFactorOut: keep must be 1 to ${channels - 1} of ${channels} channels, got ${keep}`);
    this.config = { height, width, channels, keep };
  }

  /** Values the layer factors out: the later layers' passive count grows by this. */
  get factored(): number {
    const { height, width, channels, keep } = this.config;
    return height * width * (channels - keep);
  }

  protected forwardActive(state: tf.Tensor2D): tf.Tensor2D {
    const [x, logDet] = splitState(state);
    const { height, width, channels, keep } = this.config;
    const n = x.shape[0];
    const [kept, out] = tf.split(tf.reshape(x, [n, height * width, channels]), [keep, channels - keep], 2) as [
      tf.Tensor,
      tf.Tensor,
    ];
    return joinState(tf.concat([tf.reshape(kept, [n, -1]), tf.reshape(out, [n, -1])], 1) as tf.Tensor2D, logDet);
  }

  protected inverseActive(state: tf.Tensor2D): tf.Tensor2D {
    const [z, logDet] = splitState(state);
    const { height, width, channels, keep } = this.config;
    const n = z.shape[0];
    const [kept, out] = tf.split(z, [height * width * keep, this.factored], 1) as [tf.Tensor, tf.Tensor];
    const pixels = tf.concat(
      [tf.reshape(kept, [n, height * width, keep]), tf.reshape(out, [n, height * width, channels - keep])],
      2,
    );
    return joinState(tf.reshape(pixels, [n, -1]), logDet);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}
