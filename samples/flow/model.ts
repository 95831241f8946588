/**
 * A RealNVP-style flow for 28×28 MNIST in [0, 1], built only from genreport's
 * flow layers so the saved bundle loads and inverts by itself: logit
 * preprocessing, then pairs of (actnorm, checkerboard affine coupling) with
 * alternating parity. Exact log-determinant, exact inverse.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../src/core/rng.ts';
import { FlowActNorm, FlowAffineCoupling, FlowFlatten, FlowLayer, FlowLogit } from '../../src/models/layers/index.ts';

export interface FlowSize {
  /** Affine couplings, parities alternating. */
  couplings: number;
  /** Hidden units of each coupling's conditioner. */
  hidden: number;
}

/** RealNVP's constant for MNIST-sized data: keeps logit finite at the edges of [0, 1]. */
export const LOGIT_ALPHA = 0.05;

const shape = { height: 28, width: 28, channels: 1 };

export function buildFlow(size: FlowSize): tf.LayersModel {
  const layers: tf.layers.Layer[] = [new FlowFlatten({ inputShape: [28, 28, 1], name: 'flatten', ...shape }), new FlowLogit({ alpha: LOGIT_ALPHA, name: 'logit' })];
  for (let i = 0; i < size.couplings; i++) {
    layers.push(new FlowActNorm({ channels: 1, name: `actnorm${i}` }));
    layers.push(new FlowAffineCoupling({ ...shape, hidden: size.hidden, parity: (i % 2) as 0 | 1, name: `coupling${i}` }));
  }
  return tf.sequential({ layers, name: 'flow' });
}

/**
 * Data-dependent actnorm initialisation (Glow): each actnorm starts by mapping
 * its input on a batch to mean 0 and variance 1.
 */
export function initialiseActNorms(flow: tf.LayersModel, images: tf.Tensor4D): void {
  tf.tidy(() => {
    let state = flow.layers[0].apply(images) as tf.Tensor2D;
    for (const layer of flow.layers.slice(1) as FlowLayer[]) {
      if (layer instanceof FlowActNorm) {
        const values = tf.slice(state, [0, 0], [-1, state.shape[1] - 1]);
        const { mean, variance } = tf.moments(values);
        const logScale = tf.mul(-0.5, tf.log(tf.add(variance, 1e-6)));
        layer.setWeights([tf.reshape(logScale, [1]), tf.reshape(tf.neg(tf.mul(mean, tf.exp(logScale))), [1])]);
      }
      state = layer.forward(state);
    }
  });
}

/**
 * Glorot-uniform hidden kernels from our seeded stream: the coupling layer's
 * own initialiser is unseeded, and a retrain must give the same bundle.
 */
export function seedConditioners(flow: tf.LayersModel, rng: Rng): void {
  for (const layer of flow.layers) {
    if (!(layer instanceof FlowAffineCoupling)) continue;
    const [hiddenKernel, ...rest] = layer.getWeights();
    const [fanIn, fanOut] = hiddenKernel.shape;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const values = Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.uniform() - 1) * limit);
    // getWeights() hands out the variables' own tensors: nothing here to dispose.
    layer.setWeights([tf.tensor2d(values, [fanIn, fanOut]), ...rest]);
  }
}
