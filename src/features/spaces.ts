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

/** What class-based metrics show where no extractor's classes fit the data. */
export const NO_CLASSIFIER = 'no classifier for this data';

/**
 * Whether a space's class probabilities fit the real data, so class-based metrics
 * (classes covered, class KL, classifier score, mode collapse, "same label") mean
 * something: the MNIST classifier fits MNIST (mnist:* or a source whose classes are
 * the digits 0–9); a user extractor fits when it declares `classes` and their count is
 * the real data's class count. Returns null when it fits, else why not.
 */
export function classifierMisfit(
  extractor: { info: { id: string } },
  extraction: { probabilities?: unknown; classes?: readonly string[] },
  real: { source: string; classes?: readonly string[] },
): string | null {
  if (!extraction.probabilities) return NO_CLASSIFIER;
  if (extractor.info.id === 'mnist-classifier') {
    const digits = real.classes?.length === 10 && real.classes.every((c, i) => c === String(i));
    return real.source.startsWith('mnist:') || digits ? null : `${NO_CLASSIFIER} (the MNIST digit classifier does not fit ${real.source})`;
  }
  if (!extraction.classes) return `${NO_CLASSIFIER} (the extractor declares no classes)`;
  if (!real.classes) return `${NO_CLASSIFIER} (the real data names no classes)`;
  if (extraction.classes.length !== real.classes.length) {
    return `${NO_CLASSIFIER} (the extractor has ${extraction.classes.length} classes, the real data ${real.classes.length})`;
  }
  return null;
}
