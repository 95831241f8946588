/**
 * Training diagnostics for one loaded bundle: its loss log (when the manifest
 * declares one) plus the evidence in its samples (class coverage, similarity
 * of samples from independent latents).
 */
import { relative } from 'node:path';
import { GenreportError } from '../core/errors.ts';
import type { FeatureMatrix } from '../core/types.ts';
import type { Bundle } from '../models/bundle.ts';
import { diagnoseTraining } from './diagnose.ts';
import type { TrainingDiagnostics } from './report-section.ts';
import type { DiagnosticThresholds } from './thresholds.ts';
import { readBundleTrainingLog, type TrainingLog } from './training-log.ts';

export interface SampleFeatures {
  generated: { features: FeatureMatrix; probabilities?: FeatureMatrix };
  real: { features: FeatureMatrix; classHistogram?: number[] };
}

export interface BundleDiagnostics {
  diagnostics: TrainingDiagnostics;
  log: TrainingLog | null;
}

export function diagnoseBundle(
  bundle: Bundle,
  samples: SampleFeatures,
  thresholds: DiagnosticThresholds,
  warn: (message: string) => void,
): BundleDiagnostics {
  return diagnoseSamples(bundle.manifest, readTrainingLogOf(bundle, warn), samples, thresholds);
}

/** The bundle's training log, or null when it declares none or it is broken (then `warn` says why). */
export function readTrainingLogOf(bundle: Bundle, warn: (message: string) => void): TrainingLog | null {
  try {
    return readBundleTrainingLog({
      manifest: bundle.manifest,
      file: bundle.manifestFile,
      dir: bundle.dir,
      root: bundle.root,
    });
  } catch (e) {
    // A broken log costs the model its loss diagnostics, not its place in the report.
    if (!(e instanceof GenreportError)) throw e;
    warn(e.message);
    return null;
  }
}

/**
 * The diagnostics from a log already read and the samples' features: a run
 * split across machines reads the log on one and measures the samples after merging.
 */
export function diagnoseSamples(
  model: { name: string; family: Bundle['manifest']['family'] },
  log: TrainingLog | null,
  samples: SampleFeatures,
  thresholds: DiagnosticThresholds,
): BundleDiagnostics {
  const { probabilities } = samples.generated;
  const realHistogram = samples.real.classHistogram;
  // Collapse is a GAN failure: for the other families poor class coverage is a
  // fidelity matter that the scorecard already shows, not a training verdict.
  const isGan = model.family === 'gan';
  const diagnostics = diagnoseTraining({
    model: model.name,
    log,
    thresholds,
    samples: isGan
      ? {
          modeCoverage:
            probabilities && realHistogram
              ? { classHistogram: argmaxHistogram(probabilities), realHistogram }
              : undefined,
          latentSimilarity: { generated: samples.generated.features, real: samples.real.features },
        }
      : undefined,
  });
  return { diagnostics: { ...diagnostics, log: diagnostics.log && relative(process.cwd(), diagnostics.log) }, log };
}

/** Count of rows whose largest probability is in each class. */
export function argmaxHistogram(probabilities: FeatureMatrix): number[] {
  const counts = new Array<number>(probabilities.cols).fill(0);
  for (let i = 0; i < probabilities.rows; i++) {
    let best = 0;
    for (let c = 1; c < probabilities.cols; c++) {
      if (probabilities.data[i * probabilities.cols + c]! > probabilities.data[i * probabilities.cols + best]!)
        best = c;
    }
    counts[best]!++;
  }
  return counts;
}

export function labelHistogram(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) if (label < classes) counts[label]!++;
  return counts;
}
