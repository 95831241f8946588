/**
 * ActNorm (Glow): a per-channel affine map z = x · exp(logScale) + bias.
 * log|det| = (pixels per channel) · Σ logScale. Values are NHWC-flattened, so
 * the channel of value i is i mod C.
 */
import * as tf from '@tensorflow/tfjs';
import { FlowLayer, joinState, splitState, type FlowLayerArgs } from './flow-layer.ts';

export class FlowActNorm extends FlowLayer {
  static className = 'GenreportFlowActNorm';
  readonly channels: number;
  private logScale!: tf.LayerVariable;
  private bias!: tf.LayerVariable;

  constructor(config: { channels: number } & FlowLayerArgs) {
    super(config);
    this.channels = config.channels;
  }

  override build(): void {
    this.logScale = this.addWeight('log_scale', [this.channels], 'float32', tf.initializers.zeros());
    this.bias = this.addWeight('bias', [this.channels], 'float32', tf.initializers.zeros());
  }

  protected forwardActive(state: tf.Tensor2D): tf.Tensor2D {
    const [x, logDet] = splitState(state);
    const logScale = this.logScale.read();
    const z = tf.add(tf.mul(this.byChannel(x), tf.exp(logScale)), this.bias.read());
    return joinState(tf.reshape(z, x.shape), tf.add(logDet, this.logDetTerm(x, logScale)));
  }

  protected inverseActive(state: tf.Tensor2D): tf.Tensor2D {
    const [z, logDet] = splitState(state);
    const logScale = this.logScale.read();
    const x = tf.mul(tf.sub(this.byChannel(z), this.bias.read()), tf.exp(tf.neg(logScale)));
    return joinState(tf.reshape(x, z.shape), tf.sub(logDet, this.logDetTerm(z, logScale)));
  }

  private byChannel(values: tf.Tensor2D): tf.Tensor3D {
    return tf.reshape(values, [values.shape[0], -1, this.channels]);
  }

  private logDetTerm(values: tf.Tensor2D, logScale: tf.Tensor): tf.Tensor {
    return tf.mul(tf.sum(logScale), values.shape[1] / this.channels);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), channels: this.channels };
  }
}
