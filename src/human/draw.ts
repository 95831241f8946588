/**
 * Draws a rating session's images from a run config and writes the session
 * folder: images/<opaque id>.png and session.json. Models are sampled exactly
 * as a run samples them (same seed, same 'samples' stream), so the images a
 * rater sees are the first samples of the run's report; real images are a
 * seeded choice from the run's real data. An existing session is continued,
 * never redrawn: its images and answers stay what they were.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { GenreportError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import type { Logger } from '../core/logger.ts';
import { pickImages, type ImageBatch } from '../core/types.ts';
import { resolveImageSource } from '../data/source.ts';
import { modelPath, type ModelSpec } from '../core/model-spec.ts';
import { disposeBundle } from '../models/bundle.ts';
import { loadModel } from '../models/load-model.ts';
import { samplesRng } from '../models/seeded-samples.ts';
import {
  imageFile,
  planSession,
  readSession,
  REAL_SOURCE,
  withRaters,
  writeSession,
  type SessionPlan,
} from './session.ts';

export interface DrawOptions {
  /** Images per model, and real images. */
  items: number;
  /** Pair screens per two models. */
  pairs: number;
  raters: number;
}

/** What a session is drawn from: the run config's models, seed, batch size and real data, and nothing else of it. */
export interface DrawConfig {
  models: readonly ModelSpec[];
  seed: number;
  batchSize: number;
  data: { real: string; count?: number };
}

export interface DrawnSource {
  name: string;
  images: ImageBatch;
}

/** Each model's first `items` samples (the run's seed and stream), then `items` real images chosen with the seed. */
export async function drawSources(config: DrawConfig, items: number, logger: Logger): Promise<DrawnSource[]> {
  const sources: DrawnSource[] = [];
  for (const spec of config.models) {
    const path = modelPath(spec);
    const { bundle, model } = await loadModel(spec);
    try {
      const name = bundle.manifest.name;
      if (name === REAL_SOURCE)
        throw new GenreportError({
          file: bundle.manifestFile,
          field: 'name',
          message: `"${REAL_SOURCE}" names the real images in a rating session; give the model another name`,
        });
      if (sources.some((s) => s.name === name))
        throw new GenreportError({
          file: bundle.manifestFile,
          field: 'name',
          message: `two models are named "${name}"; names must be unique in one session`,
        });
      logger.info(`sampling ${items} images from ${name} (${relative(process.cwd(), path) || path})`);
      sources.push({ name, images: await model.sample(items, samplesRng(config.seed), config.batchSize) });
    } finally {
      disposeBundle(bundle);
    }
  }
  const real = await resolveImageSource(config.data.real, { limit: config.data.count });
  if (real.images.n < items)
    throw new GenreportError({
      field: 'data.real',
      message: `${config.data.real} has ${real.images.n} images, fewer than the ${items} a session asks for (--items)`,
    });
  const chosen = new Rng(config.seed).fork('human-real').choose(real.images.n, items);
  sources.push({ name: REAL_SOURCE, images: pickImages(real.images, chosen) });
  return sources;
}

/** One image of a batch as PNG bytes, at its own size (the page scales it up pixel by pixel). */
export async function imagePng(batch: ImageBatch, index: number): Promise<Buffer> {
  const { height, width, channels } = batch;
  const per = height * width * channels;
  const bytes = Buffer.alloc(per);
  for (let i = 0; i < per; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, batch.data[index * per + i]!)) * 255);
  const image = sharp(bytes, { raw: { width, height, channels: channels as 1 | 3 } });
  // Greyscale must be said outright, or sharp writes three channels.
  return (channels === 1 ? image.toColourspace('b-w') : image.toColourspace('srgb')).png().toBuffer();
}

/** Plan a new session over drawn images and write its folder (images first, session.json last). */
export async function writeNewSession(
  dir: string,
  sources: DrawnSource[],
  input: { config: string; seed: number; createdAt: string } & Omit<DrawOptions, 'items'>,
): Promise<SessionPlan> {
  const plan = planSession({ ...input, sources: sources.map((s) => ({ name: s.name, count: s.images.n })) });
  mkdirSync(join(dir, 'images'), { recursive: true });
  const batches = new Map(sources.map((s) => [s.name, s.images]));
  for (const image of plan.images)
    writeFileSync(imageFile(dir, image.id), await imagePng(batches.get(image.source)!, image.index));
  // session.json is written last: a folder without it is an interrupted start and is drawn again.
  writeSession(dir, plan);
  return plan;
}

/** The session in `dir`: continued when it exists (raters added up to `raters`), drawn from the config otherwise. */
export async function openSession(
  dir: string,
  configFile: string,
  config: DrawConfig,
  options: DrawOptions,
  logger: Logger,
): Promise<{ plan: SessionPlan; resumed: boolean }> {
  const existing = readSession(dir);
  if (existing) {
    const plan = withRaters(existing, options.raters);
    if (plan.raters.length !== existing.raters.length) writeSession(dir, plan);
    return { plan, resumed: true };
  }
  const sources = await drawSources(config, options.items, logger);
  const plan = await writeNewSession(dir, sources, {
    config: configFile,
    seed: config.seed,
    createdAt: new Date().toISOString(),
    pairs: options.pairs,
    raters: options.raters,
  });
  return { plan, resumed: false };
}
