/**
 * The two data shapes that travel between stages, as plain typed arrays so
 * that every stage can be tested without tensors.
 */

/** A batch of images, NHWC, float32 in [0, 1]. */
export interface ImageBatch {
  n: number;
  height: number;
  width: number;
  channels: number;
  data: Float32Array;
}

/** A row-major n × d matrix of features (float64 for the metrics). */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
  /**
   * The same values as float32, where they were read so (a float32 .npy):
   * a pass that reads each value once (FID's moments) uses these and never
   * needs the float64 copy, which feature-files.ts then makes only on demand.
   */
  readonly float32?: Float32Array;
}

export function imageBatch(
  n: number,
  height: number,
  width: number,
  channels: number,
  data?: Float32Array,
): ImageBatch {
  const size = n * height * width * channels;
  if (data && data.length !== size) {
    throw new Error(`image batch: expected ${size} values for ${n}x${height}x${width}x${channels}, got ${data.length}`);
  }
  return { n, height, width, channels, data: data ?? new Float32Array(size) };
}

/** Rows [start, end) of an image batch, sharing no memory with it. */
export function sliceImages(batch: ImageBatch, start: number, end: number): ImageBatch {
  const per = batch.height * batch.width * batch.channels;
  return { ...batch, n: end - start, data: batch.data.slice(start * per, end * per) };
}

export function featureMatrix(rows: number, cols: number, data?: Float64Array): FeatureMatrix {
  if (data && data.length !== rows * cols) {
    throw new Error(`feature matrix: expected ${rows * cols} values for ${rows}x${cols}, got ${data.length}`);
  }
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

/** The images at `indices`, in that order (a row of a comparison grid). */
export function pickImages(batch: ImageBatch, indices: ArrayLike<number>): ImageBatch {
  const per = batch.height * batch.width * batch.channels;
  const data = new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++)
    data.set(batch.data.subarray(indices[i]! * per, (indices[i]! + 1) * per), i * per);
  return { ...batch, n: indices.length, data };
}
