/**
 * The discrete data space likelihoods live on: 8-bit images, named
 * `uint8-<H>x<W>x<C>`. Images travel as k/255 in [0, 1]; a likelihood is a
 * probability of the levels k, so reference images must sit on that grid.
 */
import { inputError } from '../core/errors.ts';
import type { ImageBatch } from '../core/types.ts';
import { LEVELS } from './pixel-forms.ts';

export function dataSpaceOf(images: Pick<ImageBatch, 'height' | 'width' | 'channels'>): string {
  return `uint8-${images.height}x${images.width}x${images.channels}`;
}

/** Pixels per image: the D in bits/dim. */
export function dimensionsOf(images: Pick<ImageBatch, 'height' | 'width' | 'channels'>): number {
  return images.height * images.width * images.channels;
}

/** Pixels per image of a data space named by dataSpaceOf; null for any other name. */
export function dimensionsOfSpace(space: string): number | null {
  const m = /^uint8-(\d+)x(\d+)x(\d+)$/.exec(space);
  return m ? Number(m[1]) * Number(m[2]) * Number(m[3]) : null;
}

/** Largest distance from the 8-bit grid still read as that level (float32 rounding, not data). */
const GRID_TOLERANCE = 1e-3;

/**
 * The 8-bit level of every pixel. Refuses images that are not on the grid
 * (resized or float data): their likelihood in this space is undefined.
 */
export function levelsFromImages(images: ImageBatch, source: string): Uint8Array {
  const levels = new Uint8Array(images.data.length);
  for (let i = 0; i < levels.length; i++) {
    const scaled = images.data[i]! * (LEVELS - 1);
    const k = Math.round(scaled);
    if (Math.abs(scaled - k) > GRID_TOLERANCE || k < 0 || k > LEVELS - 1) {
      throw inputError(
        source,
        `pixel ${i} is ${images.data[i]}, not an 8-bit level k/255: likelihoods are measured on ${dataSpaceOf(images)} and need images on that grid`,
      );
    }
    levels[i] = k;
  }
  return levels;
}

/** Levels k mapped into a model's image range, as an autoregressive model or decoder reads them. */
export function levelsToRange(levels: Uint8Array, range: readonly [number, number]): Float32Array {
  const [lo, hi] = range;
  const out = new Float32Array(levels.length);
  for (let i = 0; i < levels.length; i++) out[i] = lo + (levels[i]! / (LEVELS - 1)) * (hi - lo);
  return out;
}
