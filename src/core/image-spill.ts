/**
 * Generated images kept on disk instead of in memory: batches are appended
 * to a temporary file as they stream past, and the few images a report
 * shows afterwards (nearest-neighbour and memorisation pairs) are read back
 * by index. Memory holds one batch, whatever the number of samples.
 * The file is raw float32 NHWC, deleted by `dispose()`.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageBatch, type ImageBatch } from './types.ts';

export class ImageSpill {
  private fd: number;
  private readonly dir: string;
  private shape: { height: number; width: number; channels: number } | null = null;
  n = 0;

  constructor(parent = tmpdir()) {
    this.dir = mkdtempSync(join(parent, 'genreport-samples-'));
    this.fd = openSync(join(this.dir, 'images.f32'), 'w+');
  }

  append(batch: ImageBatch): void {
    const { height, width, channels } = batch;
    this.shape ??= { height, width, channels };
    if (height !== this.shape.height || width !== this.shape.width || channels !== this.shape.channels) {
      throw new Error(
        `image spill: a ${height}x${width}x${channels} batch after ${this.shape.height}x${this.shape.width}x${this.shape.channels} ones`,
      );
    }
    const bytes = new Uint8Array(batch.data.buffer, batch.data.byteOffset, batch.n * this.perImage() * 4);
    writeSync(this.fd, bytes, 0, bytes.length, this.n * this.perImage() * 4);
    this.n += batch.n;
  }

  /** The images at `indices`, in that order. */
  read(indices: ArrayLike<number>): ImageBatch {
    if (!this.shape) throw new Error('image spill: nothing was written');
    const per = this.perImage();
    const data = new Float32Array(indices.length * per);
    const bytes = new Uint8Array(data.buffer);
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      if (!(index >= 0 && index < this.n)) throw new Error(`image spill: index ${index} outside 0..${this.n - 1}`);
      readSync(this.fd, bytes, i * per * 4, per * 4, index * per * 4);
    }
    return imageBatch(indices.length, this.shape.height, this.shape.width, this.shape.channels, data);
  }

  /** Images [start, end). */
  slice(start: number, end: number): ImageBatch {
    return this.read(Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i));
  }

  dispose(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private perImage(): number {
    return this.shape!.height * this.shape!.width * this.shape!.channels;
  }
}
