/**
 * Sample grids: a batch of images tiled into one PNG. Upscaling is done
 * pixel by pixel (nearest neighbour) so 28×28 digits stay crisp, never blurred.
 */
import sharp from 'sharp';
import type { ImageBatch } from '../core/types.ts';

export interface GridOptions {
  /** Images per row; the last row may be short. */
  columns?: number;
  /** Gap around and between images, in output pixels. */
  padding?: number;
  /** Each source pixel becomes a scale × scale block. */
  scale?: number;
  /** Gap colour, in [0, 1] (white keeps MNIST's black backgrounds apart on paper). */
  background?: number;
}

/** Images as the grid draws them: 8-bit levels, a quarter of the float batch's bytes. */
export interface ImageBytes {
  n: number;
  height: number;
  width: number;
  channels: number;
  data: Uint8Array;
}

/** The 8-bit levels a grid shows for `batch` (values clamped to [0, 1], rounded). */
export function imageBytes(batch: ImageBatch): ImageBytes {
  const { n, height, width, channels, data } = batch;
  return { n, height, width, channels, data: Uint8Array.from(data, toByte) };
}

export async function imageGridPng(batch: ImageBatch | ImageBytes, options: GridOptions = {}): Promise<Buffer> {
  const { n, height, width, channels } = batch;
  const data = batch.data instanceof Uint8Array ? batch.data : imageBytes(batch as ImageBatch).data;
  if (channels !== 1 && channels !== 3) {
    throw new Error(`image grid: expected 1 (greyscale) or 3 (RGB) channels, got ${channels}`);
  }
  if (n < 1) throw new Error('image grid: the batch is empty');
  const columns = Math.min(options.columns ?? 8, n);
  const padding = options.padding ?? 2;
  const scale = options.scale ?? 2;
  if (
    !Number.isInteger(columns) ||
    columns < 1 ||
    !Number.isInteger(scale) ||
    scale < 1 ||
    !Number.isInteger(padding) ||
    padding < 0
  ) {
    throw new Error(
      `image grid: columns and scale must be positive integers and padding a non-negative integer (got ${columns}, ${scale}, ${padding})`,
    );
  }
  const rows = Math.ceil(n / columns);
  const tileWidth = width * scale;
  const tileHeight = height * scale;
  const outWidth = columns * tileWidth + (columns + 1) * padding;
  const outHeight = rows * tileHeight + (rows + 1) * padding;
  const out = Buffer.alloc(outWidth * outHeight * channels, toByte(options.background ?? 1));

  for (let image = 0; image < n; image++) {
    const left = padding + (image % columns) * (tileWidth + padding);
    const top = padding + Math.floor(image / columns) * (tileHeight + padding);
    const imageOffset = image * height * width * channels;
    for (let y = 0; y < tileHeight; y++) {
      const sourceRow = imageOffset + Math.floor(y / scale) * width * channels;
      const outRow = ((top + y) * outWidth + left) * channels;
      for (let x = 0; x < tileWidth; x++) {
        const source = sourceRow + Math.floor(x / scale) * channels;
        for (let c = 0; c < channels; c++) out[outRow + x * channels + c] = data[source + c]!;
      }
    }
  }

  const image = sharp(out, { raw: { width: outWidth, height: outHeight, channels } });
  return (channels === 1 ? image.toColourspace('b-w') : image.toColourspace('srgb')).png().toBuffer();
}

function toByte(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 255);
}

export function pngDataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}
