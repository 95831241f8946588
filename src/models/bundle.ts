/**
 * A model bundle on disk: manifest, its TensorFlow.js components, and a hash
 * of every file that defines the model (so a report says exactly what it measured).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../core/errors.ts';
import { readManifest, type ComponentName, type Manifest } from './manifest.ts';
import { loadLatentPrior, type LatentPrior } from './latent-prior.ts';
import { isOnnxFile, loadOnnxComponent, tfjsComponent, type Component } from './runtimes/onnx-component.ts';
import { loadTfjsModel, type TfjsModel } from './tfjs-files.ts';

export interface Bundle {
  manifest: Manifest;
  /** Path as the user gave it, for messages. */
  path: string;
  dir: string;
  manifestFile: string;
  /** The TensorFlow.js components (what gradient-based code such as GAN inversion needs). */
  components: Partial<Record<ComponentName, TfjsModel>>;
  /** Every component, tfjs or ONNX, as "tensor in, tensor out" (runtimes/onnx-component.ts). */
  runnable: Partial<Record<ComponentName, Component>>;
  /** The latent prior, for families with a latent. */
  prior: LatentPrior | null;
  hash: string;
  parameters: number;
}

export async function loadBundle(path: string): Promise<Bundle> {
  const { manifest, file, dir } = readManifest(path);
  const components: Partial<Record<ComponentName, TfjsModel>> = {};
  const runnable: Partial<Record<ComponentName, Component>> = {};
  const files = [file];
  for (const [name, rel] of Object.entries(manifest.components) as [ComponentName, string | null | undefined][]) {
    if (!rel) continue;
    const modelJson = resolve(dir, rel);
    if (!modelJson.startsWith(dir)) {
      throw inputError(file, `must point inside the bundle folder, not ${rel}`, `components.${name}`);
    }
    if (isOnnxFile(modelJson)) {
      const io = manifest.io?.[name];
      runnable[name] = await loadOnnxComponent(modelJson, { manifestFile: file, component: name, layout: manifest.layout ?? 'nchw', inputs: io?.inputs, outputs: io?.outputs });
      files.push(modelJson);
      continue;
    }
    components[name] = await loadTfjsModel(modelJson);
    runnable[name] = tfjsComponent(components[name]!, modelJson);
    files.push(modelJson, ...weightFiles(modelJson));
  }
  if (manifest.latent?.mixture && !resolve(dir, manifest.latent.mixture).startsWith(dir)) {
    throw inputError(file, `must point inside the bundle folder, not ${manifest.latent.mixture}`, 'latent.mixture');
  }
  const latent = loadLatentPrior(manifest, dir);
  if (latent?.file) files.push(latent.file);
  return {
    manifest,
    path,
    dir,
    manifestFile: file,
    components,
    runnable,
    prior: latent?.prior ?? null,
    hash: hashFiles(files),
    parameters: Object.values(components).reduce((sum, m) => sum + countParameters(m!), 0),
  };
}

export function disposeBundle(bundle: Bundle): void {
  for (const m of Object.values(bundle.components)) m?.dispose();
  for (const c of Object.values(bundle.runnable)) if (c?.runtime === 'onnx') c.dispose();
}

function weightFiles(modelJson: string): string[] {
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as tf.io.ModelJSON;
  return json.weightsManifest.flatMap((g) => g.paths.map((p) => join(dirname(modelJson), p)));
}

/** sha256 over the files' bytes in a fixed order; the first 16 hex digits are shown. */
export function hashFiles(files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(f));
  return h.digest('hex');
}

function countParameters(model: TfjsModel): number {
  if (model instanceof tf.LayersModel) return model.countParams();
  return Object.values(model.weights).reduce((sum, ts) => sum + ts.reduce((s, t) => s + t.size, 0), 0);
}
