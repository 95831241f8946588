/**
 * Hybrid (VQ-VAE with an autoregressive prior, as VQ-VAE-2): four components.
 *   encoder:  images (model range) → pre-quantisation vectors [n, h, w, D], or
 *             code indices [n, h, w]; genreport snaps vectors to the nearest
 *             codebook vector (squared Euclidean), so z_q(x) is deterministic.
 *   codebook: K vectors of D values (a JSON file, src/models/codebook.ts).
 *   decoder:  z_q [n, h, w, D] → per-pixel parameters [n, H, W, C·P] in
 *             likelihood.form, as a VAE decoder.
 *   prior:    code grid [n, h, w, 1] (indices as float) → K logits per
 *             position [n, h, w, K], position j depending only on the codes
 *             before it in raster order (a PixelCNN over the grid); or the
 *             same split as priorAbove + priorRow (code-prior-networks.ts).
 * Density: the single-code bound log p(z_q(x)) + log p(x | z_q(x))
 * (src/likelihood/code-prior.ts), after the prior's mask is checked. Samples:
 * the prior code by code, then the decoded image of the drawn grid.
 */
import { assertFinite, inputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { ImageBatch } from '../../core/types.ts';
import {
  gridLogProbabilities,
  sampleCode,
  SINGLE_CODE_BOUND_LABEL,
  singleCodeBound,
} from '../../likelihood/code-prior.ts';
import { dataSpaceOf, dimensionsOf, levelsFromImages, levelsToRange } from '../../likelihood/data-space.ts';
import type { LikelihoodEstimate } from '../../likelihood/likelihood-estimate.ts';
import { imageLogProbability, PARAMETERS_PER_PIXEL, type PixelForm } from '../../likelihood/pixel-forms.ts';
import type { Bundle } from '../bundle.ts';
import type { Codebook } from '../codebook.ts';
import { checkComponentShapes, imageAxes, type Axis } from '../component-shapes.ts';
import { codePriorNetwork, type CodeGrid, type CodePriorNetwork } from './code-prior-networks.ts';
import {
  expectValuesShape,
  requireRunnable,
  type GenerativeModel,
  type LikelihoodCapability,
  type LikelihoodOptions,
} from '../generative-model.ts';
import { checkCausality } from './causality-check.ts';
import { modelRangeBatches } from './model-range-batches.ts';
import { decodePixelParameters, displayedImages } from './pixel-parameter-decoder.ts';

export type { CodeGrid };

export class HybridModel implements GenerativeModel {
  readonly grid: CodeGrid;
  readonly codebook: Codebook;
  private readonly form: PixelForm;
  private readonly prior: CodePriorNetwork;
  /** Images → code grid → images: the approximate inverse invertibility asks for. */
  readonly codes = this;
  /** A lower bound: the single-code ELBO (src/likelihood/code-prior.ts), one pass, no draws. */
  readonly likelihood: LikelihoodCapability = {
    kind: 'bound',
    draws: 'none',
    logLikelihood: (images, options) => this.logLikelihood(images, options),
  };

  constructor(readonly bundle: Bundle) {
    for (const c of ['encoder', 'decoder'] as const) requireRunnable(bundle, c);
    if (!bundle.codebook)
      throw inputError(bundle.manifestFile, 'the hybrid adapter needs the codebook', 'components.codebook');
    this.grid = bundle.manifest.codes!;
    this.codebook = bundle.codebook;
    this.form = bundle.manifest.likelihood!.form!;
    const { height, width } = this.grid;
    const gridAxes = (last: Axis): Axis[] => [
      { size: null },
      { size: height, field: 'codes.height' },
      { size: width, field: 'codes.width' },
      last,
    ];
    const d = this.codebook.dim;
    checkComponentShapes(bundle, [
      { component: 'encoder', inputs: [imageAxes(bundle)] },
      {
        component: 'decoder',
        inputs: [gridAxes({ size: d, field: 'components.codebook', says: `the codebook's vectors have ${d} values` })],
        output: imageAxes(bundle, PARAMETERS_PER_PIXEL[this.form], 'likelihood.form'),
      },
    ]);
    this.prior = codePriorNetwork(bundle, this.grid);
  }

  get positions(): number {
    return this.grid.height * this.grid.width;
  }

  /** Each image's code grid z_q(x), [n, h·w] in raster order, for images in [0, 1]. */
  async encode(images: ImageBatch, batchSize: number): Promise<Uint16Array> {
    const codes = new Uint16Array(images.n * this.positions);
    for (const { start, m, values } of modelRangeBatches(images, this.bundle.manifest.image.range, batchSize))
      codes.set(await this.encodeValues(values, m), start * this.positions);
    return codes;
  }

  /** Decoded images (displayedPixel: the mean, or the logistic's median) of code grids [n, h·w]. */
  async decode(codes: Uint16Array, batchSize: number): Promise<ImageBatch> {
    const per = this.positions;
    return displayedImages(this.bundle, this.form, codes.length / per, batchSize, (start, m) =>
      this.decoderParameters(codes.subarray(start * per, (start + m) * per), m),
    );
  }

  /**
   * Code grids drawn from the prior position by position in raster order, then decoded.
   * Image j draws from its own stream, forked from `rng` by j, so it does not depend on
   * the batch it lands in; with `indices`, only the images of those global indices
   * (a share of a run split across machines), each the image a whole run gives there.
   */
  async sample(
    n: number,
    rng: Rng,
    batchSize: number,
    onProgress?: (done: number) => void,
    indices?: ArrayLike<number>,
  ): Promise<ImageBatch> {
    const { size } = this.grid;
    const count = indices ? indices.length : n;
    const codes = new Uint16Array(count * this.positions);
    for (let start = 0; start < count; start += batchSize) {
      const m = Math.min(batchSize, count - start);
      const batch = codes.subarray(start * this.positions, (start + m) * this.positions);
      const streams = Array.from(
        { length: m },
        (_, i) => new Rng(rng.forkSeed(`image ${indices ? indices[start + i] : start + i}`)),
      );
      // Positions not yet drawn are 0; the mask keeps them out of the conditionals drawn from.
      for (let r = 0; r < this.grid.height; r++) {
        const row = await this.prior.forRow(batch, m, r);
        for (let c = 0; c < this.grid.width; c++) {
          const logits = await row.position(c);
          for (let i = 0; i < m; i++)
            batch[i * this.positions + r * this.grid.width + c] = sampleCode(logits, i * size, size, streams[i]!);
        }
      }
      onProgress?.(start + m);
    }
    return this.decode(codes, batchSize);
  }

  /**
   * Per image, log p(z_q(x)) + log p(x | z_q(x)): a lower bound on log p(x)
   * (src/likelihood/code-prior.ts), reported only after single-code changes
   * show that the prior's conditionals see no later code.
   */
  async logLikelihood(images: ImageBatch, options: LikelihoodOptions): Promise<LikelihoodEstimate[]> {
    const { batchSize, source } = options;
    const { range } = this.bundle.manifest.image;
    const started = performance.now();
    const pixels = dimensionsOf(images);
    const p = PARAMETERS_PER_PIXEL[this.form];
    const levels = levelsFromImages(images, source);
    const codes = new Uint16Array(images.n * this.positions);
    for (let start = 0; start < images.n; start += batchSize) {
      const m = Math.min(batchSize, images.n - start);
      codes.set(
        await this.encodeValues(levelsToRange(levels.subarray(start * pixels, (start + m) * pixels), range), m),
        start * this.positions,
      );
    }
    const checked = await checkCausality(codes, images.n, this.grid.size, (batch, m) => this.prior.logits(batch, m), {
      manifestFile: this.bundle.manifestFile,
      component: this.prior.component,
      image: { height: this.grid.height, width: this.grid.width, channels: 1 },
      values: this.grid.size,
    });
    const prior = new Float64Array(images.n);
    const reconstruction = new Float64Array(images.n);
    for (let start = 0; start < images.n; start += batchSize) {
      const m = Math.min(batchSize, images.n - start);
      const batch = codes.subarray(start * this.positions, (start + m) * this.positions);
      prior.set(gridLogProbabilities(await this.prior.logits(batch, m), batch, m, this.grid.size), start);
      const params = await this.decoderParameters(batch, m);
      for (let i = 0; i < m; i++)
        reconstruction[start + i] = imageLogProbability(
          this.form,
          params,
          i * pixels * p,
          levels,
          (start + i) * pixels,
          pixels,
          range,
        );
    }
    return [
      {
        estimator: 'single-code',
        kind: 'bound',
        samples: 1,
        dataSpace: dataSpaceOf(images),
        logLikelihoods: singleCodeBound(prior, reconstruction),
        secondsPerImage: (performance.now() - started) / 1000 / images.n,
        label: `${SINGLE_CODE_BOUND_LABEL}; prior ${this.grid.height}x${this.grid.width} codes of ${this.grid.size}, decoder ${this.form} (prior causality checked: ${checked.pixels} single-code changes in ${checked.images} image${checked.images === 1 ? '' : 's'} moved no earlier conditional)`,
      },
    ];
  }

  /** z_q for m images in the model's range: the encoder, then the nearest codebook vector (or its indices, checked). */
  private async encodeValues(values: Float32Array, m: number): Promise<Uint16Array> {
    const { height, width, channels } = this.bundle.manifest.image;
    const { height: gh, width: gw, size } = this.grid;
    const d = this.codebook.dim;
    const [output] = await requireRunnable(this.bundle, 'encoder').run(
      [{ data: values, shape: [m, height, width, channels] }],
      { inputs: ['image'], outputs: ['image'] },
    );
    assertFinite(output.data, this.bundle.manifestFile, 'components.encoder');
    const codes = new Uint16Array(m * this.positions);
    const isVectors = output.shape.length === 4 && output.shape[3] === d;
    if (isVectors) {
      expectValuesShape(
        output.shape,
        [m, gh, gw, d],
        this.bundle,
        'encoder',
        `a ${gh}x${gw} grid of ${d}-value vectors (codes, components.codebook)`,
      );
      for (let j = 0; j < codes.length; j++) codes[j] = this.codebook.nearest(output.data, j * d);
      return codes;
    }
    // Indices: [m, h, w] or [m, h, w, 1], whole numbers in [0, K).
    expectValuesShape(
      output.shape,
      output.shape.length === 4 ? [m, gh, gw, 1] : [m, gh, gw],
      this.bundle,
      'encoder',
      `a ${gh}x${gw} grid of code indices or of ${d}-value vectors`,
    );
    for (let j = 0; j < codes.length; j++) {
      const k = output.data[j]!;
      if (!Number.isInteger(k) || k < 0 || k >= size) {
        throw inputError(
          this.bundle.manifestFile,
          `gave code index ${k}, but codes are whole numbers 0 to ${size - 1} (codes.size)`,
          'components.encoder',
        );
      }
      codes[j] = k;
    }
    return codes;
  }

  /** Decoder parameters [m, H, W, C·P] of m code grids. */
  private decoderParameters(codes: Uint16Array, m: number): Promise<Float32Array> {
    const input = {
      data: this.codebook.lookup(codes),
      shape: [m, this.grid.height, this.grid.width, this.codebook.dim],
    };
    return decodePixelParameters(this.bundle, this.form, input, 'image');
  }
}
