/**
 * What the pipeline asks of any model family. Each family implements what
 * it has; a missing capability is a typed absence with a reason, never a
 * hidden row.
 */
import * as tf from '@tensorflow/tfjs';
import { assertFinite, inputError } from '../core/errors.ts';
import { at } from '../core/indexed.ts';
import type { Rng } from '../core/rng.ts';
import { imageBatch, type ImageBatch } from '../core/types.ts';
import type { LikelihoodEstimate } from '../likelihood/likelihood-estimate.ts';
import type { Bundle } from './bundle.ts';
import type { ComponentName } from './manifest.ts';
import type { Component, ComponentTensor } from './runtimes/onnx-component.ts';
import type { TfjsModel } from './tfjs-files.ts';

/**
 * A model is asked what it can do: each capability below is present when the
 * model has it, and the stages after models (density, invertibility,
 * truncation) read these alone, never the family or the class. A new family
 * or runtime therefore touches its adapter only.
 */
export interface GenerativeModel {
  readonly bundle: Bundle;
  /**
   * n images, NHWC float32 in [0, 1], from seeded randomness, in batches; `onProgress(done)` as batches finish.
   * With `indices` (ascending, each < n): only the images with those global indices, each exactly the image
   * an n-image run gives at that index (a shard of a run split across machines, pipeline/shard.ts).
   */
  sample(
    n: number,
    rng: Rng,
    batchSize: number,
    onProgress?: (done: number) => void,
    indices?: ArrayLike<number>,
  ): Promise<ImageBatch>;
  /** Threads `sample` runs on for n images in batches of batchSize; absent: one. */
  samplingThreads?(n: number, batchSize: number): number;
  /** log p(x), exact or a lower bound. Absent: the model defines no density (see noLikelihood). */
  readonly likelihood?: LikelihoodCapability;
  /** Why there is no likelihood, in the model's own words (a GAN's manifold argument); absent: a plain "no density". */
  readonly noLikelihood?: string;
  /** A latent space images are decoded from (GAN, VAE, flow). */
  readonly latents?: LatentSpace;
  /** How images go back into `latents`: exactly, through an encoder, or by searching. */
  readonly inversion?: InversionCapability;
  /** Why there is no inverse, where a model with latents has none. */
  readonly noInversion?: string;
  /** A discrete code grid images go to and come back from (a VQ-VAE's encoder, codebook and decoder). */
  readonly codes?: DiscreteCodes;
  /**
   * Keep rows [0, fromRow) of 8-bit images and draw the rest from the model
   * (autoregressive models: no latent, so completion stands in for an inverse).
   */
  complete?(images: ImageBatch, fromRow: number, rng: Rng, batchSize: number, source?: string): Promise<ImageBatch>;
  /**
   * The truncation trick: latents moved toward the prior's centre by ψ ∈ (0, 1]
   * (ψ = 1 leaves them as drawn). Present where the family uses it (GANs).
   */
  truncate?(latents: Float32Array, psi: number): Float32Array;
  /** The latent coordinates `truncate` leaves alone (a GAN manifest's latent.untruncated, such as the one a class is read from). */
  readonly untruncated?: readonly number[];
  /**
   * Set when the model is only its stored images (src/models/samples-only.ts):
   * why density, invertibility, truncation and speed do not apply, and the
   * family the user declared for it, if any.
   */
  readonly samplesOnly?: { reason: string; family?: Bundle['manifest']['family'] };
}

export interface LikelihoodCapability {
  /** What the estimates are at best: exact, or lower bounds. */
  readonly kind: 'exact' | 'bound';
  /**
   * What the run's Monte Carlo count is for this model: K importance samples
   * (a VAE's bounds), S dequantization draws (a flow), or none (one exact pass).
   */
  readonly draws: 'importance' | 'dequantization' | 'none';
  /**
   * log p(x) of 8-bit images (k/255) on the bundle's data space, one or more
   * estimates (a VAE gives its ELBO and its importance-weighted bound).
   */
  logLikelihood(images: ImageBatch, options: LikelihoodOptions): Promise<LikelihoodEstimate[]>;
}

/** A latent space: images from latents, and the prior latents are drawn from. */
export interface LatentSpace extends LatentDecoder {
  /** n draws from the prior, [n, latentDim]. */
  samplePrior(n: number, rng: Rng): Float32Array;
  /** How to walk between two latents: along a line, or a great circle (Gaussian GAN latents, White 2016). */
  readonly interpolation: 'linear' | 'slerp';
}

/** z and log|det ∂z/∂y| for a batch. */
export interface FlowForward {
  z: Float32Array;
  logDet: Float64Array;
}

/** How images go back into a model's latent space. */
export type InversionCapability = ExactInversion | EncoderInversion | LatentSearch;

/** A bijection (flows): values in the model's range ↔ latents, both ways, and images → latents at pixel centres. */
export interface ExactInversion {
  readonly kind: 'exact';
  /** y (model range, [n, D]) → z and log|det|. */
  forward(values: Float32Array, batchSize: number): Promise<FlowForward>;
  /** z → y in the model's range, unclipped. */
  inverse(latents: Float32Array, batchSize: number): Promise<Float32Array>;
  /** z for images in [0, 1]. */
  encode(images: ImageBatch, batchSize: number): Promise<Float32Array>;
}

/** An encoder's point estimate, an approximate inverse (a VAE's posterior mean). */
export interface EncoderInversion {
  readonly kind: 'encoder';
  /** What the latent is, for labels: "the encoder mean". */
  readonly describes: string;
  encode(images: ImageBatch, batchSize: number): Promise<Float32Array>;
}

/** No inverse: the latent is searched for by gradient descent through a differentiable decoder (GANs). */
export interface LatentSearch {
  readonly kind: 'search';
  /** decode(z) as a differentiable TensorFlow.js op, images in the model's range [n, H, W, C]. */
  differentiableDecoder(): (z: tf.Tensor) => tf.Tensor;
  /** A first guess per image from an encoder in the bundle, images in the model's range; absent without one. */
  initialGuess?(values: Float32Array, m: number): Promise<Float32Array>;
}

export interface LikelihoodOptions {
  rng: Rng;
  batchSize: number;
  /** Monte Carlo draws per image: K for a VAE's bounds, S dequantization draws for a flow; ignored where exact. */
  samples: number;
  /** Where the images came from, named when they are not 8-bit. */
  source: string;
}

/** Images → code grid (nearest codebook vectors) → images: a hybrid's approximate inverse. */
export interface DiscreteCodes {
  /** The grid's height, width and codebook size. */
  readonly grid: { height: number; width: number; size: number };
  encode(images: ImageBatch, batchSize: number): Promise<Uint16Array>;
  decode(codes: Uint16Array, batchSize: number): Promise<ImageBatch>;
}

/** A model with a latent space that images can be made from (GAN, VAE, flow). */
export interface LatentDecoder {
  readonly latentDim: number;
  /** Images from latents laid out [n, latentDim]. */
  decode(latents: Float32Array, batchSize: number): Promise<ImageBatch>;
}

/** Fails with the bundle and component named when a model output has the wrong shape. */
export function expectShape(
  output: tf.Tensor,
  expected: readonly number[],
  bundle: Bundle,
  component: ComponentName,
  what: string,
): void {
  if (output.rank !== expected.length || output.shape.some((d, i) => d !== expected[i])) {
    throw inputError(
      bundle.manifestFile,
      `${component} produced shape [${output.shape.join(', ')}], but ${what} needs [${expected.join(', ')}]`,
      `components.${component}`,
    );
  }
}

/** As expectShape, for an output from any runtime. */
export function expectValuesShape(
  shape: readonly number[],
  expected: readonly number[],
  bundle: Bundle,
  component: ComponentName,
  what: string,
): void {
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw inputError(
      bundle.manifestFile,
      `${component} produced shape [${shape.join(', ')}], but ${what} needs [${expected.join(', ')}]`,
      `components.${component}`,
    );
  }
}

/** The output's values, refused with the bundle and component named if any is NaN or infinite. */
export async function finiteValues(output: tf.Tensor, bundle: Bundle, component: ComponentName): Promise<Float32Array> {
  const values = (await output.data()) as Float32Array;
  assertFinite(values, bundle.manifestFile, `components.${component}`);
  return values;
}

/** Run one component on its input tensor(s), whichever kind of tfjs model it is. */
export function runComponent(model: TfjsModel, input: tf.Tensor | tf.Tensor[]): tf.Tensor {
  const out = model instanceof tf.LayersModel ? model.predict(input) : model.execute(input);
  if (Array.isArray(out)) {
    throw new Error('component returned several outputs; genreport expects one');
  }
  return out as tf.Tensor;
}

export function requireComponent(bundle: Bundle, name: ComponentName): TfjsModel {
  const model = bundle.components[name];
  if (!model && bundle.runnable?.[name]) {
    throw inputError(
      bundle.manifestFile,
      'this step needs gradients through the component, which only a TensorFlow.js model gives here; this one is ONNX',
      `components.${name}`,
    );
  }
  if (!model)
    throw inputError(
      bundle.manifestFile,
      `the ${bundle.manifest.family} adapter needs this component`,
      `components.${name}`,
    );
  return model;
}

/** A component whichever its runtime, or an input error naming it. */
export function requireRunnable(bundle: Bundle, name: ComponentName): Component {
  const component = bundle.runnable[name];
  if (!component)
    throw inputError(
      bundle.manifestFile,
      `the ${bundle.manifest.family} adapter needs this component`,
      `components.${name}`,
    );
  return component;
}

/**
 * Check a component's image output against the manifest and bring it from the
 * model's declared range to [0, 1]. Wrong shapes and NaN stop the model with
 * a message naming the bundle and component.
 */
export async function imagesFromOutput(
  output: tf.Tensor,
  bundle: Bundle,
  component: ComponentName,
): Promise<ImageBatch> {
  return imagesFromValues({ data: (await output.data()) as Float32Array, shape: output.shape }, bundle, component);
}

/** As imagesFromOutput, for a component's output from any runtime (NHWC, in the model's range). */
export function imagesFromValues(output: ComponentTensor, bundle: Bundle, component: ComponentName): ImageBatch {
  const { height, width, channels, range } = bundle.manifest.image;
  const expected = [output.shape[0], height, width, channels];
  if (output.shape.length !== 4 || output.shape.some((d, i) => d !== expected[i])) {
    throw inputError(
      bundle.manifestFile,
      `${component} produced shape [${output.shape.join(', ')}], but the manifest declares images of [n, ${height}, ${width}, ${channels}]${bundle.runnable?.[component]?.runtime === 'onnx' ? ` (read as ${bundle.manifest.layout ?? 'nchw'}: check layout)` : ''}`,
      `components.${component}`,
    );
  }
  const values = output.data;
  assertFinite(values, bundle.manifestFile, `components.${component}`);
  const [lo, hi] = range;
  const scale = 1 / (hi - lo);
  const data = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = (values[i]! - lo) * scale;
    data[i] = v < 0 ? 0 : Math.min(v, 1);
  }
  return imageBatch(at(output.shape, 0, `${component} output shape`), height, width, channels, data);
}

/** Concatenate batches of the same image shape. */
export function concatImages(parts: ImageBatch[]): ImageBatch {
  const first = at(parts, 0, 'image batches to concatenate');
  const n = parts.reduce((s, p) => s + p.n, 0);
  const data = new Float32Array(parts.reduce((s, p) => s + p.data.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return imageBatch(n, first.height, first.width, first.channels, data);
}
