/**
 * What a feature cache is keyed on: the extractor (id and file hash), its
 * output and input convention, and how these images reach it (resize mode
 * and sizes, colour handling). Two caches with the same key hold features
 * of the same images through the same preprocessing and network.
 */
import type { ImageBatch } from '../core/types.ts';
import { resizeNote, type StatsProvenance } from '../metrics/reference-stats.ts';
import type { FeatureExtractor } from './extractor.ts';

export function extractorProvenance(
  extractor: FeatureExtractor,
  images: Pick<ImageBatch, 'height' | 'width' | 'channels'>,
): Pick<StatsProvenance, 'extractor' | 'extractorHash' | 'layer' | 'resize'> {
  const { info } = extractor;
  const p = extractor.preprocessing?.(images);
  return {
    extractor: info.id,
    extractorHash: info.hash,
    layer: info.input ? `${info.layer}; ${info.input}` : info.layer,
    // The MNIST classifier predates preprocessing(): its fixed note stays, so its caches still read.
    resize: p ? `${p.resize}; ${p.colour}` : resizeNote(images.height, images.width),
  };
}
