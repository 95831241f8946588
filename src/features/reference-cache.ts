/**
 * The reference set's features, cached with their provenance in a stats file
 * (the format `genreport stats` writes). A run whose config names one reuses
 * its features when the provenance matches, writes it when it does not exist
 * yet, and refuses one made for other data or another extractor.
 */
import { existsSync } from 'node:fs';
import { inputError } from '../core/errors.ts';
import { pickImages, sliceImages, type FeatureMatrix, type ImageBatch } from '../core/types.ts';
import {
  provenanceMismatch,
  readReferenceStats,
  STATS_FORMAT,
  writeReferenceStats,
  type StatsProvenance,
} from '../metrics/reference-stats.ts';
import { statsFromFeatures } from '../metrics/stats/moments.ts';
import type { Extraction, FeatureExtractor } from './extractor.ts';
import { extractorProvenance } from './provenance.ts';

export interface CachedExtraction extends Extraction {
  /** 'reused' when the features came from the cache file. */
  origin: 'reused' | 'extracted';
}

/**
 * With `share` (a shard of a split run, pipeline/shard.ts), the features of
 * those images only: the cached rows when the file is there, else extracted.
 */
export async function referenceExtraction(
  images: ImageBatch,
  source: string,
  extractor: FeatureExtractor,
  batchSize: number,
  cacheFile: string | undefined,
  share?: Int32Array,
): Promise<CachedExtraction> {
  const wanted: StatsProvenance = {
    format: STATS_FORMAT,
    source,
    ...extractorProvenance(extractor, images),
    rows: images.n,
    dim: extractor.info.dim,
  };
  if (cacheFile && existsSync(cacheFile)) {
    const cached = readReferenceStats(cacheFile);
    const mismatch = [
      provenanceMismatch(cached.provenance, wanted),
      cached.provenance.rows === images.n ? '' : `it holds ${cached.provenance.rows} images, the run uses ${images.n}`,
    ]
      .filter(Boolean)
      .join('; ');
    if (mismatch)
      throw inputError(
        cacheFile,
        `was made for other reference data: ${mismatch} (delete it to rebuild)`,
        'data.stats',
      );
    if (cached.features) {
      // The file keeps no class names: one image through the extractor gives its declared classes (airplane, …).
      const classes = cached.probabilities
        ? (await extractor.extract(sliceImages(images, 0, 1), 1)).classes
        : undefined;
      const rows = (m: FeatureMatrix) => (share ? pickRows(m, share) : m);
      return {
        features: rows(cached.features),
        probabilities: cached.probabilities && rows(cached.probabilities),
        ...(classes ? { classes } : {}),
        origin: 'reused',
      };
    }
  }
  // A shard extracts its share only, and leaves the file to a whole run (`genreport stats`): it holds every image.
  if (share) return { ...(await extractor.extract(pickImages(images, share), batchSize)), origin: 'extracted' };
  const extraction = await extractor.extract(images, batchSize);
  if (cacheFile) {
    writeReferenceStats(cacheFile, {
      stats: statsFromFeatures(extraction.features),
      provenance: wanted,
      ...extraction,
    });
  }
  return { ...extraction, origin: 'extracted' };
}

function pickRows(m: FeatureMatrix, rows: Int32Array): FeatureMatrix {
  const data = new Float64Array(rows.length * m.cols);
  rows.forEach((r, k) => data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), k * m.cols));
  return { rows: rows.length, cols: m.cols, data };
}
