/**
 * A RealNVP/Glow-style flow for 28×28 MNIST in [0, 1], built only from
 * genreport's flow layers so the saved bundle loads and inverts by itself:
 * logit preprocessing; at 28×28×1, steps of (actnorm, convolutional affine
 * coupling with a checkerboard mask, parity alternating); squeeze to 14×14×4,
 * steps of (actnorm, invertible 1×1 conv, channel-split conv coupling); squeeze
 * to 7×7×16, the same steps again. Every value stays in the flow (no
 * factoring-out), so the state is 784 values throughout. Exact
 * log-determinant, exact inverse.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../src/core/rng.ts';
import {
  FlowActNorm,
  FlowConvAffineCoupling,
  FlowFlatten,
  FlowInvertible1x1Conv,
  FlowLayer,
  FlowLogit,
  FlowSqueeze,
} from '../../src/models/layers/index.ts';

export interface FlowSize {
  /** Flow steps at each scale: 28×28×1 (checkerboard), 14×14×4 and 7×7×16 (channel split). */
  steps: [number, number, number];
  /** Hidden feature maps of each coupling's conditioner, per scale. */
  hidden: [number, number, number];
}

/** RealNVP's constant for MNIST-sized data: keeps logit finite at the edges of [0, 1]. */
export const LOGIT_ALPHA = 0.05;

export function buildFlow(size: FlowSize): tf.LayersModel {
  const layers: tf.layers.Layer[] = [
    new FlowFlatten({ inputShape: [28, 28, 1], name: 'flatten', height: 28, width: 28, channels: 1 }),
    new FlowLogit({ alpha: LOGIT_ALPHA, name: 'logit' }),
  ];
  const scales = [
    { height: 28, width: 28, channels: 1 },
    { height: 14, width: 14, channels: 4 },
    { height: 7, width: 7, channels: 16 },
  ];
  scales.forEach((shape, scale) => {
    if (scale > 0) layers.push(new FlowSqueeze({ ...scales[scale - 1], name: `squeeze${scale}` }));
    for (let i = 0; i < size.steps[scale]; i++) {
      const name = `s${scale}_${i}`;
      layers.push(new FlowActNorm({ channels: shape.channels, name: `actnorm_${name}` }));
      if (scale === 0) {
        layers.push(new FlowConvAffineCoupling({ ...shape, hidden: size.hidden[scale], mask: 'checkerboard', parity: (i % 2) as 0 | 1, name: `coupling_${name}` }));
      } else {
        layers.push(new FlowInvertible1x1Conv({ ...shape, name: `invconv_${name}` }));
        layers.push(new FlowConvAffineCoupling({ ...shape, hidden: size.hidden[scale], mask: 'channel', parity: 0, name: `coupling_${name}` }));
      }
    }
  });
  return tf.sequential({ layers, name: 'flow' });
}

/** One line for the card. */
export function describeFlow(size: FlowSize): string {
  const [a, b, c] = size.steps;
  const [ha, hb, hc] = size.hidden;
  const conditioner = (h: number) => `conv3x3(${h})-relu-conv1x1(${h})-relu-conv3x3 to scale and shift (zero-initialised), scale = learned per-channel factor x tanh`;
  return (
    `logit(alpha ${LOGIT_ALPHA}); 28x28x1: ${a} x [actnorm, conv affine coupling with checkerboard mask (parity alternating), conditioner ${conditioner(ha)}]; ` +
    `squeeze to 14x14x4: ${b} x [actnorm, invertible 1x1 conv (LU, starts as channel reversal), conv affine coupling on channel halves, conditioner ${conditioner(hb)}]; ` +
    `squeeze to 7x7x16: ${c} x [the same, hidden ${hc}]. Actnorms data-initialised per channel; no factoring-out (all 784 values flow to the end); exact log-det and inverse`
  );
}

/**
 * Data-dependent actnorm initialisation (Glow): each actnorm starts by mapping
 * its input on a batch to mean 0 and variance 1 per channel.
 */
export function initialiseActNorms(flow: tf.LayersModel, images: tf.Tensor4D): void {
  tf.tidy(() => {
    let state = flow.layers[0].apply(images) as tf.Tensor2D;
    for (const layer of flow.layers.slice(1) as FlowLayer[]) {
      if (layer instanceof FlowActNorm) {
        const values = tf.reshape(tf.slice(state, [0, 0], [-1, state.shape[1] - 1]), [-1, layer.channels]);
        const { mean, variance } = tf.moments(values, 0);
        const logScale = tf.mul(-0.5, tf.log(tf.add(variance, 1e-6)));
        layer.setWeights([logScale, tf.neg(tf.mul(mean, tf.exp(logScale)))]);
      }
      state = layer.forward(state);
    }
  });
}

/**
 * Glorot-uniform hidden kernels from our seeded stream: the layers' own
 * initialisers are unseeded, and a retrain must give the same bundle. Output
 * kernels stay zero (each coupling starts as the identity).
 */
export function seedConditioners(flow: tf.LayersModel, rng: Rng): void {
  for (const layer of flow.layers) {
    if (!(layer instanceof FlowConvAffineCoupling)) continue;
    const [inKernel, inBias, midKernel, ...rest] = layer.getWeights();
    // getWeights() hands out the variables' own tensors: nothing here to dispose.
    layer.setWeights([glorot(inKernel.shape, rng), inBias, glorot(midKernel.shape, rng), ...rest]);
  }
}

function glorot(shape: number[], rng: Rng): tf.Tensor {
  const [kh, kw, cin, cout] = shape;
  const limit = Math.sqrt(6 / (kh * kw * (cin + cout)));
  return tf.tensor(Float32Array.from({ length: kh * kw * cin * cout }, () => (2 * rng.uniform() - 1) * limit), shape);
}
