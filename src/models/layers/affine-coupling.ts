/**
 * Affine coupling (RealNVP) with a checkerboard mask: the values on one colour
 * of the board pass through unchanged and condition, through a one-hidden-layer
 * network, a scale and shift of the others:
 *   z = x ⊙ exp(s) + t,  s = tanh(·) ⊙ (1 − m),  t = (·) ⊙ (1 − m),
 * log|det| = Σ s. The inverse recomputes s, t from the unchanged half.
 * The output weights start at zero, so a fresh coupling is the identity.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageShapeConfig } from './flow-flatten.ts';
import { CouplingLayer } from './coupling-layer.ts';
import type { FlowLayerArgs } from './flow-layer.ts';

export interface AffineCouplingConfig extends ImageShapeConfig {
  hidden: number;
  /** Which colour of the checkerboard conditions: 0 or 1. */
  parity: 0 | 1;
}

export class FlowAffineCoupling extends CouplingLayer {
  static className = 'GenreportFlowAffineCoupling';
  readonly config: AffineCouplingConfig;
  private readonly mask: Float32Array;
  private hiddenKernel!: tf.LayerVariable;
  private hiddenBias!: tf.LayerVariable;
  private outputKernel!: tf.LayerVariable;
  private outputBias!: tf.LayerVariable;

  constructor(config: AffineCouplingConfig & FlowLayerArgs) {
    super(config);
    const { height, width, channels, hidden, parity } = config;
    this.config = { height, width, channels, hidden, parity };
    this.mask = new Float32Array(height * width * channels);
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        for (let c = 0; c < channels; c++)
          this.mask[(h * width + w) * channels + c] = (h + w + parity) % 2 === 0 ? 1 : 0;
      }
    }
  }

  override build(): void {
    const d = this.mask.length;
    const { hidden } = this.config;
    this.hiddenKernel = this.addWeight('hidden_kernel', [d, hidden], 'float32', tf.initializers.glorotUniform({}));
    this.hiddenBias = this.addWeight('hidden_bias', [hidden], 'float32', tf.initializers.zeros());
    this.outputKernel = this.addWeight('output_kernel', [hidden, 2 * d], 'float32', tf.initializers.zeros());
    this.outputBias = this.addWeight('output_bias', [2 * d], 'float32', tf.initializers.zeros());
  }

  /** s and t from the conditioning half, zero on that half itself. */
  protected scaleAndShift(values: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    const d = this.mask.length;
    const mask = tf.tensor1d(this.mask);
    const free = tf.sub(1, mask);
    const hidden = tf.relu(tf.add(tf.matMul(tf.mul(values, mask), this.hiddenKernel.read()), this.hiddenBias.read()));
    const out = tf.add(
      tf.matMul(hidden as tf.Tensor2D, this.outputKernel.read() as tf.Tensor2D),
      this.outputBias.read(),
    ) as tf.Tensor2D;
    const s = tf.mul(tf.tanh(tf.slice(out, [0, 0], [-1, d])), free) as tf.Tensor2D;
    const t = tf.mul(tf.slice(out, [0, d], [-1, d]), free) as tf.Tensor2D;
    return [s, t];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}
