/** Reference cases written by test/reference/make-metric-fixtures.py. */
import { readFileSync } from 'node:fs';
import { featureMatrix, type FeatureMatrix } from '../../src/core/types.ts';

export const CASE_NAMES = ['gauss-n200-d16', 'singular-n50-d64', 'anisotropic-n300-d8'] as const;

interface Prdc {
  precision: number;
  recall: number;
  density: number;
  coverage: number;
}

export interface MetricCase {
  name: string;
  real: FeatureMatrix;
  fake: FeatureMatrix;
  expected: {
    realMean: number[];
    realCovTrace: number;
    realCovFrobenius: number;
    realCovFirstRow: number[];
    /** null where pytorch-fid itself refuses (imaginary component). */
    fidSqrtm: number | null;
    fidEigen: number;
    kidOneSubset: { subsetSize: number; mmd2: number };
    prdcClovaaiK5: Prdc;
    prdcClovaaiK3: Prdc;
    precisionRecallClosedK3: { precision: number; recall: number };
  };
}

interface RawMatrix {
  rows: number;
  cols: number;
  data: number[];
}

export function loadCase(name: string): MetricCase {
  const raw = JSON.parse(readFileSync(new URL(`../fixtures/metrics/${name}.json`, import.meta.url), 'utf8'));
  const matrix = (m: RawMatrix) => featureMatrix(m.rows, m.cols, Float64Array.from(m.data));
  return { name: raw.name, real: matrix(raw.real), fake: matrix(raw.fake), expected: raw.expected };
}

/** Gaussian samples N(mean, diag(scale²)) as a feature matrix. */
export function gaussianFeatures(
  rng: { normal(): number },
  rows: number,
  mean: number[],
  scale: number[] = mean.map(() => 1),
): FeatureMatrix {
  const cols = mean.length;
  const m = featureMatrix(rows, cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = mean[j]! + scale[j]! * rng.normal();
  return m;
}

export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
}
