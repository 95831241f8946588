/** What an extractor file expects and gives, as a sidecar, a preset or the defaults declare it. */
import type { ResizeMode } from './preprocess/resize.ts';

export interface ExtractorDeclaration {
  name?: string;
  /** A preset the file must match. */
  preset?: string;
  layout: 'NCHW' | 'NHWC';
  channels: 1 | 3;
  /** Pixel values are mapped from [0, 1] to [range[0], range[1]]. */
  range: [number, number];
  /** Per-channel normalisation after the range: (v − mean) / std. */
  mean?: number[];
  std?: number[];
  /** [height, width], or 'any': the images' own size (or the file's fixed input size). */
  size: [number, number] | 'any';
  resize: ResizeMode;
  /** Input name, where the file has several inputs. */
  input?: string;
  /** Output holding the feature vector (default: the first output). */
  features?: string;
  /** Output holding class probabilities, and the classes' names. */
  probabilities?: string;
  classes?: string[];
}
