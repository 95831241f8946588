/**
 * The reference set's features, cached with their provenance in a stats file
 * (the format `genreport stats` writes). A run whose config names one reuses
 * its features when the provenance matches, writes it when it does not exist
 * yet, and refuses one made for other data or another extractor.
 */
import { existsSync } from 'node:fs';
import { inputError } from '../core/errors.ts';
import { sliceImages, type ImageBatch } from '../core/types.ts';
import { provenanceMismatch, readReferenceStats, STATS_FORMAT, writeReferenceStats, type StatsProvenance } from '../metrics/reference-stats.ts';
import { statsFromFeatures } from '../metrics/stats/moments.ts';
import type { Extraction, FeatureExtractor } from './extractor.ts';
import { extractorProvenance } from './provenance.ts';

export interface CachedExtraction extends Extraction {
  /** 'reused' when the features came from the cache file. */
  origin: 'reused' | 'extracted';
}

export async function referenceExtraction(
  images: ImageBatch,
  source: string,
  extractor: FeatureExtractor,
  batchSize: number,
  cacheFile: string | undefined,
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
    const mismatch = [provenanceMismatch(cached.provenance, wanted), cached.provenance.rows === images.n ? '' : `it holds ${cached.provenance.rows} images, the run uses ${images.n}`]
      .filter(Boolean)
      .join('; ');
    if (mismatch) throw inputError(cacheFile, `was made for other reference data: ${mismatch} (delete it to rebuild)`, 'data.stats');
    if (cached.features) {
      // The file keeps no class names: one image through the extractor gives its declared classes (airplane, …).
      const classes = cached.probabilities ? (await extractor.extract(sliceImages(images, 0, 1), 1)).classes : undefined;
      return { features: cached.features, probabilities: cached.probabilities, ...(classes ? { classes } : {}), origin: 'reused' };
    }
  }
  const extraction = await extractor.extract(images, batchSize);
  if (cacheFile) {
    writeReferenceStats(cacheFile, { stats: statsFromFeatures(extraction.features), provenance: wanted, ...extraction });
  }
  return { ...extraction, origin: 'extracted' };
}
