/**
 * A tiny hybrid bundle (2×2×1 images, range [0, 1], a 1×2 code grid, K = 3
 * one-value codes) whose every part is fixed, so its likelihood has a closed form:
 *   encoder:  the mean of each column (average pooling over the two rows);
 *   codebook: [[0.1], [0.5], [0.9]], nearest vector per column;
 *   decoder:  both pixels of a column take a discretized logistic at the
 *             column's code vector, log-scale LOG_SCALE (upsampling, then a 1×1
 *             convolution: mean = z_q, log-scale = bias);
 *   prior:    logits(position 0) = b, logits(position 1) = a · z_0 + b (the code
 *             index as a float), a causal 1×2 convolution on a zero-padded grid.
 * `leak` adds a tap on the position's own code: a prior whose mask leaks.
 * `split` writes the same prior as priorAbove + priorRow (helpers/row-cached.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveLayersModel } from '../../src/models/tfjs-files.ts';
import { writeRowCached } from './row-cached.ts';
import { tinyBundleDir, writeManifest } from './tiny-bundle.ts';

export const CODEBOOK = [[0.1], [0.5], [0.9]];
export const LOG_SCALE = Math.log(0.12);
export const PRIOR = { a: [0.7, -0.4, 0.9], b: [0.3, -0.2, 0.5] };

export async function writeTinyHybrid(
  options: { leak?: number; split?: boolean; manifest?: Record<string, unknown>; codebook?: unknown } = {},
): Promise<string> {
  const dir = tinyBundleDir('tiny-hybrid');
  const encoder = tf.sequential({
    layers: [tf.layers.averagePooling2d({ inputShape: [2, 2, 1], poolSize: [2, 1], strides: [2, 1] })],
  });

  const decoder = tf.sequential({
    layers: [
      tf.layers.upSampling2d({ inputShape: [1, 2, 1], size: [2, 1] }),
      tf.layers.conv2d({ filters: 2, kernelSize: 1 }),
    ],
  });
  decoder.layers[1]!.setWeights([tf.tensor4d([1, 0], [1, 1, 1, 2]), tf.tensor1d([0, LOG_SCALE])]);

  const prior = tf.sequential({
    layers: [
      tf.layers.zeroPadding2d({
        inputShape: [1, 2, 1],
        padding: [
          [0, 0],
          [1, 0],
        ],
      }),
      tf.layers.conv2d({ filters: 3, kernelSize: [1, 2] }),
    ],
  });
  // Kernel [1, 2, 1, 3]: tap 0 reads the code to the left, tap 1 the position's own code.
  prior.layers[1]!.setWeights([
    tf.tensor4d([...PRIOR.a, ...PRIOR.a.map(() => options.leak ?? 0)], [1, 2, 1, 3]),
    tf.tensor1d(PRIOR.b),
  ]);

  await saveLayersModel(encoder, join(dir, 'encoder'));
  await saveLayersModel(decoder, join(dir, 'decoder'));
  const priorComponents = options.split ? await writeSplitPrior(dir) : { prior: 'prior/model.json' };
  if (!options.split) await saveLayersModel(prior, join(dir, 'prior'));
  for (const m of [encoder, decoder, prior]) m.dispose();
  writeFileSync(join(dir, 'codebook.json'), JSON.stringify(options.codebook ?? { vectors: CODEBOOK }));
  writeManifest(dir, {
    name: 'tiny-hybrid',
    family: 'hybrid',
    image: { height: 2, width: 2, channels: 1, range: [0, 1] },
    codes: { height: 1, width: 2, size: 3 },
    likelihood: { kind: 'bound', dataSpace: 'uint8-2x2x1', form: 'discretized-logistic' },
    components: {
      encoder: 'encoder/model.json',
      codebook: 'codebook.json',
      decoder: 'decoder/model.json',
      ...priorComponents,
    },
    ...options.manifest,
  });
  return dir;
}

/** The same prior as priorAbove + priorRow (helpers/row-cached.ts); fromAbove's weights only ever multiply zeros (one code row). */
async function writeSplitPrior(dir: string): Promise<Record<string, string>> {
  await writeRowCached(
    dir,
    { above: 'prior-above', row: 'prior-row' },
    { width: 2 },
    { left: PRIOR.a, fromAbove: [2, -1, 0.5], bias: PRIOR.b },
  );
  return { priorAbove: 'prior-above/model.json', priorRow: 'prior-row/model.json' };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** log P(level k) under the discretized logistic at `mean` with the fixed scale, from the logistic CDF directly. */
function pixelLogProbability(k: number, mean: number): number {
  const s = Math.exp(Math.fround(LOG_SCALE));
  const upper = k === 255 ? 1 : sigmoid((k / 255 + 0.5 / 255 - mean) / s);
  const lower = k === 0 ? 0 : sigmoid((k / 255 - 0.5 / 255 - mean) / s);
  return Math.log(upper - lower);
}

function logSoftmax(logits: number[], k: number): number {
  const max = Math.max(...logits);
  return logits[k]! - max - Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
}

/** log p(z) + log p(x | z) for the image's four levels (raster order) and codes (z0, z1). */
export function jointLogProbability(levels: ArrayLike<number>, z0: number, z1: number): number {
  const prior =
    logSoftmax(PRIOR.b, z0) +
    logSoftmax(
      PRIOR.a.map((a, k) => a * z0 + PRIOR.b[k]!),
      z1,
    );
  const c0 = Math.fround(CODEBOOK[z0]![0]!);
  const c1 = Math.fround(CODEBOOK[z1]![0]!);
  return (
    prior +
    pixelLogProbability(levels[0]!, c0) +
    pixelLogProbability(levels[2]!, c0) +
    pixelLogProbability(levels[1]!, c1) +
    pixelLogProbability(levels[3]!, c1)
  );
}

/** The encoder's codes: the nearest codebook value to each column's mean. */
export function tinyCodes(levels: ArrayLike<number>): [number, number] {
  const nearest = (v: number) =>
    CODEBOOK.map((c, k) => [Math.abs(c[0]! - v), k]).sort((p, q) => p[0]! - q[0]! || p[1]! - q[1]!)[0]![1]!;
  return [nearest((levels[0]! + levels[2]!) / 2 / 255), nearest((levels[1]! + levels[3]!) / 2 / 255)];
}

/** The exact log p(x) = log Σ over all 9 code grids of p(z) p(x | z). */
export function exactLogLikelihood(levels: ArrayLike<number>): number {
  const terms = [0, 1, 2].flatMap((z0) => [0, 1, 2].map((z1) => jointLogProbability(levels, z0, z1)));
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
}
