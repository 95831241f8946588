/** The first layer of every flow: images [n, H, W, C] → flow state [n, D + 1] with log|det| = 0. */
import * as tf from '@tensorflow/tfjs';
import { at } from '../../core/indexed.ts';
import type { LayerArgs } from './flow-layer.ts';

export interface ImageShapeConfig {
  height: number;
  width: number;
  channels: number;
}

export class FlowFlatten extends tf.layers.Layer {
  static className = 'GenreportFlowFlatten';
  readonly shape: ImageShapeConfig;

  constructor(config: ImageShapeConfig & LayerArgs) {
    super(config);
    this.shape = { height: config.height, width: config.width, channels: config.channels };
  }

  get dimensions(): number {
    return this.shape.height * this.shape.width * this.shape.channels;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const images = Array.isArray(inputs) ? at(inputs, 0, 'flow-flatten inputs') : inputs;
      const n = images.shape[0];
      return tf.concat([tf.reshape(images, [n, this.dimensions]), tf.zeros([n, 1])], 1);
    });
  }

  /** The inverse: drop the log-determinant, restore the image shape. */
  toImages(state: tf.Tensor2D): tf.Tensor4D {
    const { height, width, channels } = this.shape;
    return tf.reshape(tf.slice(state, [0, 0], [-1, this.dimensions]), [state.shape[0], height, width, channels]);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = Array.isArray(inputShape[0])
      ? at(inputShape as tf.Shape[], 0, 'flow-flatten input shapes')
      : (inputShape as tf.Shape);
    const batch = shape[0] ?? null;
    return [batch, this.dimensions + 1];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.shape };
  }
}
