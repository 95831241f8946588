/**
 * Invertible 1×1 convolution (Glow), in its LU form: every pixel's channel
 * vector is multiplied by W = P · L · (U + diag(exp(logS))), P a fixed
 * permutation (config), L unit lower- and U strictly upper-triangular (learned).
 * It mixes channels between couplings, where a fixed permutation only reorders
 * them. log|det| = H·W·Σ logS exactly and cheaply; the inverse multiplies by
 * W⁻¹, computed from the weights in float64 (C×C, tiny). Fresh weights give
 * W = P: the layer starts as the permutation.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageShapeConfig } from './flow-flatten.ts';
import { FlowLayer, joinState, splitState, type FlowLayerArgs } from './flow-layer.ts';

export interface Invertible1x1ConvConfig extends ImageShapeConfig {
  /** (P v)_i = v_permutation[i]; default the reversal. */
  permutation?: number[];
}

export class FlowInvertible1x1Conv extends FlowLayer {
  static className = 'GenreportFlowInvertible1x1Conv';
  readonly shape: ImageShapeConfig;
  readonly permutation: number[];
  private lower!: tf.LayerVariable;
  private upper!: tf.LayerVariable;
  private logS!: tf.LayerVariable;

  constructor(config: Invertible1x1ConvConfig & FlowLayerArgs) {
    super(config);
    const { height, width, channels } = config;
    this.shape = { height, width, channels };
    this.permutation = config.permutation
      ? [...config.permutation]
      : Array.from({ length: channels }, (_, i) => channels - 1 - i);
    const sorted = [...this.permutation].sort((a, b) => a - b);
    if (sorted.length !== channels || sorted.some((v, i) => v !== i))
      throw new Error(`FlowInvertible1x1Conv: not a permutation of ${channels} channels`);
  }

  override build(): void {
    const c = this.shape.channels;
    this.lower = this.addWeight('lower', [c, c], 'float32', tf.initializers.zeros());
    this.upper = this.addWeight('upper', [c, c], 'float32', tf.initializers.zeros());
    this.logS = this.addWeight('log_s', [c], 'float32', tf.initializers.zeros());
  }

  protected forwardActive(state: tf.Tensor2D): tf.Tensor2D {
    const [x, logDet] = splitState(state);
    const c = this.shape.channels;
    const z = tf.matMul(tf.reshape(x, [-1, c]), this.matrix(), false, true);
    const pixels = this.shape.height * this.shape.width;
    return joinState(tf.reshape(z, x.shape), tf.add(logDet, tf.mul(tf.sum(this.logS.read()), pixels)));
  }

  protected inverseActive(state: tf.Tensor2D): tf.Tensor2D {
    const [z, logDet] = splitState(state);
    const c = this.shape.channels;
    const inverse = tf.tensor2d(invert(Float64Array.from(this.matrix().dataSync()), c), [c, c]);
    const x = tf.matMul(tf.reshape(z, [-1, c]), inverse, false, true);
    const pixels = this.shape.height * this.shape.width;
    return joinState(tf.reshape(x, z.shape), tf.sub(logDet, tf.mul(tf.sum(this.logS.read()), pixels)));
  }

  /** W = P · L · (U + diag(exp(logS))). */
  private matrix(): tf.Tensor2D {
    const c = this.shape.channels;
    const strictLower = tf.tensor2d(
      Float32Array.from({ length: c * c }, (_, k) => (Math.floor(k / c) > k % c ? 1 : 0)),
      [c, c],
    );
    const strictUpper = tf.transpose(strictLower);
    const l = tf.add(tf.mul(this.lower.read(), strictLower), tf.eye(c));
    const u = tf.add(tf.mul(this.upper.read(), strictUpper), tf.mul(tf.eye(c), tf.exp(this.logS.read())));
    const p = tf.tensor2d(
      Float32Array.from({ length: c * c }, (_, k) => (this.permutation[Math.floor(k / c)] === k % c ? 1 : 0)),
      [c, c],
    );
    return tf.matMul(p, tf.matMul(l, u as tf.Tensor2D));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.shape, permutation: this.permutation };
  }
}

/** Inverse of an n×n row-major matrix, Gauss–Jordan with partial pivoting. */
function invert(matrix: Float64Array, n: number): Float32Array {
  const a = Float64Array.from(matrix);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    for (let k = 0; k < n; k++) {
      [a[col * n + k], a[pivot * n + k]] = [a[pivot * n + k]!, a[col * n + k]!];
      [inv[col * n + k], inv[pivot * n + k]] = [inv[pivot * n + k]!, inv[col * n + k]!];
    }
    const d = a[col * n + col]!;
    for (let k = 0; k < n; k++) {
      a[col * n + k]! /= d;
      inv[col * n + k]! /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r * n + col]!;
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        a[r * n + k]! -= f * a[col * n + k]!;
        inv[r * n + k]! -= f * inv[col * n + k]!;
      }
    }
  }
  return Float32Array.from(inv);
}
