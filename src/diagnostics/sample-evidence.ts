/**
 * Mode collapse as seen in the samples themselves, not the losses:
 * - class coverage: which classes a domain classifier finds among the
 *   samples, and KL(generated ‖ real) between the class histograms;
 * - latent similarity: how alike samples from distant latents are. Features
 *   are centred on the real images' mean, so what all digits share does not
 *   count, and the mean pairwise cosine similarity of the samples is compared
 *   with that of real images. A collapsed generator maps distant latents to
 *   the same image and its similarity approaches 1.
 * Always returns the measurements (as info when nothing is wrong), so a
 * healthy verdict carries its evidence too.
 */
import type { FeatureMatrix } from '../core/types.ts';
import type { Finding, Severity } from './finding.ts';
import type { DiagnosticThresholds } from './thresholds.ts';

export interface ModeCoverageInput {
  /** Samples per class, as labelled by the domain classifier. */
  classHistogram: number[];
  /** Real images per class. */
  realHistogram: number[];
}

export interface LatentSimilarityInput {
  /** Features of samples generated from latents far apart from each other, one row each. */
  generated: FeatureMatrix;
  /** Features of real images, same extractor. */
  real: FeatureMatrix;
}

export interface SampleEvidenceInput {
  modeCoverage?: ModeCoverageInput;
  latentSimilarity?: LatentSimilarityInput;
}

type SampleThresholds = DiagnosticThresholds['samples'];

export function sampleEvidence(input: SampleEvidenceInput, thresholds: DiagnosticThresholds): Finding[] {
  const findings: Finding[] = [];
  if (input.modeCoverage) findings.push(classCoverageFinding(input.modeCoverage, thresholds.samples));
  if (input.latentSimilarity) findings.push(latentSimilarityFinding(input.latentSimilarity, thresholds.samples));
  return findings;
}

function classCoverageFinding({ classHistogram, realHistogram }: ModeCoverageInput, t: SampleThresholds): Finding {
  if (classHistogram.length !== realHistogram.length) {
    throw new Error(`class coverage: ${classHistogram.length} generated classes but ${realHistogram.length} real ones`);
  }
  const generated = shares(classHistogram);
  const real = shares(realHistogram);
  const realClasses = real.filter((p) => p > 0).length;
  const covered = real.filter((p, c) => p > 0 && generated[c]! >= t.minClassShareRatio * p).length;
  const kl = klDivergence(generated, real);
  const missing = realClasses - covered;
  // Losing half the classes is collapse whatever the KL says; any missing class is worth a look.
  const severity: Severity =
    kl >= t.klCritical || covered <= realClasses / 2
      ? 'critical'
      : kl >= t.klWarning || missing > 0
        ? 'warning'
        : 'info';
  return {
    id: 'class-coverage',
    severity,
    steps: null,
    evidence: `samples cover ${covered} of ${realClasses} classes; KL(generated ‖ real) of the class histograms is ${kl.toFixed(3)} nats`,
    values: { classesCovered: covered, classes: realClasses, klDivergence: kl },
  };
}

function latentSimilarityFinding({ generated, real }: LatentSimilarityInput, t: SampleThresholds): Finding {
  if (generated.cols !== real.cols)
    throw new Error(`latent similarity: generated features have ${generated.cols} columns, real ${real.cols}`);
  const centre = columnMeans(real);
  const generatedSimilarity = meanPairwiseCosine(generated, centre);
  const realSimilarity = meanPairwiseCosine(real, centre);
  const excess = generatedSimilarity - realSimilarity;
  const severity: Severity =
    excess >= t.similarityExcessCritical ? 'critical' : excess >= t.similarityExcessWarning ? 'warning' : 'info';
  return {
    id: 'latent-similarity',
    severity,
    steps: null,
    evidence:
      `samples from ${generated.rows} distant latents have mean pairwise cosine similarity ${generatedSimilarity.toFixed(3)} ` +
      `(real images: ${realSimilarity.toFixed(3)})`,
    values: { generatedSimilarity, realSimilarity, excess, samples: generated.rows },
  };
}

function shares(histogram: number[]): number[] {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new Error('class coverage: a class histogram has no counts');
  return histogram.map((c) => c / total);
}

/** KL(p ‖ q) in nats; infinite when p puts mass where q has none. */
function klDivergence(p: number[], q: number[]): number {
  let kl = 0;
  p.forEach((pc, c) => {
    if (pc > 0) kl += pc * Math.log(pc / q[c]!);
  });
  return kl;
}

function columnMeans(m: FeatureMatrix): Float64Array {
  const means = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) means[j]! += m.data[i * m.cols + j]!;
  return means.map((s) => s / m.rows);
}

/**
 * Mean cosine similarity over all pairs i ≠ j of the rows minus `centre`,
 * in O(n·d): with unit rows uᵢ, Σ_{i≠j} uᵢ·uⱼ = ‖Σ uᵢ‖² − n. Rows equal to
 * the centre have no direction and are left out.
 */
export function meanPairwiseCosine(m: FeatureMatrix, centre: Float64Array): number {
  const sum = new Float64Array(m.cols);
  const row = new Float64Array(m.cols);
  let n = 0;
  for (let i = 0; i < m.rows; i++) {
    let norm = 0;
    for (let j = 0; j < m.cols; j++) {
      row[j] = m.data[i * m.cols + j]! - centre[j]!;
      norm += row[j]! * row[j]!;
    }
    if (norm === 0) continue;
    norm = Math.sqrt(norm);
    for (let j = 0; j < m.cols; j++) sum[j]! += row[j]! / norm;
    n++;
  }
  if (n < 2) return NaN;
  const squared = sum.reduce((acc, s) => acc + s * s, 0);
  return (squared - n) / (n * (n - 1));
}
