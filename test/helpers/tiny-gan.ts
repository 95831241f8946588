/**
 * Tiny GAN bundles written into a temp folder: a real tfjs generator saved
 * through the same code the training scripts use, small enough for tests.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MANIFEST_FORMAT } from '../../src/models/manifest.ts';
import { saveLayersModel } from '../../src/models/tfjs-files.ts';

export interface TinyGanOptions {
  name?: string;
  /** Side of the images the generator really makes. */
  side?: number;
  /** Side the manifest declares (default 8, whatever the generator makes). */
  manifestSide?: number;
  /** Poison one weight with NaN, so every sample is NaN. */
  nan?: boolean;
  latentDim?: number;
  /** latent.dim the manifest declares (default: latentDim, the generator's input). */
  manifestLatentDim?: number;
}

export async function writeTinyGan(options: TinyGanOptions = {}): Promise<string> {
  const {
    name = 'tiny-gan',
    side = 8,
    manifestSide = 8,
    nan = false,
    latentDim = 4,
    manifestLatentDim = latentDim,
  } = options;
  const dir = mkdtempSync(join(tmpdir(), 'genreport-tiny-gan-'));
  const g = tf.sequential();
  g.add(
    tf.layers.dense({
      inputShape: [latentDim],
      units: side * side,
      activation: 'tanh',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }),
    }),
  );
  g.add(tf.layers.reshape({ targetShape: [side, side, 1] }));
  if (nan) {
    const [kernel, bias] = g.layers[0]!.getWeights();
    const poisoned = bias!.bufferSync();
    poisoned.set(NaN, 0);
    g.layers[0]!.setWeights([kernel!, poisoned.toTensor()]);
  }
  await saveLayersModel(g, join(dir, 'generator'));
  g.dispose();
  writeFileSync(
    join(dir, 'genmodel.json'),
    JSON.stringify({
      format: MANIFEST_FORMAT,
      name,
      family: 'gan',
      image: { height: manifestSide, width: manifestSide, channels: 1, range: [-1, 1] },
      latent: { dim: manifestLatentDim, distribution: 'normal' },
      components: { generator: 'generator/model.json' },
    }),
  );
  return dir;
}
