/**
 * GAN: samples through generator(z); no density, no exact inverse. Its
 * latent can be searched for by gradient descent where the generator is a
 * TensorFlow.js model (ONNX gives no gradients here); an ONNX GAN with an
 * encoder is inverted approximately through the encoder instead. Truncation
 * scales latents by ψ, all but the coordinates the manifest keeps.
 */
import * as tf from '@tensorflow/tfjs';
import { assertFinite } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import type { ImageBatch } from '../../core/types.ts';
import { GAN_NO_DENSITY } from '../../likelihood/likelihood-estimate.ts';
import type { Bundle } from '../bundle.ts';
import { checkComponentShapes, imageAxes, latentAxes } from '../component-shapes.ts';
import {
  concatImages,
  expectValuesShape,
  imagesFromValues,
  requireComponent,
  requireRunnable,
  type GenerativeModel,
  type InversionCapability,
  type LatentSpace,
} from '../generative-model.ts';
import { latentRows, type LatentPrior } from '../latent-prior.ts';
import { modelRangeBatches } from './model-range-batches.ts';

export class GanModel implements GenerativeModel, LatentSpace {
  readonly latentDim: number;
  readonly interpolation = 'slerp';
  readonly noLikelihood = GAN_NO_DENSITY;
  readonly latents: LatentSpace = this;
  readonly inversion?: InversionCapability;
  readonly noInversion?: string;
  readonly untruncated?: readonly number[];
  private readonly prior: LatentPrior;

  constructor(readonly bundle: Bundle) {
    requireRunnable(bundle, 'generator');
    this.latentDim = bundle.manifest.latent!.dim;
    this.prior = bundle.prior!;
    const kept = bundle.manifest.latent!.untruncated;
    if (kept?.length) this.untruncated = kept;
    checkComponentShapes(bundle, [
      { component: 'generator', inputs: [latentAxes(this.latentDim)], output: imageAxes(bundle) },
    ]);
    const encoder = bundle.runnable.encoder;
    const runtime = bundle.runnable.generator!.runtime;
    if (runtime === 'tfjs') {
      this.inversion = {
        kind: 'search',
        differentiableDecoder: () => this.differentiableGenerator(),
        ...(encoder ? { initialGuess: (values: Float32Array, m: number) => this.encodeValues(values, m) } : {}),
      };
    } else if (encoder) {
      this.inversion = {
        kind: 'encoder',
        describes: "the bundle encoder's latent",
        encode: (images, batchSize) => this.encode(images, batchSize),
      };
    } else {
      this.noInversion = `the generator is ${runtime === 'onnx' ? 'ONNX' : runtime}, which gives no gradients here, so its latent cannot be searched for, and the bundle has no encoder (components.encoder) to invert it approximately`;
    }
  }

  async sample(
    n: number,
    rng: Rng,
    batchSize: number,
    onProgress?: (done: number) => void,
    indices?: ArrayLike<number>,
  ): Promise<ImageBatch> {
    // A share of a split run draws the stream up to its last index and keeps its own rows; a whole run draws batch by batch.
    const shareLatents = indices && latentRows(this.prior, n, rng, indices);
    const count = indices ? indices.length : n;
    const parts: ImageBatch[] = [];
    for (let start = 0; start < count; start += batchSize) {
      const m = Math.min(batchSize, count - start);
      parts.push(
        await this.decode(
          shareLatents
            ? shareLatents.subarray(start * this.latentDim, (start + m) * this.latentDim)
            : this.prior.sample(m, rng),
          m,
        ),
      );
      onProgress?.(start + m);
    }
    return concatImages(parts);
  }

  samplePrior(n: number, rng: Rng): Float32Array {
    return this.prior.sample(n, rng);
  }

  /** Images from latents [n, dim] through the generator, any runtime (runtimes/onnx-component.ts). */
  async decode(latents: Float32Array, batchSize: number): Promise<ImageBatch> {
    const generator = requireRunnable(this.bundle, 'generator');
    const dim = this.latentDim;
    const n = latents.length / dim;
    const parts: ImageBatch[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const [output] = await generator.run([{ data: latents.slice(start * dim, (start + m) * dim), shape: [m, dim] }], {
        inputs: ['values'],
        outputs: ['image'],
      });
      parts.push(imagesFromValues(output, this.bundle, 'generator'));
    }
    return concatImages(parts);
  }

  /** z → ψz, but for the coordinates the manifest keeps (latent.untruncated: e.g. the one that picks the class). */
  truncate(latents: Float32Array, psi: number): Float32Array {
    const kept = new Set(this.untruncated);
    const dim = this.latentDim;
    return latents.map((v, i) => (kept.has(i % dim) ? v : psi * v));
  }

  /** The encoder's latent for images in [0, 1]. */
  private async encode(images: ImageBatch, batchSize: number): Promise<Float32Array> {
    const out = new Float32Array(images.n * this.latentDim);
    for (const { start, m, values } of modelRangeBatches(images, this.bundle.manifest.image.range, batchSize))
      out.set(await this.encodeValues(values, m), start * this.latentDim);
    return out;
  }

  /** The encoder's latent for m images in the model's range. */
  private async encodeValues(values: Float32Array, m: number): Promise<Float32Array> {
    const { height, width, channels } = this.bundle.manifest.image;
    const [output] = await requireRunnable(this.bundle, 'encoder').run(
      [{ data: values, shape: [m, height, width, channels] }],
      { inputs: ['image'], outputs: ['values'] },
    );
    expectValuesShape(output.shape, [m, this.latentDim], this.bundle, 'encoder', `a ${this.latentDim}-d latent`);
    assertFinite(output.data, this.bundle.manifestFile, 'components.encoder');
    return output.data;
  }

  /** predict() runs outside the gradient tape's view for LayersModels; apply() does not. */
  private differentiableGenerator(): (z: tf.Tensor) => tf.Tensor {
    const model = requireComponent(this.bundle, 'generator');
    return (z) => (model instanceof tf.LayersModel ? (model.apply(z) as tf.Tensor) : (model.execute(z) as tf.Tensor));
  }
}
