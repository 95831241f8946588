/** The report's image grids: a titled PNG per entry, and the nearest-neighbour pairs. */
import sharp from 'sharp';
import type { ImageEntry } from '../assemble/report-data.ts';
import { pickImages, type FeatureMatrix, type ImageBatch } from '../core/types.ts';
import { nearestRows } from '../metrics/nearest-neighbours.ts';
import { concatImages } from '../models/generative-model.ts';
import { imageGridPng } from '../render/image-grid.ts';

/** Images in a "Samples" or "Real images" grid. */
export const GRID_SAMPLES = 64;
const NEIGHBOUR_PAIRS = 8;

export interface ClosestPair {
  generated: number;
  train: number;
  distance: number;
}

export async function gridEntry(
  id: string,
  title: string,
  caption: string,
  batch: ImageBatch,
  model?: string,
  layout: { columns: number; section?: ImageEntry['section'] } = { columns: 16 },
): Promise<ImageEntry> {
  const png = await imageGridPng(batch, { columns: layout.columns, scale: 2, padding: 2 });
  const { width = 0, height = 0 } = await sharp(png).metadata();
  return {
    id,
    title,
    caption,
    model,
    ...(layout.section ? { section: layout.section } : {}),
    dataUri: `data:image/png;base64,${png.toString('base64')}`,
    width,
    height,
  };
}

/** The nearest-real-image grid, and the memorisation check's closest training pairs when it ran. */
/** Generated images read by index: an ImageBatch in memory, or the spill file a run streamed them to. */
export interface ImagesByIndex {
  n: number;
  read(indices: ArrayLike<number>): ImageBatch;
}

export async function neighbourGridEntries(
  name: string,
  fake: ImagesByIndex,
  fakeFeatures: FeatureMatrix,
  real: ImageBatch,
  realFeatures: FeatureMatrix,
  train: ImageBatch | undefined,
  closestPairs: ClosestPair[] | undefined,
  /** The space's short name, given when a report has several: "nearest" means nearest in that one. */
  space?: string,
): Promise<ImageEntry[]> {
  const where = space ? `in the ${space} feature space` : 'in feature space';
  const count = Math.min(NEIGHBOUR_PAIRS, fake.n);
  const first = Array.from({ length: count }, (_, i) => i);
  const nearest = nearestRows(featureRows(fakeFeatures, count), realFeatures);
  const entries = [
    await gridEntry(
      `nearest-real-${name}`,
      `Nearest real images: ${name}`,
      `Top: the first ${count} samples; bottom: the real image nearest to each ${where}.`,
      pairRows(fake, first, real, nearest.index),
      name,
      { columns: count },
    ),
  ];
  if (train && closestPairs && closestPairs.length > 0) {
    const pairs = closestPairs.slice(0, NEIGHBOUR_PAIRS);
    entries.push(
      await gridEntry(
        `memorisation-${name}`,
        `Closest to training images: ${name}`,
        `Top: the ${pairs.length} samples nearest to a training image; bottom: that training image (memorisation check${space ? `, ${where}` : ''}).`,
        pairRows(
          fake,
          pairs.map((p) => p.generated),
          train,
          pairs.map((p) => p.train),
        ),
        name,
        { columns: pairs.length },
      ),
    );
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
