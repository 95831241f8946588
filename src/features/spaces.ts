/**
 * Several feature spaces in one run: each configured extractor gets a short
 * space id; the first space keeps the plain metric ids (so reports with one
 * space, history, `check` and goldens read as before) and every later space's
 * metrics are `<metric id>@<space id>`.
 */
import { basename } from 'node:path';
import type { FeatureExtractor } from './extractor.ts';

export interface FeatureSpace {
  id: string;
  extractor: FeatureExtractor;
}

/** Metrics that need a domain classifier's class probabilities; computed in the first space only. */
export const CLASS_METRICS: readonly string[] = ['classifier-confidence', 'classifier-score', 'classes-covered', 'class-kl', 'mode-collapse'];

/** A short id for the space an extractor spec names: the preset, `mnist-classifier`, or the file's base name. */
export function spaceIdFor(spec: string, taken: ReadonlySet<string>): string {
  const preset = /^([a-z0-9][a-z0-9-]*)=/.exec(spec);
  const base = preset ? preset[1] : spec === 'mnist-classifier' ? spec : basename(spec).replace(/\.(onnx|json)$/i, '');
  const id = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'space';
  let unique = id;
  for (let i = 2; taken.has(unique); i++) unique = `${id}-${i}`;
  return unique;
}

/** The metric id a metric has in a space: plain in the first (`spaceIndex` 0), `<id>@<space>` after. */
export function spaceMetricId(id: string, space: string, spaceIndex: number): string {
  return spaceIndex === 0 ? id : `${id}@${space}`;
}

/** The stats cache file of a later space: `real.npz` → `real.<space>.npz` (the first space uses data.stats as given). */
export function spaceStatsFile(file: string | undefined, space: string, spaceIndex: number): string | undefined {
  if (!file || spaceIndex === 0) return file;
  const dot = file.lastIndexOf('.');
  return dot > file.lastIndexOf('/') ? `${file.slice(0, dot)}.${space}${file.slice(dot)}` : `${file}.${space}`;
}

/** The short name a space's metric labels carry ("FID · Inception-v3"): the extractor's name without its parenthesis, file kind or extension. */
export function spaceLabel(name: string): string {
  return name.replace(/\s*\(.*\)\s*$/, '').replace(/^(ONNX|TensorFlow\.js|tfjs)\s+/i, '').replace(/\.(onnx|json)$/i, '').trim() || name;
}
