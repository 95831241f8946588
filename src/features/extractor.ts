/** A feature extractor turns images into the feature space the metrics work in. */
import type { FeatureMatrix, ImageBatch } from '../core/types.ts';

export interface Extraction {
  features: FeatureMatrix;
  /** Class probabilities (n × classes), when the extractor is a classifier. */
  probabilities?: FeatureMatrix;
  /** Names of the probabilities' columns, where the extractor declares them. */
  classes?: string[];
}

/** What an extractor is, for the report and for cache keys: ReportData's ExtractorInfo is this with its space. */
export interface ExtractorDescription {
  id: string;
  name: string;
  layer: string;
  dim: number;
  /** sha256 of the extractor's weights, so two reports can tell they used the same one. */
  hash: string;
  /** e.g. test accuracy of the domain classifier. */
  note?: string;
  /** Provenance of a file extractor (absent for reports made before feature spaces). */
  kind?: 'builtin' | 'onnx' | 'tfjs';
  /** The preset the file was checked against. */
  preset?: string;
  /** Path of the extractor file as given. */
  file?: string;
  /** Output (ONNX) or layer/node (tfjs) that gives the feature vector. */
  output?: string;
  /** How images reach the extractor's input size (a named resize mode). */
  resize?: string;
  /** Grey/RGB handling, e.g. 'grey → RGB by channel replication'. */
  colour?: string;
  /** Value range and normalisation at the input. */
  input?: string;
  /** Where it ran, e.g. 'onnxruntime-node 1.30.0, cpu, 16 threads'. */
  runtime?: string;
}

export interface FeatureExtractor {
  readonly info: ExtractorDescription;
  extract(images: ImageBatch, batchSize: number): Promise<Extraction>;
  /** How images of this shape reach the extractor (resize mode and sizes, colour handling), for provenance and cache keys. */
  preprocessing?(shape: { height: number; width: number; channels: number }): { resize: string; colour: string };
  dispose(): void;
}
