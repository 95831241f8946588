/** GAN: samples through generator(z); no density, no exact inverse. */
import type { Rng } from '../../core/rng.ts';
import type { ImageBatch } from '../../core/types.ts';
import type { Bundle } from '../bundle.ts';
import { checkComponentShapes, imageAxes, latentAxes } from '../component-shapes.ts';
import { concatImages, imagesFromValues, requireRunnable, type GenerativeModel } from '../generative-model.ts';

export class GanModel implements GenerativeModel {
  constructor(readonly bundle: Bundle) {
    requireRunnable(bundle, 'generator');
    checkComponentShapes(bundle, [{ component: 'generator', inputs: [latentAxes(bundle.manifest.latent!.dim)], output: imageAxes(bundle) }]);
  }

  async sample(n: number, rng: Rng, batchSize: number, onProgress?: (done: number) => void): Promise<ImageBatch> {
    const parts: ImageBatch[] = [];
    let done = 0;
    for await (const batch of this.sampleBatches(n, rng, batchSize)) {
      parts.push(batch);
      onProgress?.((done += batch.n));
    }
    return concatImages(parts);
  }

  async *sampleBatches(n: number, rng: Rng, batchSize: number): AsyncGenerator<ImageBatch> {
    const generator = requireRunnable(this.bundle, 'generator');
    const latent = this.bundle.manifest.latent!;
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const z = this.bundle.prior!.sample(m, rng);
      // Any runtime: tfjs or ONNX (runtimes/onnx-component.ts).
      const [output] = await generator.run([{ data: z, shape: [m, latent.dim] }], { inputs: ['values'], outputs: ['image'] });
      yield imagesFromValues(output, this.bundle, 'generator');
    }
  }
}
