/**
 * Flow: one component, `flow`, a LayersModel built from genreport's flow
 * layers (src/models/layers): images in the model's range → flow state
 * [n, D + 1] = (z, log|det ∂z/∂y|). The inverse runs the same layers
 * backwards, so a bundle carries one set of weights and inverts by itself.
 * Density: exact change of variables, log p(y) = log p(z) + log|det|, at
 * uniformly dequantized pixels (a lower bound on the 8-bit likelihood). The
 * base p(z) is N(0, I) unless the manifest declares a latent: a mixture of
 * diagonal Gaussians fitted to the training images' z after training (as in
 * FlowGMM, Izmailov et al. 2020) samples where images land, not where N(0, I)
 * puts mass that no image maps to.
 */
import * as tf from '@tensorflow/tfjs';
import { assertFinite, inputError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { imageBatch, type ImageBatch } from '../../core/types.ts';
import { dataSpaceOf, dimensionsOf, levelsFromImages } from '../../likelihood/data-space.ts';
import { dequantizeToRange, levelOfValue, rangeLogJacobian } from '../../likelihood/dequantize.ts';
import { logMeanExp } from '../../likelihood/importance-weighted.ts';
import type { LikelihoodEstimate } from '../../likelihood/likelihood-estimate.ts';
import { LEVELS } from '../../likelihood/pixel-forms.ts';
import type { Bundle } from '../bundle.ts';
import { checkComponentShapes } from '../component-shapes.ts';
import {
  expectShape,
  expectValuesShape,
  finiteValues,
  requireComponent,
  requireRunnable,
  runComponent,
  type FlowForward,
  type GenerativeModel,
  type ExactInversion,
  type LatentSpace,
  type LikelihoodCapability,
  type LikelihoodOptions,
} from '../generative-model.ts';
import { FlowFlatten, FlowLayer } from '../layers/index.ts';
import { latentRows, StandardNormalPrior, type LatentPrior } from '../latent-prior.ts';
import type { Component } from '../runtimes/onnx-component.ts';

export type { FlowForward };

export class FlowModel implements GenerativeModel, LatentSpace {
  readonly latentDim: number;
  readonly interpolation = 'linear';
  readonly latents: LatentSpace = this;
  /** Change of variables at S dequantization draws: a bound on the 8-bit likelihood. */
  readonly likelihood: LikelihoodCapability = {
    kind: 'bound',
    draws: 'dequantization',
    logLikelihood: (images, options) => this.logLikelihood(images, options),
  };
  readonly inversion: ExactInversion = {
    kind: 'exact',
    forward: (values, batchSize) => this.forward(values, batchSize),
    inverse: (latents, batchSize) => this.inverse(latents, batchSize),
    encode: (images, batchSize) => this.encode(images, batchSize),
  };
  /** The base distribution p(z). */
  readonly prior: LatentPrior;
  private readonly flatten!: FlowFlatten;
  private readonly layers!: FlowLayer[];
  /** Set for a flow given as two files (ONNX): forward images → (z [n, D], log|det| [n]), inverse z → images. */
  private readonly directions?: { forward: Component; inverse: Component };

  constructor(readonly bundle: Bundle) {
    if (bundle.manifest.components.forward) {
      const { height, width, channels } = bundle.manifest.image;
      this.directions = { forward: requireRunnable(bundle, 'forward'), inverse: requireRunnable(bundle, 'inverse') };
      this.latentDim = height * width * channels;
      this.prior = bundle.prior ?? new StandardNormalPrior(this.latentDim);
      return;
    }
    const model = requireComponent(bundle, 'flow');
    const field = 'components.flow';
    if (!(model instanceof tf.LayersModel)) {
      throw inputError(
        bundle.manifestFile,
        'a flow must be a LayersModel of genreport flow layers (a GraphModel cannot be inverted)',
        field,
      );
    }
    const [first, ...rest] = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    if (!(first instanceof FlowFlatten)) {
      throw inputError(
        bundle.manifestFile,
        `a flow starts with a GenreportFlowFlatten layer, not ${first?.getClassName() ?? 'nothing'}`,
        field,
      );
    }
    const { height, width, channels } = bundle.manifest.image;
    if (first.shape.height !== height || first.shape.width !== width || first.shape.channels !== channels) {
      throw inputError(
        bundle.manifestFile,
        `the flow takes ${first.shape.height}x${first.shape.width}x${first.shape.channels} images, the manifest declares ${height}x${width}x${channels}`,
        field,
      );
    }
    const foreign = rest.find((l) => !(l instanceof FlowLayer));
    if (foreign) {
      throw inputError(
        bundle.manifestFile,
        `layer "${foreign.name}" (${foreign.getClassName()}) is not a genreport flow layer, so the flow cannot be inverted`,
        field,
      );
    }
    this.flatten = first;
    this.layers = rest as FlowLayer[];
    this.latentDim = height * width * channels;
    const d = this.latentDim;
    checkComponentShapes(bundle, [
      {
        component: 'flow',
        output: [
          { size: null },
          {
            size: d + 1,
            says: `${height}x${width}x${channels} images have ${d} values, so the flow state (z, log|det|) has ${d + 1}`,
          },
        ],
      },
    ]);
    // The manifest validator makes sure a declared latent has latentDim values.
    this.prior = bundle.prior ?? new StandardNormalPrior(this.latentDim);
  }

  async sample(
    n: number,
    rng: Rng,
    batchSize: number,
    onProgress?: (done: number) => void,
    indices?: ArrayLike<number>,
  ): Promise<ImageBatch> {
    const images = await this.decode(latentRows(this.prior, n, rng, indices), batchSize);
    onProgress?.(indices ? indices.length : n);
    return images;
  }

  samplePrior(n: number, rng: Rng): Float32Array {
    return this.prior.sample(n, rng);
  }

  /** Images from latents: the inverse, then the 8-bit level each value's bin falls in. */
  async decode(latents: Float32Array, batchSize: number): Promise<ImageBatch> {
    const { height, width, channels, range } = this.bundle.manifest.image;
    const values = await this.inverse(latents, batchSize);
    const data = values.map((y) => levelOfValue(y, range) / (LEVELS - 1));
    return imageBatch(values.length / this.latentDim, height, width, channels, data);
  }

  /** z for images in [0, 1], taken at the centre of each pixel's dequantization bin. */
  async encode(images: ImageBatch, batchSize: number): Promise<Float32Array> {
    const [lo, hi] = this.bundle.manifest.image.range;
    const centres = images.data.map((x) => lo + ((Math.round(x * (LEVELS - 1)) + 0.5) / LEVELS) * (hi - lo));
    return (await this.forward(centres, batchSize)).z;
  }

  /** y (model range, [n, D]) → z and log|det|, in batches. */
  async forward(values: Float32Array, batchSize: number): Promise<FlowForward> {
    const { height, width, channels } = this.bundle.manifest.image;
    const d = this.latentDim;
    const n = values.length / d;
    const z = new Float32Array(n * d);
    const logDet = new Float64Array(n);
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const input = values.subarray(start * d, (start + m) * d);
      if (this.directions) {
        const [zOut, logDetOut] = await this.directions.forward.run(
          [{ data: input.slice(), shape: [m, height, width, channels] }],
          { inputs: ['image'], outputs: ['values', 'values'] },
        );
        expectValuesShape(
          zOut.shape,
          [m, d],
          this.bundle,
          'forward',
          'z of the flow (one value per image value, [n, D])',
        );
        expectValuesShape(
          logDetOut.shape.length === 2 && logDetOut.shape[1] === 1 ? [m] : logDetOut.shape,
          [m],
          this.bundle,
          'forward',
          'log|det| of the flow, one per image',
        );
        assertFinite(zOut.data, this.bundle.manifestFile, 'components.forward');
        assertFinite(logDetOut.data, this.bundle.manifestFile, 'components.forward');
        z.set(zOut.data, start * d);
        for (let i = 0; i < m; i++) logDet[start + i] = logDetOut.data[i]!;
        continue;
      }
      const output = tf.tidy(() =>
        runComponent(requireComponent(this.bundle, 'flow'), tf.tensor4d(input, [m, height, width, channels])),
      );
      try {
        expectShape(output, [m, d + 1], this.bundle, 'flow', 'the flow state (z, log|det|)');
        const state = await finiteValues(output, this.bundle, 'flow');
        for (let i = 0; i < m; i++) {
          z.set(state.subarray(i * (d + 1), i * (d + 1) + d), (start + i) * d);
          logDet[start + i] = state[i * (d + 1) + d]!;
        }
      } finally {
        output.dispose();
      }
    }
    return { z, logDet };
  }

  /** z ([n, D]) → y in the model's range, unclipped, in batches. */
  async inverse(latents: Float32Array, batchSize: number): Promise<Float32Array> {
    const d = this.latentDim;
    const n = latents.length / d;
    const out = new Float32Array(n * d);
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const z = latents.subarray(start * d, (start + m) * d);
      if (this.directions) {
        const { height, width, channels } = this.bundle.manifest.image;
        const [images] = await this.directions.inverse.run([{ data: z.slice(), shape: [m, d] }], {
          inputs: ['values'],
          outputs: ['image'],
        });
        expectValuesShape(
          images.shape,
          [m, height, width, channels],
          this.bundle,
          'inverse',
          "images of the manifest's size",
        );
        assertFinite(images.data, this.bundle.manifestFile, 'components.inverse');
        out.set(images.data, start * d);
        continue;
      }
      const images = tf.tidy(() => {
        let state = tf.concat([tf.tensor2d(z, [m, d]), tf.zeros([m, 1])], 1) as tf.Tensor2D;
        for (let i = this.layers.length - 1; i >= 0; i--) state = this.layers[i]!.inverse(state);
        return this.flatten.toImages(state);
      });
      try {
        out.set(await finiteValues(images, this.bundle, 'flow'), start * d);
      } finally {
        images.dispose();
      }
    }
    return out;
  }

  /**
   * log p(k) ≥ log mean_s p_v(k + u_s) over S uniform draws (S = options.samples),
   * p_v the flow's density (its base p(z) and log|det|) moved from the model
   * range to v ∈ [0, 256)^D.
   */
  async logLikelihood(images: ImageBatch, options: LikelihoodOptions): Promise<LikelihoodEstimate[]> {
    const { rng, batchSize, samples, source } = options;
    const { range } = this.bundle.manifest.image;
    const started = performance.now();
    const d = dimensionsOf(images);
    const levels = levelsFromImages(images, source);
    const jacobian = rangeLogJacobian(range, d);
    const perDraw = new Float64Array(images.n * samples);
    for (let s = 0; s < samples; s++) {
      const { z, logDet } = await this.forward(dequantizeToRange(levels, range, rng), batchSize);
      for (let i = 0; i < images.n; i++)
        perDraw[i * samples + s] = this.prior.logDensity(z, i * d) + logDet[i]! + jacobian;
    }
    const logLikelihoods = new Float64Array(images.n);
    for (let i = 0; i < images.n; i++) logLikelihoods[i] = logMeanExp(perDraw, i * samples, samples);
    const base = this.prior instanceof StandardNormalPrior ? '' : ` (base distribution: ${this.prior.description})`;
    return [
      {
        estimator: 'dequantized',
        kind: 'bound',
        samples,
        dataSpace: dataSpaceOf(images),
        logLikelihoods,
        secondsPerImage: (performance.now() - started) / 1000 / images.n,
        label: `exact change of variables${base} at uniformly dequantized pixels, S = ${samples} draw${samples === 1 ? '' : 's'}: a lower bound on the 8-bit log-likelihood (in expectation)`,
      },
    ];
  }
}
