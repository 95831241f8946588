/**
 * Per-model results kept in the output folder (`<out>/.genreport-cache/`),
 * so a run that crashed or was killed resumes: each model's evaluation is
 * written atomically the moment it finishes, and a rerun with the same key
 * reuses it instead of measuring again. The key covers everything a model's
 * numbers depend on — genreport's version, the config fields that shape a
 * measurement, the seed, the bundle's file hash and folder, the extractor's
 * weights, the real (and training) images, the working folder that report
 * paths are relative to — so a hit is the result a fresh run would compute.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunConfig } from '../config/config.ts';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { parseExact, stringifyExact } from '../core/exact-json.ts';
import type { CachedModel, ModelCache, ModelCacheKey, ModelEvaluation } from './evaluate-model.ts';

export type { CachedModel, ModelCache };

export const CACHE_DIR = '.genreport-cache';
/** Bump when ModelEvaluation changes shape: old entries then simply miss. */
const CACHE_FORMAT = 'genreport-model-cache/2';

/** What every model of a run shares; a model's key adds its bundle. */
export interface RunKeyParts {
  version: string;
  /** sha256 of genreport's own source: a changed formula must not reuse old numbers (see sourceHash). */
  code: string;
  config: RunConfig;
  /** The TensorFlow.js backend that ran the models (numerics may differ between backends). */
  backend: string;
  /** sha256 of the extractor's weights. */
  extractorHash: string;
  /** sha256 of the real images (and labels) every model is measured against. */
  realDataHash: string;
  /** sha256 of the training images, when a memorisation metric embeds them. */
  trainDataHash?: string;
  /** Report paths (bundle, training log) are relative to it. */
  cwd: string;
}

/**
 * The config fields that change a model's numbers: all but the title, the
 * output options and the model list (each model is keyed by its own bundle).
 */
export function runKey(parts: RunKeyParts): string {
  const { title: _title, output: _output, models: _models, ...measured } = parts.config;
  return sha256(canonical({ format: CACHE_FORMAT, ...parts, config: measured }));
}

export function modelKey(run: string, bundle: ModelCacheKey): string {
  // `samples` only where a model has its own count, so other keys stay as they were.
  return sha256(
    canonical({
      run,
      bundleDir: bundle.dir,
      bundleHash: bundle.hash,
      ...(bundle.samples === undefined ? {} : { samples: bundle.samples }),
    }),
  );
}

/**
 * sha256 over every file of genreport's source folder (sorted paths and
 * contents). The version alone would let a checkout between releases reuse
 * numbers an older formula made.
 */
export function sourceHash(dir = fileURLToPath(new URL('..', import.meta.url))): string {
  const h = createHash('sha256');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of files) h.update(relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  return h.digest('hex');
}

/** sha256 over typed arrays' bytes, in order (the real images, their labels). */
export function hashArrays(arrays: (ArrayBufferView | undefined)[]): string {
  const h = createHash('sha256');
  for (const a of arrays) {
    h.update(a ? 'some' : 'none');
    if (a) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex');
}

/** `read`: false ignores what is cached (--fresh); results are still written, so a later crash resumes. */
export function openModelCache(out: string, key: string, options: { read: boolean }): ModelCache {
  const dir = join(out, CACHE_DIR);
  removeStaged(dir);
  const used = new Set<string>();
  const fileFor = (bundle: ModelCacheKey) => join(dir, `${modelKey(key, bundle)}.json`);
  return {
    read(bundle) {
      const file = fileFor(bundle);
      if (!options.read || !existsSync(file)) return null;
      used.add(file);
      try {
        const stored = parseExact<{ format: string; evaluation: ModelEvaluation }>(readFileSync(file, 'utf8'));
        return stored.format === CACHE_FORMAT
          ? { evaluation: stored.evaluation, file: relative(process.cwd(), file) || file }
          : null;
      } catch {
        // A damaged entry is measured again, never trusted.
        return null;
      }
    },
    write(bundle, evaluation) {
      const file = fileFor(bundle);
      used.add(file);
      try {
        writeFileAtomic(file, stringifyExact({ format: CACHE_FORMAT, evaluation }));
        return { file: relative(process.cwd(), file) || file };
      } catch (e) {
        return { problem: `could not keep this model's results for a rerun: ${(e as Error).message}` };
      }
    },
    prune() {
      if (!existsSync(dir)) return;
      for (const name of readdirSync(dir)) if (!used.has(join(dir, name))) rmSync(join(dir, name), { force: true });
    },
  };
}

/** Half-written entries of a run that was killed while writing one. */
function removeStaged(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (name.includes('.partial-')) rmSync(join(dir, name), { force: true });
}

/** sha256 of a value's canonical JSON (object keys sorted): equal values, equal hashes (partials compare configs by it). */
export function valueHash(value: unknown): string {
  return sha256(canonical(value));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so equal values always hash alike. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
