/**
 * VAE: encoder x → [mean | log-variance] of q(z|x), one output of 2·dim;
 * decoder z → per-pixel distribution parameters on the 8-bit data space
 * (likelihood.form). Samples decode draws from the declared prior
 * (latent-prior.ts) and show the decoded image (pixel-forms.ts displayedPixel:
 * the mean, or the logistic's median). Density: the ELBO and the
 * importance-weighted bound under that prior, both lower bounds on log p(x).
 */
import type { Rng } from '../../core/rng.ts';
import type { ImageBatch } from '../../core/types.ts';
import { dataSpaceOf, dimensionsOf, levelsFromImages, levelsToRange } from '../../likelihood/data-space.ts';
import { importanceWeightedBounds, standardNormalLogDensity } from '../../likelihood/importance-weighted.ts';
import { latentRows, StandardNormalPrior, type LatentPrior } from '../latent-prior.ts';
import type { LikelihoodEstimate } from '../../likelihood/likelihood-estimate.ts';
import { imageLogProbability, PARAMETERS_PER_PIXEL, type PixelForm } from '../../likelihood/pixel-forms.ts';
import type { Bundle } from '../bundle.ts';
import { checkComponentShapes, imageAxes, latentAxes } from '../component-shapes.ts';
import { assertFinite } from '../../core/errors.ts';
import { modelRangeBatches } from './model-range-batches.ts';
import { decodePixelParameters, displayedImages } from './pixel-parameter-decoder.ts';
import type { ComponentTensor } from '../runtimes/onnx-component.ts';
import {
  expectValuesShape,
  requireRunnable,
  type GenerativeModel,
  type EncoderInversion,
  type LatentSpace,
  type LikelihoodCapability,
  type LikelihoodOptions,
} from '../generative-model.ts';

/** q(z|x) for a batch: means and log-variances, each [n, dim]. */
export interface Posterior {
  mean: Float32Array;
  logVariance: Float32Array;
}

export class VaeModel implements GenerativeModel, LatentSpace {
  readonly latentDim: number;
  readonly interpolation = 'linear';
  readonly latents: LatentSpace = this;
  /** ELBO and IWAE-K: bounds, K importance samples. */
  readonly likelihood: LikelihoodCapability = {
    kind: 'bound',
    draws: 'importance',
    logLikelihood: (images, options) => this.logLikelihood(images, options),
  };
  readonly inversion: EncoderInversion = {
    kind: 'encoder',
    describes: 'the encoder mean',
    encode: async (images, batchSize) => (await this.encode(images, batchSize)).mean,
  };
  private readonly form: PixelForm;
  private readonly prior: LatentPrior;

  constructor(readonly bundle: Bundle) {
    requireRunnable(bundle, 'encoder');
    requireRunnable(bundle, 'decoder');
    this.latentDim = bundle.manifest.latent!.dim;
    this.prior = bundle.prior!;
    this.form = bundle.manifest.likelihood!.form!;
    checkComponentShapes(bundle, [
      { component: 'encoder', inputs: [imageAxes(bundle)], output: latentAxes(this.latentDim, 2) },
      {
        component: 'decoder',
        inputs: [latentAxes(this.latentDim)],
        output: imageAxes(bundle, PARAMETERS_PER_PIXEL[this.form], 'likelihood.form'),
      },
    ]);
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

  /** The decoded image for each latent (displayedPixel of every pixel). */
  async decode(latents: Float32Array, batchSize: number): Promise<ImageBatch> {
    const dim = this.latentDim;
    return displayedImages(this.bundle, this.form, latents.length / dim, batchSize, (start, m) =>
      this.decoderParameters(latents.subarray(start * dim, (start + m) * dim), m),
    );
  }

  /** q(z|x) for images in [0, 1]. */
  async encode(images: ImageBatch, batchSize: number): Promise<Posterior> {
    const mean = new Float32Array(images.n * this.latentDim);
    const logVariance = new Float32Array(images.n * this.latentDim);
    for (const { start, m, values } of modelRangeBatches(images, this.bundle.manifest.image.range, batchSize)) {
      const posterior = await this.encodeValues(values, m);
      mean.set(posterior.mean, start * this.latentDim);
      logVariance.set(posterior.logVariance, start * this.latentDim);
    }
    return { mean, logVariance };
  }

  /**
   * Per image, K draws z_k ~ q(z|x): the ELBO, mean_k log P(x|z_k) − KL(q ‖ p),
   * and IWAE_K from the same draws. The KL is analytic for an N(0, I) prior;
   * for any other prior it is the Monte Carlo mean over the K draws of
   * log q(z_k|x) − log p(z_k).
   */
  async logLikelihood(images: ImageBatch, options: LikelihoodOptions): Promise<LikelihoodEstimate[]> {
    const { rng, batchSize, samples: k, source } = options;
    const { range } = this.bundle.manifest.image;
    const started = performance.now();
    const dim = this.latentDim;
    const pixels = dimensionsOf(images);
    const p = PARAMETERS_PER_PIXEL[this.form];
    const levels = levelsFromImages(images, source);
    const elbo = new Float64Array(images.n);
    const logWeights = new Float64Array(images.n * k);
    const imagesPerBatch = Math.max(1, Math.floor(batchSize / k));
    const analyticKl = this.prior instanceof StandardNormalPrior;
    for (let start = 0; start < images.n; start += imagesPerBatch) {
      const m = Math.min(imagesPerBatch, images.n - start);
      const q = await this.encodeValues(levelsToRange(levels.subarray(start * pixels, (start + m) * pixels), range), m);
      // Rows [image, draw]: z = mean + σ ε.
      const eps = rng.normals(m * k * dim);
      const z = new Float32Array(m * k * dim);
      for (let r = 0; r < m * k; r++) {
        const i = Math.floor(r / k);
        for (let j = 0; j < dim; j++)
          z[r * dim + j] = q.mean[i * dim + j]! + Math.exp(0.5 * q.logVariance[i * dim + j]!) * eps[r * dim + j]!;
      }
      const reconstruction = new Float64Array(m * k);
      for (let rowStart = 0; rowStart < m * k; rowStart += batchSize) {
        const rows = Math.min(batchSize, m * k - rowStart);
        const params = await this.decoderParameters(z.subarray(rowStart * dim, (rowStart + rows) * dim), rows);
        for (let r = 0; r < rows; r++) {
          const image = start + Math.floor((rowStart + r) / k);
          reconstruction[rowStart + r] = imageLogProbability(
            this.form,
            params,
            r * pixels * p,
            levels,
            image * pixels,
            pixels,
            range,
          );
        }
      }
      for (let i = 0; i < m; i++) {
        let kl = 0;
        if (analyticKl) {
          for (let j = i * dim; j < (i + 1) * dim; j++) {
            const logVar = q.logVariance[j]!;
            kl += 0.5 * (q.mean[j]! * q.mean[j]! + Math.exp(logVar) - 1 - logVar);
          }
        }
        let meanReconstruction = 0;
        for (let s = 0; s < k; s++) {
          const r = i * k + s;
          meanReconstruction += reconstruction[r]! / k;
          // log q(z|x) at z = mean + σ ε is log N(ε; 0, I) − Σ log σ.
          let logQ = standardNormalLogDensity(eps, r * dim, dim);
          for (let j = i * dim; j < (i + 1) * dim; j++) logQ -= 0.5 * q.logVariance[j]!;
          const logPrior = this.prior.logDensity(z, r * dim);
          if (!analyticKl) kl += (logQ - logPrior) / k;
          logWeights[(start + i) * k + s] = reconstruction[r]! + logPrior - logQ;
        }
        elbo[start + i] = meanReconstruction - kl;
      }
    }
    const secondsPerImage = (performance.now() - started) / 1000 / images.n;
    const dataSpace = dataSpaceOf(images);
    return [
      {
        estimator: 'elbo',
        kind: 'bound',
        samples: k,
        dataSpace,
        logLikelihoods: elbo,
        secondsPerImage,
        label: analyticKl
          ? `ELBO (analytic KL, reconstruction term over K = ${k} draws): a lower bound on log-likelihood`
          : `ELBO (prior ${this.prior.description}; KL and reconstruction over K = ${k} draws): a lower bound on log-likelihood`,
      },
      {
        estimator: 'iwae',
        kind: 'bound',
        samples: k,
        dataSpace,
        logLikelihoods: importanceWeightedBounds(logWeights, images.n, k),
        secondsPerImage,
        label: `importance-weighted bound, K = ${k} (Burda et al. 2016): a lower bound on log-likelihood, tighter than the ELBO`,
      },
    ];
  }

  private async encodeValues(values: Float32Array, m: number): Promise<Posterior> {
    const { height, width, channels } = this.bundle.manifest.image;
    const dim = this.latentDim;
    // Any runtime: one output [mean | log-variance] of 2·dim, or two outputs (mean, log-variance) of dim.
    const encoder = requireRunnable(this.bundle, 'encoder');
    const two = encoder.outputCount >= 2;
    const input = [{ data: values, shape: [m, height, width, channels] }];
    if (two) {
      const read = (o: ComponentTensor, what: string) => {
        expectValuesShape(o.shape, [m, dim], this.bundle, 'encoder', `a ${dim}-d latent's ${what}`);
        assertFinite(o.data, this.bundle.manifestFile, 'components.encoder');
        return o.data;
      };
      const [mean, logVariance] = await encoder.run(input, { inputs: ['image'], outputs: ['values', 'values'] });
      return { mean: read(mean, 'mean'), logVariance: read(logVariance, 'log-variance') };
    }
    const [output] = await encoder.run(input, { inputs: ['image'], outputs: ['values'] });
    expectValuesShape(output.shape, [m, 2 * dim], this.bundle, 'encoder', `a ${dim}-d latent ([mean | log-variance])`);
    const raw = output.data;
    assertFinite(raw, this.bundle.manifestFile, 'components.encoder');
    const mean = new Float32Array(m * dim);
    const logVariance = new Float32Array(m * dim);
    for (let i = 0; i < m; i++) {
      mean.set(raw.subarray(i * 2 * dim, i * 2 * dim + dim), i * dim);
      logVariance.set(raw.subarray(i * 2 * dim + dim, (i + 1) * 2 * dim), i * dim);
    }
    return { mean, logVariance };
  }

  private decoderParameters(latents: Float32Array, m: number): Promise<Float32Array> {
    return decodePixelParameters(
      this.bundle,
      this.form,
      { data: latents.slice(), shape: [m, this.latentDim] },
      'values',
    );
  }
}
