/**
 * A small VAE for 28×28 MNIST in [0, 1]. The convolutional encoder gives
 * [mean | log-variance] of q(z|x); the decoder gives, per pixel, the mean and
 * log-scale of a discretized logistic on the 256 levels. The decoder is a
 * dense network: transposed convolutions train several times slower on the
 * wasm backend, which would not fit the sample's training budget.
 */
import * as tf from '@tensorflow/tfjs';

export const LATENT_DIM = 32;

export function buildEncoder(seed: number): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const e = tf.sequential({ name: 'encoder' });
  e.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }));
  e.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }));
  e.add(tf.layers.flatten());
  e.add(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init() }));
  // Small initial weights: q(z|x) starts near the prior, so early KL terms stay tame.
  e.add(tf.layers.dense({ units: 2 * LATENT_DIM, kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.01, seed: s++ }) }));
  return e;
}

export function buildDecoder(seed: number): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const d = tf.sequential({ name: 'decoder' });
  d.add(tf.layers.dense({ inputShape: [LATENT_DIM], units: 512, activation: 'relu', kernelInitializer: init() }));
  d.add(tf.layers.dense({ units: 512, activation: 'relu', kernelInitializer: init() }));
  // Two outputs per pixel: mean and log-scale of the discretized logistic.
  d.add(tf.layers.dense({ units: 28 * 28 * 2, kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }), biasInitializer: tf.initializers.constant({ value: -2 }) }));
  d.add(tf.layers.reshape({ targetShape: [28, 28, 2] }));
  return d;
}
