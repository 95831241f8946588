/**
 * Cached reference statistics (mean and covariance of the real features)
 * with their provenance, as an .npz: `mu` (d, float64), `sigma` (d × d,
 * float64) and `provenance` (UTF-8 JSON as uint8). As in torch-fidelity,
 * the provenance says exactly what the numbers came from (source,
 * extractor and its weights' hash, layer, resize, row count), so a cache is
 * only reused for the same inputs.
 */
import { inputError } from '../core/errors.ts';
import { readNpz, writeNpz } from '../data/npz.ts';
import { toFeatureMatrix } from '../data/npy.ts';
import type { FeatureMatrix } from '../core/types.ts';
import type { FeatureStats } from './stats/moments.ts';

export const STATS_FORMAT = 'genreport-stats/1';

export interface StatsProvenance {
  format: typeof STATS_FORMAT;
  source: string;
  extractor: string;
  /** sha256 of the extractor's weights. */
  extractorHash: string;
  layer: string;
  resize: string;
  rows: number;
  dim: number;
}

export interface ReferenceStats {
  stats: FeatureStats;
  provenance: StatsProvenance;
  /** The features themselves (and class probabilities), so a run can skip embedding the reference set. */
  features?: FeatureMatrix;
  probabilities?: FeatureMatrix;
}

/** How images reach the extractor's 28 × 28 input, for the provenance. */
export function resizeNote(height: number, width: number): string {
  return height === 28 && width === 28 ? 'none (28×28)' : `bilinear ${height}×${width} → 28×28, align corners`;
}

export function writeReferenceStats(
  file: string,
  { stats, provenance, features, probabilities }: ReferenceStats,
): void {
  const d = stats.mean.length;
  const bytes = new TextEncoder().encode(JSON.stringify(provenance));
  // Features come from float32 models, so float32 stores them exactly at half the size.
  const asFloat32 = (m: FeatureMatrix) => ({
    dtype: 'float32' as const,
    shape: [m.rows, m.cols],
    data: Float32Array.from(m.data),
  });
  writeNpz(
    file,
    {
      mu: { dtype: 'float64', shape: [d], data: stats.mean },
      sigma: { dtype: 'float64', shape: [d, d], data: stats.cov },
      provenance: { dtype: 'uint8', shape: [bytes.length], data: bytes },
      ...(features ? { features: asFloat32(features) } : {}),
      ...(probabilities ? { probabilities: asFloat32(probabilities) } : {}),
    },
    { compress: true },
  );
}

/** True when an .npz holds reference statistics rather than features. */
export function isReferenceStats(arrays: Record<string, unknown>): boolean {
  return 'mu' in arrays && 'sigma' in arrays;
}

export function readReferenceStats(file: string): ReferenceStats {
  const arrays = readNpz(file);
  const { mu, sigma, provenance } = arrays;
  if (!mu || !sigma || !provenance)
    throw inputError(
      file,
      `is not a genreport stats file (needs mu, sigma and provenance; found ${Object.keys(arrays).join(', ')})`,
    );
  const d = mu.shape[0];
  if (mu.shape.length !== 1 || sigma.shape.join() !== `${d},${d}`)
    throw inputError(file, `mu (${mu.shape}) and sigma (${sigma.shape}) do not fit together`);
  let parsed: StatsProvenance;
  try {
    parsed = JSON.parse(new TextDecoder().decode(provenance.data as Uint8Array));
  } catch (e) {
    throw inputError(file, `provenance is not valid JSON (${(e as Error).message})`, 'provenance');
  }
  if (parsed.format !== STATS_FORMAT)
    throw inputError(
      file,
      `unsupported stats format ${JSON.stringify(parsed.format)} (expected ${STATS_FORMAT})`,
      'provenance.format',
    );
  const matrix = (name: 'features' | 'probabilities') => {
    const a = arrays[name];
    return a ? toFeatureMatrix(a, `${file}:${name}.npy`) : undefined;
  };
  return {
    stats: { mean: new Float64Array(mu.data), cov: new Float64Array(sigma.data), n: parsed.rows },
    provenance: parsed,
    features: matrix('features'),
    probabilities: matrix('probabilities'),
  };
}

/** Why a cache does not fit the run that wants to reuse it ('' when it does). */
export function provenanceMismatch(
  cached: StatsProvenance,
  wanted: Omit<StatsProvenance, 'format' | 'rows' | 'dim'>,
): string {
  const fields = ['source', 'extractor', 'extractorHash', 'layer', 'resize'] as const;
  return fields
    .filter((f) => cached[f] !== wanted[f])
    .map((f) => `${f} is ${JSON.stringify(cached[f])}, the run uses ${JSON.stringify(wanted[f])}`)
    .join('; ');
}
