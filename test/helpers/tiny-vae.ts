/**
 * A tiny VAE bundle (4×4×1, range [0, 1], 1-d latent) whose likelihood is
 * known by quadrature: decoder mean 0.5 + 0.2·w_j·z per pixel, fixed logistic
 * scale, discretized-logistic pixels; encoder q(z|x) = N(qMean, exp(qLogVar))
 * for every image (zero kernel), so a test can set it to the posterior or away.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { GaussianMixtureJson } from '../../src/models/latent-prior.ts';
import { saveLayersModel } from '../../src/models/tfjs-files.ts';
import { tinyBundleDir, writeManifest } from './tiny-bundle.ts';

export const VAE_SIDE = 4;
const D = VAE_SIDE * VAE_SIDE;
export const VAE_SCALE = 0.15;

export function decoderWeight(j: number): number {
  return Math.cos(1.7 * j);
}

export interface TinyVaeOptions {
  qMean: number;
  qLogVar: number;
  /** Decoder emits this many parameters per pixel instead of 2 (a wrong shape). */
  parametersPerPixel?: number;
  /** A mixture prior (written to prior.json) instead of N(0, 1). */
  mixture?: GaussianMixtureJson;
}

export async function writeTinyVae(options: TinyVaeOptions): Promise<string> {
  const dir = tinyBundleDir('tiny-vae');
  const p = options.parametersPerPixel ?? 2;
  const encoder = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [VAE_SIDE, VAE_SIDE, 1] }), tf.layers.dense({ units: 2 })],
  });
  encoder.layers[1]!.setWeights([tf.zeros([D, 2]), tf.tensor1d([options.qMean, options.qLogVar])]);
  const decoder = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [1], units: D * p }),
      tf.layers.reshape({ targetShape: [VAE_SIDE, VAE_SIDE, p] }),
    ],
  });
  const kernel = new Float32Array(D * p);
  const bias = new Float32Array(D * p);
  for (let j = 0; j < D; j++) {
    kernel[j * p] = 0.2 * decoderWeight(j);
    bias[j * p] = 0.5;
    bias[j * p + 1] = Math.log(VAE_SCALE);
  }
  decoder.layers[0]!.setWeights([tf.tensor2d(kernel, [1, D * p]), tf.tensor1d(bias)]);
  await saveLayersModel(encoder, join(dir, 'encoder'));
  await saveLayersModel(decoder, join(dir, 'decoder'));
  encoder.dispose();
  decoder.dispose();
  if (options.mixture) writeFileSync(join(dir, 'prior.json'), JSON.stringify(options.mixture));
  writeManifest(dir, {
    name: 'tiny-vae',
    family: 'vae',
    image: { height: VAE_SIDE, width: VAE_SIDE, channels: 1, range: [0, 1] },
    latent: options.mixture
      ? { dim: 1, distribution: 'gaussian-mixture', mixture: 'prior.json' }
      : { dim: 1, distribution: 'normal' },
    likelihood: { kind: 'bound', dataSpace: 'uint8-4x4x1', form: 'discretized-logistic' },
    components: { encoder: 'encoder/model.json', decoder: 'decoder/model.json' },
  });
  return dir;
}

/** log P(levels | z) by the textbook formula, σ((c + δ − μ)/s) − σ((c − δ − μ)/s), end bins open. */
export function tinyVaeLogLikelihoodGivenZ(levels: ArrayLike<number>, z: number): number {
  const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
  let sum = 0;
  for (let j = 0; j < D; j++) {
    const mu = 0.5 + 0.2 * decoderWeight(j) * z;
    const c = levels[j]! / 255;
    const upper = levels[j] === 255 ? 1 : sigmoid((c + 0.5 / 255 - mu) / VAE_SCALE);
    const lower = levels[j] === 0 ? 0 : sigmoid((c - 0.5 / 255 - mu) / VAE_SCALE);
    sum += Math.log(upper - lower);
  }
  return sum;
}

const standardNormal = (z: number): number => -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);

/** Quadrature over z ∈ [−12, 12]: log p(x), and the posterior's mean and variance; the prior is N(0, 1) unless given. */
export function tinyVaeTruth(
  levels: ArrayLike<number>,
  logPrior: (z: number) => number = standardNormal,
): { logLikelihood: number; posteriorMean: number; posteriorVariance: number } {
  const points = 24001;
  const step = 24 / (points - 1);
  const logJoint = new Float64Array(points);
  let max = -Infinity;
  for (let q = 0; q < points; q++) {
    const z = -12 + q * step;
    logJoint[q] = tinyVaeLogLikelihoodGivenZ(levels, z) + logPrior(z);
    max = Math.max(max, logJoint[q]!);
  }
  let mass = 0;
  let first = 0;
  let second = 0;
  for (let q = 0; q < points; q++) {
    const z = -12 + q * step;
    const w = Math.exp(logJoint[q]! - max);
    mass += w;
    first += w * z;
    second += w * z * z;
  }
  const posteriorMean = first / mass;
  return {
    logLikelihood: max + Math.log(mass * step),
    posteriorMean,
    posteriorVariance: second / mass - posteriorMean ** 2,
  };
}
