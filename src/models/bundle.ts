/**
 * A model bundle on disk: manifest, its TensorFlow.js components, and a hash
 * of every file that defines the model (so a report says exactly what it measured).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { containedPath, type ContainOptions } from '../core/contained-path.ts';
import { GenreportError, type Problem } from '../core/errors.ts';
import { readManifest, type ComponentName, type Manifest } from './manifest.ts';
import { loadLatentPrior, type LatentPrior } from './latent-prior.ts';
import { Codebook } from './codebook.ts';
import { isOnnxFile, loadOnnxComponent, tfjsComponent, type Component } from './runtimes/onnx-component.ts';
import { loadTfjsModel, weightShardFiles, type TfjsModel } from './tfjs-files.ts';

export interface Bundle {
  manifest: Manifest;
  /** Path as the user gave it, for messages. */
  path: string;
  dir: string;
  /** The bundle's real folder: everything it names resolves inside it (src/core/contained-path.ts). */
  root: string;
  manifestFile: string;
  /** The TensorFlow.js components (what gradient-based code such as GAN inversion needs). */
  components: Partial<Record<ComponentName, TfjsModel>>;
  /** Every component, tfjs or ONNX, as "tensor in, tensor out" (runtimes/onnx-component.ts). */
  runnable: Partial<Record<ComponentName, Component>>;
  /** The latent prior, for families with a latent. */
  prior: LatentPrior | null;
  /** A hybrid's codebook (components.codebook, a JSON file, not a network). */
  codebook?: Codebook;
  hash: string;
  /** Weights over every component, tfjs or ONNX. */
  parameters: number;
  /** What runs the components, one entry per distinct runtime ("onnxruntime-node 1.30.0, cpu execution provider, 2 threads"). */
  runtimes: string[];
}

export async function loadBundle(path: string): Promise<Bundle> {
  const { manifest, file, dir, root } = readManifest(path);
  // Plan first: every path the manifest names is checked, and all problems reported, before anything is read.
  const paths = bundlePaths(manifest, file, root);
  const components: Partial<Record<ComponentName, TfjsModel>> = {};
  const runnable: Partial<Record<ComponentName, Component>> = {};
  const files = [file];
  let codebook: Codebook | undefined;
  for (const [name, modelFile] of paths.components) {
    if (name === 'codebook') {
      codebook = Codebook.read(modelFile, manifest.codes!.size, file);
      files.push(modelFile);
      continue;
    }
    if (isOnnxFile(modelFile)) {
      const io = manifest.io?.[name];
      runnable[name] = await loadOnnxComponent(modelFile, {
        manifestFile: file,
        component: name,
        layout: manifest.layout ?? 'nchw',
        inputs: io?.inputs,
        outputs: io?.outputs,
      });
      files.push(modelFile);
      continue;
    }
    const model = await loadTfjsModel(modelFile, root);
    components[name] = model;
    runnable[name] = tfjsComponent(model, modelFile);
    files.push(modelFile, ...weightShardFiles(modelFile, root));
  }
  const latent = loadLatentPrior(manifest, paths.mixture);
  if (latent?.file) files.push(latent.file);
  return {
    manifest,
    path,
    dir,
    root,
    manifestFile: file,
    components,
    runnable,
    prior: latent?.prior ?? null,
    ...(codebook ? { codebook } : {}),
    hash: hashFiles(files),
    parameters: Object.values(runnable).reduce((sum, c) => sum + c!.parameters, 0),
    runtimes: [...new Set(Object.values(runnable).map((c) => c!.runs))],
  };
}

interface BundlePaths {
  components: [ComponentName, string][];
  mixture?: string;
}

/**
 * The real paths of the files the manifest names, each inside the bundle's
 * real folder, or every problem at once (file and field named). The training
 * log and card are only checked here: a missing log costs its diagnostics
 * (src/diagnostics/training-log.ts), not the model.
 */
function bundlePaths(manifest: Manifest, file: string, root: string): BundlePaths {
  const problems: Problem[] = [];
  const check = (rel: string, field: string, options: ContainOptions = {}): string | undefined => {
    const found = containedPath(root, rel, options);
    if ('problem' in found) problems.push({ file, field, message: found.problem });
    return 'path' in found ? found.path : undefined;
  };
  const components: [ComponentName, string][] = [];
  for (const [name, rel] of Object.entries(manifest.components) as [ComponentName, string | null | undefined][]) {
    if (!rel) continue;
    const found = check(rel, `components.${name}`, {
      notFound: `${rel} is not in the bundle (${name === 'codebook' ? 'codebook' : 'model'} file not found)`,
    });
    if (found) components.push([name, found]);
  }
  const mixture = manifest.latent?.mixture
    ? check(manifest.latent.mixture, 'latent.mixture', {
        notFound: `${manifest.latent.mixture} is not in the bundle (latent prior file not found)`,
      })
    : undefined;
  for (const key of ['log', 'card'] as const) {
    const rel = manifest.training?.[key];
    if (rel) check(rel, `training.${key}`, { need: 'maybe-file' });
  }
  if (problems.length > 0) throw new GenreportError(problems);
  return { components, mixture };
}

export function disposeBundle(bundle: Bundle): void {
  for (const m of Object.values(bundle.components)) m?.dispose();
  for (const c of Object.values(bundle.runnable)) if (c?.runtime === 'onnx') c.dispose();
}

/** sha256 over the files' bytes in a fixed order; the first 16 hex digits are shown. */
export function hashFiles(files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(f));
  return h.digest('hex');
}
