/** Minibatches of MNIST train images in a seeded order, reshuffled every epoch. */
import type { Rng } from '../../../src/core/rng.ts';
import type { ImageBatch } from '../../../src/core/types.ts';

export class ShuffledBatches {
  private order: Int32Array;
  private cursor = 0;

  constructor(
    private readonly images: ImageBatch,
    private readonly rng: Rng,
  ) {
    this.order = rng.choose(images.n, images.n);
  }

  /** The next `size` images, pixels in [0, 1], laid out [size, H, W, C]. */
  next(size: number): Float32Array {
    if (this.cursor + size > this.order.length) {
      this.order = this.rng.choose(this.images.n, this.images.n);
      this.cursor = 0;
    }
    const per = this.images.height * this.images.width * this.images.channels;
    const out = new Float32Array(size * per);
    for (let i = 0; i < size; i++) {
      const j = this.order[this.cursor++]!;
      out.set(this.images.data.subarray(j * per, (j + 1) * per), i * per);
    }
    return out;
  }
}
