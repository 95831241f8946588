/**
 * A small VAE for 28×28 MNIST in [0, 1]. The convolutional encoder gives
 * [mean | log-variance] of q(z|x); the convolutional decoder gives, per pixel,
 * the mean and log-scale of a discretized logistic on the 256 levels:
 * dense → 7×7×C, two stride-2 transposed convolutions to 28×28, then a 3×3
 * convolution to the 2 parameters. Transposed convolutions are affordable on
 * wasm since src/core/kernels registers fast Conv2DBackpropInput/Filter.
 */
import * as tf from '@tensorflow/tfjs';

export const LATENT_DIM = 32;

/** Widths: encoder conv filters (14×14, 7×7) and decoder channels (7×7, 14×14, 28×28). */
export interface VaeSize {
  encoder: [number, number];
  encoderHidden: number;
  decoder: [number, number, number];
}

export const DEFAULT_VAE_SIZE: VaeSize = { encoder: [32, 64], encoderHidden: 512, decoder: [64, 64, 32] };

export function buildEncoder(seed: number, size: VaeSize = DEFAULT_VAE_SIZE): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const e = tf.sequential({ name: 'encoder' });
  e.add(
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: size.encoder[0],
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(),
    }),
  );
  e.add(
    tf.layers.conv2d({
      filters: size.encoder[1],
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(),
    }),
  );
  e.add(tf.layers.flatten());
  e.add(tf.layers.dense({ units: size.encoderHidden, activation: 'relu', kernelInitializer: init() }));
  // Small initial weights: q(z|x) starts near the prior, so early KL terms stay tame.
  e.add(
    tf.layers.dense({
      units: 2 * LATENT_DIM,
      kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.01, seed: s++ }),
    }),
  );
  return e;
}

export function buildDecoder(seed: number, size: VaeSize = DEFAULT_VAE_SIZE): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const [c7, c14, c28] = size.decoder;
  const d = tf.sequential({ name: 'decoder' });
  d.add(
    tf.layers.dense({ inputShape: [LATENT_DIM], units: 7 * 7 * c7, activation: 'relu', kernelInitializer: init() }),
  );
  d.add(tf.layers.reshape({ targetShape: [7, 7, c7] }));
  // 4×4 kernels with stride 2: every output pixel gets the same number of taps (no checkerboard).
  d.add(
    tf.layers.conv2dTranspose({
      filters: c14,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(),
    }),
  );
  d.add(
    tf.layers.conv2dTranspose({
      filters: c28,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(),
    }),
  );
  // Two outputs per pixel: mean and log-scale of the discretized logistic.
  d.add(
    tf.layers.conv2d({
      filters: 2,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }),
      biasInitializer: tf.initializers.constant({ value: -2 }),
    }),
  );
  return d;
}

/** One line for the card. */
export function describeArchitecture(size: VaeSize = DEFAULT_VAE_SIZE): string {
  const [c7, c14, c28] = size.decoder;
  return (
    `encoder: conv3x3/2(${size.encoder[0]})-relu, conv3x3/2(${size.encoder[1]})-relu, dense(${size.encoderHidden})-relu, dense(${2 * LATENT_DIM}) = [mean | log-variance]; ` +
    `decoder: dense(7x7x${c7})-relu, reshape 7x7x${c7}, conv2dTranspose4x4/2(${c14})-relu -> 14x14, conv2dTranspose4x4/2(${c28})-relu -> 28x28, ` +
    `conv3x3(2) = discretized-logistic (mean, log-scale) per pixel`
  );
}
