/**
 * The grid stage: every image grid of a report, drawn once after assemble
 * from the few images each grid shows (the compute stages keep only those:
 * a model's first samples, its nearest-real pairs, its reconstructions).
 * The order of `sources` is the grids' order in ReportData.images.
 */
import sharp from 'sharp';
import type { ImageEntry } from '../assemble/report-data.ts';
import type { ImageBatch } from '../core/types.ts';
import { imageBytes, imageGridPng, type ImageBytes } from './image-grid.ts';

/** One grid before it is drawn: its entry's fields and the images it tiles, 8-bit. */
export interface GridImages {
  id: string;
  title: string;
  caption: string;
  model?: string;
  /** Images per row. */
  columns: number;
  section?: ImageEntry['section'];
  pixels: ImageBytes;
}

/** The images a grid will show, kept as the 8-bit levels it draws: the same PNG, in a quarter of the memory. */
export function gridPixels(batch: ImageBatch): ImageBytes {
  return imageBytes(batch);
}

export async function grids(sources: readonly GridImages[]): Promise<ImageEntry[]> {
  const entries: ImageEntry[] = [];
  for (const source of sources) entries.push(await gridEntry(source));
  return entries;
}

async function gridEntry({ id, title, caption, model, columns, section, pixels }: GridImages): Promise<ImageEntry> {
  const png = await imageGridPng(pixels, { columns, scale: 2, padding: 2 });
  const { width = 0, height = 0 } = await sharp(png).metadata();
  return {
    id,
    title,
    caption,
    model,
    ...(section ? { section } : {}),
    dataUri: `data:image/png;base64,${png.toString('base64')}`,
    width,
    height,
  };
}
