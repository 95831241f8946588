/**
 * Several feature spaces in one run: each configured extractor gets a short
 * space id; the first space keeps the plain metric ids (so reports with one
 * space, history, `check` and goldens read as before) and every later space's
 * metrics are `<metric id>@<space id>`.
 */
import { basename, dirname } from 'node:path';
import type { FeatureExtractor } from './extractor.ts';

export interface FeatureSpace {
  id: string;
  extractor: FeatureExtractor;
}

/** Metrics that need a domain classifier's class probabilities; computed once, in the space whose classifier fits the data (classifierSpace). */
export const CLASS_METRICS: readonly string[] = [
  'classifier-confidence',
  'classifier-score',
  'classes-covered',
  'class-kl',
  'mode-collapse',
];

/** A short id for the space an extractor spec names: the preset, `mnist-classifier`, or the file's base name (a model.json's folder). */
export function spaceIdFor(spec: string, taken: ReadonlySet<string>): string {
  const preset = /^([a-z0-9][a-z0-9-]*)=/.exec(spec);
  // A tfjs model is a folder's model.json: the folder names it.
  const file = /(^|[\\/])model\.json$/i.test(spec) ? basename(dirname(spec)) : basename(spec);
  const base = preset ? preset[1]! : spec === 'mnist-classifier' ? spec : file.replace(/\.(onnx|json)$/i, '');
  const id =
    base
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'space';
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
  return (
    name
      .replace(/\s*\(.*\)\s*$/, '')
      .replace(/^(ONNX|TensorFlow\.js|tfjs)\s+/i, '')
      .replace(/\.(onnx|json)$/i, '')
      .trim() || name
  );
}

/** What class-based metrics show where no extractor's classes fit the data. */
export const NO_CLASSIFIER = 'no classifier for this data';

/**
 * Whether a space's class probabilities fit the real data, so class-based metrics
 * (classes covered, class KL, classifier score, mode collapse, "same label") mean
 * something: the MNIST classifier fits MNIST (mnist:* or a source whose classes are
 * the digits 0–9); a user's extractor fits when it declares its class names (any
 * number of them: the user names the classifier for this data). Returns null when
 * it fits, else why not.
 */
export function classifierMisfit(
  extractor: { info: { id: string } },
  extraction: { probabilities?: unknown; classes?: readonly string[] },
  real: { source: string; classes?: readonly string[] },
): string | null {
  if (!extraction.probabilities) return NO_CLASSIFIER;
  if (extractor.info.id === 'mnist-classifier') {
    return real.source.startsWith('mnist:') || isDigits(real.classes)
      ? null
      : `${NO_CLASSIFIER} (the MNIST digit classifier does not fit ${real.source})`;
  }
  if (!extraction.classes) return `${NO_CLASSIFIER} (the extractor declares no classes)`;
  return null;
}

const isDigits = (classes: readonly string[] | undefined) =>
  classes?.length === 10 && classes.every((c, i) => c === String(i));

/**
 * Whether the labels that come with the real data may stand for a fitting
 * classifier's classes: only when they are the same classes, by name and in
 * order (the MNIST classifier's are the digits). Otherwise the classifier's own
 * top class of each real image stands for its label.
 */
export function labelsFitClasses(
  extractor: { info: { id: string } },
  extraction: { classes?: readonly string[] },
  real: { source: string; classes?: readonly string[] },
): boolean {
  if (extractor.info.id === 'mnist-classifier') return real.source.startsWith('mnist:') || isDigits(real.classes);
  const mine = extraction.classes;
  return (
    !!mine && !!real.classes && mine.length === real.classes.length && mine.every((c, i) => c === real.classes![i])
  );
}

/**
 * The space whose classifier gives the class-based metrics: the first whose
 * classes fit the data (a later space may hold it, e.g. [inception-fid,
 * my-classifier.onnx]); else none, with the reason of the first space that has
 * class probabilities at all.
 */
export function classifierSpace(
  spaces: readonly {
    extractor: { info: { id: string } };
    extraction: { probabilities?: unknown; classes?: readonly string[] };
  }[],
  real: { source: string; classes?: readonly string[] },
): { index: number; labels: boolean } | { misfit: string } {
  const reasons = spaces.map((s) => classifierMisfit(s.extractor, s.extraction, real));
  const index = reasons.indexOf(null);
  if (index >= 0) return { index, labels: labelsFitClasses(spaces[index]!.extractor, spaces[index]!.extraction, real) };
  return { misfit: reasons.find((r, i) => spaces[i]!.extraction.probabilities && r) ?? NO_CLASSIFIER };
}
