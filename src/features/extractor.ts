/** A feature extractor turns images into the feature space the metrics work in. */
import type { FeatureMatrix, ImageBatch } from '../core/types.ts';
import type { ExtractorInfo } from '../assemble/report-data.ts';

export interface Extraction {
  features: FeatureMatrix;
  /** Class probabilities (n × classes), when the extractor is a classifier. */
  probabilities?: FeatureMatrix;
  /** Names of the probabilities' columns, where the extractor declares them. */
  classes?: string[];
}

export interface FeatureExtractor {
  readonly info: ExtractorInfo;
  extract(images: ImageBatch, batchSize: number): Promise<Extraction>;
  /** How images of this shape reach the extractor (resize mode and sizes, colour handling), for provenance and cache keys. */
  preprocessing?(shape: { height: number; width: number; channels: number }): { resize: string; colour: string };
  dispose(): void;
}
