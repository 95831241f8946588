/**
 * A RealNVP/Glow-style flow for 28×28 MNIST in [0, 1], built only from
 * genreport's flow layers so the saved bundle loads and inverts by itself:
 * logit preprocessing; at 28×28×1, steps of (actnorm, convolutional affine
 * coupling with a checkerboard mask, parity alternating); squeeze to 14×14×4,
 * steps of (actnorm, invertible 1×1 conv, channel-split conv coupling); squeeze
 * to 7×7×16, the same steps again. Exact log-determinant, exact inverse.
 * Optionally multi-scale (RealNVP): after the 14×14×4 steps only `keep`
 * channels go on; the rest are factored out as final latents, and the 7×7
 * steps model the kept half (7×7×4·keep) alone.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src/core/rng.ts';
import {
  FlowActNorm,
  FlowConvAffineCoupling,
  FlowFactorOut,
  FlowFlatten,
  FlowInvertible1x1Conv,
  type FlowLayer,
  FlowLogit,
  FlowSqueeze,
} from '../../../src/models/layers/index.ts';

export interface FlowSize {
  /** Flow steps at each scale: 28×28×1 (checkerboard), 14×14×4 and 7×7×16 (channel split). */
  steps: [number, number, number];
  /** Hidden feature maps of each coupling's conditioner, per scale. */
  hidden: [number, number, number];
  /** Multi-scale: channels of the 14×14×4 image that go on to the 7×7 scale (the rest are factored out); absent, all go on. */
  keep?: number;
}

/** RealNVP's constant for MNIST-sized data: keeps logit finite at the edges of [0, 1]. */
export const LOGIT_ALPHA = 0.05;

export function buildFlow(size: FlowSize): tf.LayersModel {
  const layers: tf.layers.Layer[] = [
    new FlowFlatten({ inputShape: [28, 28, 1], name: 'flatten', height: 28, width: 28, channels: 1 }),
    new FlowLogit({ alpha: LOGIT_ALPHA, name: 'logit' }),
  ];
  const keep = size.keep ?? 4;
  // Each scale: the image its steps work on, the values factored out before it, and the image squeezed into it.
  const scales = [
    { image: { height: 28, width: 28, channels: 1 }, passive: 0 },
    { image: { height: 14, width: 14, channels: 4 }, passive: 0, squeezed: { height: 28, width: 28, channels: 1 } },
    {
      image: { height: 7, width: 7, channels: 4 * keep },
      passive: 14 * 14 * (4 - keep),
      squeezed: { height: 14, width: 14, channels: keep },
    },
  ];
  scales.forEach(({ image, passive, squeezed }, scale) => {
    if (passive > 0) layers.push(new FlowFactorOut({ ...scales[scale - 1]!.image, keep, name: 'factor_out' }));
    if (squeezed) layers.push(new FlowSqueeze({ ...squeezed, passive, name: `squeeze${scale}` }));
    for (let i = 0; i < size.steps[scale]!; i++) {
      const name = `s${scale}_${i}`;
      const hidden = size.hidden[scale]!;
      layers.push(new FlowActNorm({ channels: image.channels, passive, name: `actnorm_${name}` }));
      if (scale === 0) {
        layers.push(
          new FlowConvAffineCoupling({
            ...image,
            hidden,
            mask: 'checkerboard',
            parity: (i % 2) as 0 | 1,
            passive,
            name: `coupling_${name}`,
          }),
        );
      } else {
        layers.push(new FlowInvertible1x1Conv({ ...image, passive, name: `invconv_${name}` }));
        layers.push(
          new FlowConvAffineCoupling({
            ...image,
            hidden,
            mask: 'channel',
            parity: 0,
            passive,
            name: `coupling_${name}`,
          }),
        );
      }
    }
  });
  return tf.sequential({ layers, name: 'flow' });
}

/** One line for the card. */
export function describeFlow(size: FlowSize): string {
  const [a, b, c] = size.steps;
  const [ha, hb, hc] = size.hidden;
  const keep = size.keep ?? 4;
  const conditioner = (h: number) =>
    `conv3x3(${h})-relu-conv1x1(${h})-relu-conv3x3 to scale and shift (zero-initialised), scale = learned per-channel factor x tanh`;
  return (
    `logit(alpha ${LOGIT_ALPHA}); 28x28x1: ${a} x [actnorm, conv affine coupling with checkerboard mask (parity alternating), conditioner ${conditioner(ha)}]; ` +
    `squeeze to 14x14x4: ${b} x [actnorm, invertible 1x1 conv (LU, starts as channel reversal), conv affine coupling on channel halves, conditioner ${conditioner(hb)}]; ` +
    (keep === 4
      ? `squeeze to 7x7x16: ${c} x [the same, hidden ${hc}]. Actnorms data-initialised per channel; no factoring-out (all 784 values flow to the end); exact log-det and inverse`
      : `factor out channels ${keep + 1}-4 of 14x14x4 (${14 * 14 * (4 - keep)} values become final latents; the couplings before them, the last one conditioned on the kept channels, act as their learned prior); ` +
        `squeeze the kept 14x14x${keep} to 7x7x${4 * keep}: ${c} x [the same, hidden ${hc}]. Actnorms data-initialised per channel; exact log-det and inverse`)
  );
}

/**
 * Data-dependent actnorm initialisation (Glow): each actnorm starts by mapping
 * its input on a batch to mean 0 and variance 1 per channel.
 */
export function initialiseActNorms(flow: tf.LayersModel, images: tf.Tensor4D): void {
  tf.tidy(() => {
    let state = flow.layers[0]!.apply(images) as tf.Tensor2D;
    for (const layer of flow.layers.slice(1) as FlowLayer[]) {
      if (layer instanceof FlowActNorm) {
        const values = tf.reshape(tf.slice(state, [0, 0], [-1, layer.activeValues(state)]), [-1, layer.channels]);
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
    const [inKernel, inBias, midKernel, ...rest] = layer.getWeights() as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
      ...tf.Tensor[],
    ];
    // getWeights() hands out the variables' own tensors: nothing here to dispose.
    layer.setWeights([glorot(inKernel.shape, rng), inBias, glorot(midKernel.shape, rng), ...rest]);
  }
}

function glorot(shape: number[], rng: Rng): tf.Tensor {
  // A conv kernel: [kh, kw, in channels, out channels].
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  const limit = Math.sqrt(6 / (kh * kw * (cin + cout)));
  return tf.tensor(
    Float32Array.from({ length: kh * kw * cin * cout }, () => (2 * rng.uniform() - 1) * limit),
    shape,
  );
}
