/**
 * Convolutional affine coupling (RealNVP/Glow). A mask splits the values of an
 * H×W×C image: a checkerboard over pixels, or the first / second half of the
 * channels (after a squeeze). The masked half passes unchanged and conditions,
 * through conv3x3 → relu → conv1x1 → relu → two conv3x3 (scale, shift), a scale and shift of the
 * other half:
 *   z = x ⊙ exp(s) + t,  s = scale · tanh(·) ⊙ (1 − m),  t = (·) ⊙ (1 − m),
 * log|det| = Σ s. The inverse recomputes s, t from the unchanged half.
 * Convolutions share weights across the image, unlike the dense conditioner of
 * affine-coupling.ts, so the layer is small and local. The output convolutions
 * start at zero, so a fresh coupling is the identity. Masks are applied by
 * multiplication, not slicing (slices are slow on the wasm backend).
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageShapeConfig } from './flow-flatten.ts';
import { CouplingLayer } from './coupling-layer.ts';
import type { FlowLayerArgs } from './flow-layer.ts';

export interface ConvAffineCouplingConfig extends ImageShapeConfig {
  /** Channels of the conditioner's hidden feature maps. */
  hidden: number;
  /** 'checkerboard' over pixels, or 'channel': split the channels in halves. */
  mask: 'checkerboard' | 'channel';
  /** Which half conditions: checkerboard colour, or first (0) / second (1) channel half. */
  parity: 0 | 1;
}

export class FlowConvAffineCoupling extends CouplingLayer {
  static className = 'GenreportFlowConvAffineCoupling';
  readonly config: ConvAffineCouplingConfig;
  private readonly maskValues: Float32Array;
  private inKernel!: tf.LayerVariable;
  private inBias!: tf.LayerVariable;
  private midKernel!: tf.LayerVariable;
  private midBias!: tf.LayerVariable;
  private scaleKernel!: tf.LayerVariable;
  private scaleBias!: tf.LayerVariable;
  private shiftKernel!: tf.LayerVariable;
  private shiftBias!: tf.LayerVariable;
  private scale!: tf.LayerVariable;

  constructor(config: ConvAffineCouplingConfig & FlowLayerArgs) {
    super(config);
    const { height, width, channels, hidden, mask, parity } = config;
    if (mask === 'channel' && channels % 2 !== 0)
      throw new Error(`FlowConvAffineCoupling: channel mask needs an even channel count, got ${channels}`);
    this.config = { height, width, channels, hidden, mask, parity };
    this.maskValues = new Float32Array(height * width * channels);
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        for (let c = 0; c < channels; c++) {
          const kept = mask === 'checkerboard' ? (h + w + parity) % 2 === 0 : (c < channels / 2 ? 0 : 1) === parity;
          this.maskValues[(h * width + w) * channels + c] = kept ? 1 : 0;
        }
      }
    }
  }

  override build(): void {
    const { channels, hidden } = this.config;
    const zeros = tf.initializers.zeros();
    // Kernels other than the output are overwritten by the trainer's seeded initialisation.
    this.inKernel = this.addWeight('in_kernel', [3, 3, channels, hidden], 'float32', tf.initializers.glorotUniform({}));
    this.inBias = this.addWeight('in_bias', [hidden], 'float32', zeros);
    this.midKernel = this.addWeight('mid_kernel', [1, 1, hidden, hidden], 'float32', tf.initializers.glorotUniform({}));
    this.midBias = this.addWeight('mid_bias', [hidden], 'float32', zeros);
    this.scaleKernel = this.addWeight('scale_kernel', [3, 3, hidden, channels], 'float32', zeros);
    this.scaleBias = this.addWeight('scale_bias', [channels], 'float32', zeros);
    this.shiftKernel = this.addWeight('shift_kernel', [3, 3, hidden, channels], 'float32', zeros);
    this.shiftBias = this.addWeight('shift_bias', [channels], 'float32', zeros);
    this.scale = this.addWeight('scale', [channels], 'float32', tf.initializers.ones());
  }

  /** s and t [n, D] from the conditioning half, zero on that half itself. */
  protected scaleAndShift(values: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    const { height, width, channels } = this.config;
    const n = values.shape[0];
    const mask = tf.tensor1d(this.maskValues);
    const free = tf.sub(1, mask);
    const image = tf.reshape(tf.mul(values, mask), [n, height, width, channels]) as tf.Tensor4D;
    const h1 = tf.relu(
      tf.add(tf.conv2d(image, this.inKernel.read() as tf.Tensor4D, 1, 'same'), this.inBias.read()),
    ) as tf.Tensor4D;
    const h2 = tf.relu(
      tf.add(tf.conv2d(h1, this.midKernel.read() as tf.Tensor4D, 1, 'same'), this.midBias.read()),
    ) as tf.Tensor4D;
    // Two output convolutions (scale, shift) rather than one split by slicing.
    const rawS = tf.add(tf.conv2d(h2, this.scaleKernel.read() as tf.Tensor4D, 1, 'same'), this.scaleBias.read());
    const rawT = tf.add(tf.conv2d(h2, this.shiftKernel.read() as tf.Tensor4D, 1, 'same'), this.shiftBias.read());
    const s = tf.mul(tf.reshape(tf.mul(tf.tanh(rawS), this.scale.read()), [n, -1]), free) as tf.Tensor2D;
    const t = tf.mul(tf.reshape(rawT, [n, -1]), free) as tf.Tensor2D;
    return [s, t];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}
