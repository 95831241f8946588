/**
 * A small DCGAN for 28×28 MNIST: transposed convolutions up from 7×7 in the
 * generator, strided convolutions down in the discriminator. Sized so that a
 * training run fits in minutes on two CPU cores.
 */
import * as tf from '@tensorflow/tfjs';

export const LATENT_DIM = 64;

export function buildGenerator(seed: number, width = 64): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: s++ });
  const g = tf.sequential({ name: 'generator' });
  g.add(tf.layers.dense({ inputShape: [LATENT_DIM], units: 7 * 7 * width, useBias: false, kernelInitializer: init() }));
  g.add(tf.layers.batchNormalization({ momentum: 0.9 }));
  g.add(tf.layers.reLU());
  g.add(tf.layers.reshape({ targetShape: [7, 7, width] }));
  g.add(
    tf.layers.conv2dTranspose({
      filters: width / 2,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: init(),
    }),
  );
  g.add(tf.layers.batchNormalization({ momentum: 0.9 }));
  g.add(tf.layers.reLU());
  g.add(
    tf.layers.conv2dTranspose({
      filters: 1,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      activation: 'tanh',
      kernelInitializer: init(),
    }),
  );
  return g;
}

export function buildDiscriminator(seed: number, width = 64): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: s++ });
  const d = tf.sequential({ name: 'discriminator' });
  d.add(
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: width / 2,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      kernelInitializer: init(),
    }),
  );
  d.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  d.add(tf.layers.conv2d({ filters: width, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: init() }));
  d.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  d.add(tf.layers.flatten());
  d.add(tf.layers.dense({ units: 1, kernelInitializer: init() }));
  return d;
}
