/** GAN: samples through generator(z); no density, no exact inverse. */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng.ts';
import type { ImageBatch } from '../../core/types.ts';
import type { Bundle } from '../bundle.ts';
import { checkComponentShapes, imageAxes, latentAxes } from '../component-shapes.ts';
import { concatImages, imagesFromOutput, requireComponent, runComponent, type GenerativeModel } from '../generative-model.ts';

export class GanModel implements GenerativeModel {
  constructor(readonly bundle: Bundle) {
    requireComponent(bundle, 'generator');
    checkComponentShapes(bundle, [{ component: 'generator', inputs: [latentAxes(bundle.manifest.latent!.dim)], output: imageAxes(bundle) }]);
  }

  async sample(n: number, rng: Rng, batchSize: number, onProgress?: (done: number) => void): Promise<ImageBatch> {
    const generator = requireComponent(this.bundle, 'generator');
    const latent = this.bundle.manifest.latent!;
    const parts: ImageBatch[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const z = this.bundle.prior!.sample(m, rng);
      const output = tf.tidy(() => runComponent(generator, tf.tensor2d(z, [m, latent.dim])));
      try {
        parts.push(await imagesFromOutput(output, this.bundle, 'generator'));
      } finally {
        output.dispose();
      }
      onProgress?.(start + m);
    }
    return concatImages(parts);
  }
}
