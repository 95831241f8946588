/**
 * Tiny flow bundles (4×4×1, range [0, 1]) built from genreport's flow layers:
 * actnorm → affine coupling (→ coupling of the other parity) (→ logit first).
 * With zero coupling kernels the whole flow is an elementwise affine map
 * z = a ⊙ y + c, whose density has a closed form (affineFlowLogDensity).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { GaussianMixtureJson } from '../../src/models/latent-prior.ts';
import { FlowActNorm, FlowAffineCoupling, FlowFlatten, FlowLogit } from '../../src/models/layers/index.ts';
import { saveLayersModel } from '../../src/models/tfjs-files.ts';
import { tinyBundleDir, writeManifest } from './tiny-bundle.ts';

export const FLOW_SIDE = 4;
const D = FLOW_SIDE * FLOW_SIDE;
const HIDDEN = 8;

export interface TinyFlowOptions {
  /** Random conditioner weights (seeded) instead of the closed-form affine flow. */
  nonlinear?: boolean;
  /** Put a logit layer first (RealNVP preprocessing). */
  logit?: boolean;
  /** Poison the actnorm bias, so every output is NaN. */
  nan?: boolean;
  /** Append a plain dense layer, which genreport cannot invert. */
  foreignLayer?: boolean;
  /** A mixture base distribution (written to prior.json) instead of N(0, I). */
  mixture?: GaussianMixtureJson;
}

export const ACT_LOG_SCALE = 0.3;
export const ACT_BIAS = -0.2;
/** Coupling output bias: raw scales for the first D entries, shifts for the rest. */
export function couplingBias(): Float32Array {
  return Float32Array.from({ length: 2 * D }, (_, i) => (i < D ? 0.5 * Math.sin(i + 1) : 0.3 * Math.cos(i)));
}

/** The closed form for the affine flow: log N(a y + c; 0, I) + Σ log a, per image. */
export function affineFlowLogDensity(y: Float32Array): Float64Array {
  const n = y.length / D;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < D; j++) out[i]! += affinePixelLogDensity(j, y[i * D + j]!);
  }
  return out;
}

/** Value j's factor of the affine flow's density (the density factorises over values). */
export function affinePixelLogDensity(j: number, y: number): number {
  const { z, logScale } = affinePixel(j, y);
  return -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) + logScale;
}

/** The affine flow at value j: z = a·y + c and log a. */
export function affinePixel(j: number, y: number): { z: number; logScale: number } {
  const bias = couplingBias();
  const h = Math.floor(j / FLOW_SIDE);
  const w = j % FLOW_SIDE;
  const free = (h + w) % 2 === 0 ? 0 : 1; // parity-0 coupling: odd squares are transformed
  const s = free * Math.tanh(bias[j]!);
  const t = free * bias[D + j]!;
  return { z: Math.exp(s) * (y * Math.exp(ACT_LOG_SCALE) + ACT_BIAS) + t, logScale: ACT_LOG_SCALE + s };
}

export async function writeTinyFlow(options: TinyFlowOptions = {}): Promise<string> {
  const dir = tinyBundleDir('tiny-flow');
  const shape = { height: FLOW_SIDE, width: FLOW_SIDE, channels: 1 };
  const layers: tf.layers.Layer[] = [new FlowFlatten({ inputShape: [FLOW_SIDE, FLOW_SIDE, 1], ...shape })];
  if (options.logit) layers.push(new FlowLogit({ alpha: 0.05 }));
  const actNorm = new FlowActNorm({ channels: 1 });
  const first = new FlowAffineCoupling({ ...shape, hidden: HIDDEN, parity: 0 });
  layers.push(actNorm, first);
  const second = options.nonlinear ? new FlowAffineCoupling({ ...shape, hidden: HIDDEN, parity: 1 }) : null;
  if (second) layers.push(second);
  if (options.foreignLayer) layers.push(tf.layers.dense({ units: D + 1 }));
  const model = tf.sequential({ layers });

  actNorm.setWeights([tf.tensor1d([ACT_LOG_SCALE]), tf.tensor1d([options.nan ? NaN : ACT_BIAS])]);
  for (const [index, coupling] of [first, second].entries()) {
    if (!coupling) continue;
    const random = (shape: number[], seed: number): tf.Tensor => tf.randomNormal(shape, 0, 0.2, 'float32', seed);
    coupling.setWeights(
      options.nonlinear
        ? [
            random([D, HIDDEN], 11 + index),
            random([HIDDEN], 12 + index),
            random([HIDDEN, 2 * D], 13 + index),
            random([2 * D], 14 + index),
          ]
        : [tf.zeros([D, HIDDEN]), tf.zeros([HIDDEN]), tf.zeros([HIDDEN, 2 * D]), tf.tensor1d(couplingBias())],
    );
  }
  await saveLayersModel(model, join(dir, 'flow'));
  model.dispose();
  if (options.mixture) writeFileSync(join(dir, 'prior.json'), JSON.stringify(options.mixture));
  writeManifest(dir, {
    name: 'tiny-flow',
    family: 'flow',
    image: { ...shape, range: [0, 1] },
    ...(options.mixture ? { latent: { dim: D, distribution: 'gaussian-mixture', mixture: 'prior.json' } } : {}),
    likelihood: { kind: 'bound', dataSpace: 'uint8-4x4x1', dequantization: 'uniform' },
    components: { flow: 'flow/model.json' },
  });
  return dir;
}
