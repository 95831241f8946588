/**
 * Image batches laid out for grids: originals above their reconstructions,
 * and rows of latent interpolations.
 */
import { imageBatch, type ImageBatch } from '../core/types.ts';
import { concatImages, type LatentDecoder } from '../models/generative-model.ts';
import { interpolateLatents, type InterpolationPath } from './interpolation.ts';

/** Rows of `columns` originals, each followed by the row of their reconstructions. */
export function pairRows(originals: ImageBatch, reconstructions: ImageBatch, columns: number): ImageBatch {
  const per = originals.height * originals.width * originals.channels;
  const rows = Math.ceil(originals.n / columns);
  const out = imageBatch(rows * 2 * columns, originals.height, originals.width, originals.channels);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns && r * columns + c < originals.n; c++) {
      const i = r * columns + c;
      out.data.set(originals.data.subarray(i * per, (i + 1) * per), (2 * r * columns + c) * per);
      out.data.set(reconstructions.data.subarray(i * per, (i + 1) * per), ((2 * r + 1) * columns + c) * per);
    }
  }
  return out;
}

/** One row of `steps` decoded images per consecutive pair of latents (0→1, 2→3, …). */
export async function interpolationRows(
  decoder: LatentDecoder,
  latents: Float32Array,
  steps: number,
  path: InterpolationPath,
  batchSize: number,
): Promise<ImageBatch> {
  const d = decoder.latentDim;
  const rows: ImageBatch[] = [];
  for (let start = 0; start + 2 * d <= latents.length; start += 2 * d) {
    rows.push(
      await interpolateLatents(
        decoder,
        latents.slice(start, start + d),
        latents.slice(start + d, start + 2 * d),
        steps,
        path,
        batchSize,
      ),
    );
  }
  return concatImages(rows);
}
