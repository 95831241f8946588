/**
 * Squeeze (RealNVP): each 2×2×C block of an H×W×C image becomes one pixel of
 * 4C channels, so H×W×C → H/2×W/2×4C. Later convolutional couplings then see
 * a coarser grid with more channels and can split on channels. It only
 * permutes the flattened NHWC values: log|det| = 0, and the inverse is the
 * reverse permutation. Channel order of the output: (row in block, column in
 * block, input channel).
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageShapeConfig } from './flow-flatten.ts';
import { FlowLayer, joinState, splitState, type FlowLayerArgs } from './flow-layer.ts';

export class FlowSqueeze extends FlowLayer {
  static className = 'GenreportFlowSqueeze';
  /** The shape before squeezing. */
  readonly shape: ImageShapeConfig;

  constructor(config: ImageShapeConfig & FlowLayerArgs) {
    super(config);
    const { height, width, channels } = config;
    if (height % 2 !== 0 || width % 2 !== 0) throw new Error(`FlowSqueeze: ${height}x${width} is not divisible by 2`);
    this.shape = { height, width, channels };
  }

  protected forwardActive(state: tf.Tensor2D): tf.Tensor2D {
    const [x, logDet] = splitState(state);
    const { height, width, channels } = this.shape;
    const n = x.shape[0];
    // [n·H/2, 2 (row in block), W/2, 2·C (column in block, channel)] → swap the middle axes.
    const blocks = tf.reshape(x, [n * (height / 2), 2, width / 2, 2 * channels]);
    return joinState(tf.reshape(tf.transpose(blocks, [0, 2, 1, 3]), [n, -1]), logDet);
  }

  protected inverseActive(state: tf.Tensor2D): tf.Tensor2D {
    const [z, logDet] = splitState(state);
    const { height, width, channels } = this.shape;
    const n = z.shape[0];
    const blocks = tf.reshape(z, [n * (height / 2), width / 2, 2, 2 * channels]);
    return joinState(tf.reshape(tf.transpose(blocks, [0, 2, 1, 3]), [n, -1]), logDet);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.shape };
  }
}
