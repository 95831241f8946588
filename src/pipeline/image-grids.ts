/**
 * Which images each of the report's grids shows, picked while the generated
 * images are at hand (a model's are deleted once it is measured); the grid
 * stage (render/grids.ts) draws them after assemble. Only these few images are
 * kept, never a model's samples.
 */
import type { FeatureMatrix, ImageBatch } from '../core/types.ts';
import { pickImages, sliceImages } from '../core/types.ts';
import { nearestRows } from '../metrics/nearest-neighbours.ts';
import { concatImages } from '../models/generative-model.ts';
import { gridPixels, type GridImages } from '../render/grids.ts';

/** Images in a "Samples" or "Real images" grid. */
export const GRID_SAMPLES = 64;
const NEIGHBOUR_PAIRS = 8;

export interface ClosestPair {
  generated: number;
  train: number;
  distance: number;
}

/** The first GRID_SAMPLES images of `batch`, 16 to a row. */
export function samplesGrid(id: string, title: string, caption: string, batch: ImageBatch, model?: string): GridImages {
  return {
    id,
    title,
    caption,
    model,
    columns: 16,
    pixels: gridPixels(sliceImages(batch, 0, Math.min(GRID_SAMPLES, batch.n))),
  };
}

/** Generated images read by index: an ImageBatch in memory, or the spill file a run streamed them to. */
export interface ImagesByIndex {
  n: number;
  read(indices: ArrayLike<number>): ImageBatch;
}

/** The nearest-real-image grid, and the memorisation check's closest training pairs when it ran. */
export function neighbourGrids(
  name: string,
  fake: ImagesByIndex,
  fakeFeatures: FeatureMatrix,
  real: ImageBatch,
  realFeatures: FeatureMatrix,
  train: ImageBatch | undefined,
  closestPairs: ClosestPair[] | undefined,
  /** The space's short name, given when a report has several: "nearest" means nearest in that one. */
  space?: string,
): GridImages[] {
  const where = space ? `in the ${space} feature space` : 'in feature space';
  const count = Math.min(NEIGHBOUR_PAIRS, fake.n);
  const first = Array.from({ length: count }, (_, i) => i);
  const nearest = nearestRows(featureRows(fakeFeatures, count), realFeatures);
  const entries: GridImages[] = [
    {
      id: `nearest-real-${name}`,
      title: `Nearest real images: ${name}`,
      caption: `Top: the first ${count} samples; bottom: the real image nearest to each ${where}.`,
      model: name,
      columns: count,
      pixels: gridPixels(pairRows(fake, first, real, nearest.index)),
    },
  ];
  if (train && closestPairs && closestPairs.length > 0) {
    const pairs = closestPairs.slice(0, NEIGHBOUR_PAIRS);
    entries.push({
      id: `memorisation-${name}`,
      title: `Closest to training images: ${name}`,
      caption: `Top: the ${pairs.length} samples nearest to a training image; bottom: that training image (memorisation check${space ? `, ${where}` : ''}).`,
      model: name,
      columns: pairs.length,
      pixels: gridPixels(
        pairRows(
          fake,
          pairs.map((p) => p.generated),
          train,
          pairs.map((p) => p.train),
        ),
      ),
    });
  }
  return entries;
}

/** Top row: generated images; bottom row: the real (or training) image nearest to each, in feature space. */
function pairRows(
  generated: ImagesByIndex,
  generatedIndex: ArrayLike<number>,
  other: ImageBatch,
  otherIndex: ArrayLike<number>,
): ImageBatch {
  return concatImages([generated.read(generatedIndex), pickImages(other, otherIndex)]);
}

function featureRows(m: FeatureMatrix, rows: number): FeatureMatrix {
  return { rows, cols: m.cols, data: m.data.subarray(0, rows * m.cols) };
}
