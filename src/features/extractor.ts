/** A feature extractor turns images into the feature space the metrics work in. */
import type { FeatureMatrix, ImageBatch } from '../core/types.ts';
import type { ExtractorInfo } from '../assemble/report-data.ts';

export interface Extraction {
  features: FeatureMatrix;
  /** Class probabilities (n × classes), when the extractor is a classifier. */
  probabilities?: FeatureMatrix;
}

export interface FeatureExtractor {
  readonly info: ExtractorInfo;
  extract(images: ImageBatch, batchSize: number): Promise<Extraction>;
  dispose(): void;
}
