/**
 * The two shapes an autoregressive bundle's network may take, behind one
 * interface: every pixel's conditional at once (log-likelihood), and one
 * pixel's at a time in raster order (sampling).
 *   model:       one network, image → parameters. Sampling runs it once per
 *                pixel, on the crop the pixel depends on when the manifest
 *                declares a `context`, else on the whole image.
 *   above + row: the same split in two. `above` maps the image to features of
 *                the rows strictly above each position; `row` maps (image
 *                rows, their above-features) to parameters, each row on its
 *                own, pixel (w, c) seeing only what precedes it in its row.
 *                Sampling runs `above` once per row and `row` on one row per
 *                pixel, so a pixel can see the whole image above it cheaply.
 */
import * as tf from '@tensorflow/tfjs';
import { GenreportError, inputError } from '../../core/errors.ts';
import { dims } from '../../core/indexed.ts';
import { levelsToRange } from '../../likelihood/data-space.ts';
import { PARAMETERS_PER_PIXEL, type PixelForm } from '../../likelihood/pixel-forms.ts';
import type { Bundle } from '../bundle.ts';
import { checkComponentShapes, imageAxes, type Axis } from '../component-shapes.ts';
import { assertFinite } from '../../core/errors.ts';
import {
  expectShape,
  expectValuesShape,
  finiteValues,
  requireComponent,
  requireRunnable,
  runComponent,
} from '../generative-model.ts';

export interface ConditionalNetwork {
  /** The component whose output holds the parameters (named when it is wrong). */
  readonly output: 'model' | 'row';
  /** Every pixel's parameters [m, H, W, C·P] for m images in the model's range, NaN refused. */
  parameters(values: Float32Array, m: number): Promise<Float32Array>;
  /** Row h's conditionals for m images of 8-bit levels whose rows above h are final. */
  forRow(levels: Uint8Array, m: number, h: number): Promise<RowConditionals>;
}

export interface RowConditionals {
  /** Parameters of pixel (h, w, c) for each of the m images, [m · P]; pixels before it must be final. */
  pixel(w: number, c: number): Promise<Float32Array>;
  dispose(): void;
}

export function conditionalNetwork(bundle: Bundle, form: PixelForm): ConditionalNetwork {
  if (bundle.runnable.model?.runtime === 'onnx') return new RunnableOnePassNetwork(bundle, form);
  return bundle.components.above ? new RowCachedNetwork(bundle, form) : new OnePassNetwork(bundle, form);
}

/** Parameters of one pixel out of a [m, rows, columns, C·P] output, NaN refused. */
async function pixelOf(
  output: tf.Tensor,
  m: number,
  row: number,
  column: number,
  c: number,
  p: number,
  bundle: Bundle,
  component: 'model' | 'row',
): Promise<Float32Array> {
  const pixel = tf.slice(output, [0, row, column, c * p], [m, 1, 1, p]);
  try {
    return await finiteValues(pixel, bundle, component);
  } finally {
    pixel.dispose();
  }
}

class OnePassNetwork implements ConditionalNetwork {
  readonly output = 'model';
  private readonly p: number;

  constructor(
    private readonly bundle: Bundle,
    private readonly form: PixelForm,
  ) {
    requireComponent(bundle, 'model');
    this.p = PARAMETERS_PER_PIXEL[form];
    // With a context the model also runs on crops, so only its channels are fixed.
    const input = bundle.manifest.context
      ? imageAxes(bundle).map((a, i): Axis => (i === 1 || i === 2 ? { size: null } : a))
      : imageAxes(bundle);
    checkComponentShapes(bundle, [
      { component: 'model', inputs: [input], output: imageAxes(bundle, this.p, 'likelihood.form') },
    ]);
  }

  async parameters(values: Float32Array, m: number): Promise<Float32Array> {
    const output = tf.tidy(() => this.wholeImage(values, m));
    try {
      return await finiteValues(output, this.bundle, 'model');
    } finally {
      output.dispose();
    }
  }

  wholeImage(values: Float32Array, m: number): tf.Tensor {
    const { height, width, channels } = this.bundle.manifest.image;
    const output = runComponent(
      requireComponent(this.bundle, 'model'),
      tf.tensor4d(values, [m, height, width, channels]),
    );
    expectShape(
      output,
      [m, height, width, channels * this.p],
      this.bundle,
      'model',
      `likelihood.form "${this.form}" (${this.p} parameters per pixel)`,
    );
    return output;
  }

  async forRow(levels: Uint8Array, m: number, h: number): Promise<RowConditionals> {
    return {
      pixel: async (w, c) => {
        const crop = cropAround(this.bundle, h, w);
        const output = tf.tidy(() => this.runOnCrop(levels, m, crop));
        try {
          return await pixelOf(output, m, h - crop.top, w - crop.left, c, this.p, this.bundle, 'model');
        } finally {
          output.dispose();
        }
      },
      dispose: () => {},
    };
  }

  private runOnCrop(levels: Uint8Array, m: number, crop: Crop): tf.Tensor {
    const { height, width, channels, range } = this.bundle.manifest.image;
    if (crop.rows === height && crop.columns === width) return this.wholeImage(levelsToRange(levels, range), m);
    const input = tf.tensor4d(levelsToRange(cropLevels(this.bundle, levels, m, crop), range), [
      m,
      crop.rows,
      crop.columns,
      channels,
    ]);
    const model = requireComponent(this.bundle, 'model');
    let output: tf.Tensor;
    try {
      // predict() insists on the declared input size; apply() runs a fully convolutional model on any.
      output = (model instanceof tf.LayersModel ? model.apply(input) : model.execute(input)) as tf.Tensor;
    } catch (e) {
      throw inputError(
        this.bundle.manifestFile,
        `the model cannot run on a ${crop.rows}x${crop.columns} crop (${(e as Error).message}); remove the context to sample from whole images`,
        'context',
      );
    }
    expectShape(
      output,
      [m, crop.rows, crop.columns, channels * this.p],
      this.bundle,
      'model',
      `a ${crop.rows}x${crop.columns} crop (manifest context)`,
    );
    return output;
  }
}

/** A window of the image: first row and column, and its size. */
interface Crop {
  top: number;
  left: number;
  rows: number;
  columns: number;
}

/**
 * The window of the image pixel (h, w) depends on: the declared context
 * (at most 7×13 of 28×28 positions for a small PixelCNN), or the whole
 * image. The conditional there is the same as on the whole image, because
 * every tap it reads lies inside the crop or beyond the image's own edge.
 */
function cropAround(bundle: Bundle, h: number, w: number): Crop {
  const { height, width } = bundle.manifest.image;
  const context = bundle.manifest.context;
  if (!context) return { top: 0, left: 0, rows: height, columns: width };
  const top = Math.max(0, h - context.rowsAbove);
  const left = Math.max(0, w - context.columnsLeft);
  const right = Math.min(width - 1, w + context.columnsRight);
  return { top, left, rows: h - top + 1, columns: right - left + 1 };
}

/** The crop's 8-bit levels, [m, rows, columns, C], out of m whole images. */
function cropLevels(bundle: Bundle, levels: Uint8Array, m: number, crop: Crop): Uint8Array {
  const { height, width, channels } = bundle.manifest.image;
  const rowLength = crop.columns * channels;
  const cropped = new Uint8Array(m * crop.rows * rowLength);
  for (let i = 0; i < m; i++) {
    for (let r = 0; r < crop.rows; r++) {
      const from = ((i * height + crop.top + r) * width + crop.left) * channels;
      cropped.set(levels.subarray(from, from + rowLength), (i * crop.rows + r) * rowLength);
    }
  }
  return cropped;
}

class RowCachedNetwork implements ConditionalNetwork {
  readonly output = 'row';
  private readonly p: number;

  constructor(
    private readonly bundle: Bundle,
    private readonly form: PixelForm,
  ) {
    requireComponent(bundle, 'above');
    requireComponent(bundle, 'row');
    this.p = PARAMETERS_PER_PIXEL[form];
    // Rows are free: sampling runs `above` on the first h + 1 rows and `row` on one.
    const rows = (axes: Axis[]): Axis[] => axes.map((a, i) => (i === 1 ? { size: null } : a));
    const image = rows(imageAxes(bundle));
    checkComponentShapes(bundle, [
      { component: 'above', inputs: [image] },
      {
        component: 'row',
        inputs: [image, rows(imageAxes(bundle)).map((a, i) => (i === 3 ? { size: null } : a))],
        output: rows(imageAxes(bundle, this.p, 'likelihood.form')),
      },
    ]);
  }

  async parameters(values: Float32Array, m: number): Promise<Float32Array> {
    const output = this.wholeImage(values, m);
    try {
      return await finiteValues(output, this.bundle, 'row');
    } finally {
      output.dispose();
    }
  }

  wholeImage(values: Float32Array, m: number): tf.Tensor {
    const { height, width, channels } = this.bundle.manifest.image;
    return tf.tidy(() => {
      const images = tf.tensor4d(values, [m, height, width, channels]);
      return this.runRow(images, this.runAbove(images));
    });
  }

  async forRow(levels: Uint8Array, m: number, h: number): Promise<RowConditionals> {
    const { height, width, channels, range } = this.bundle.manifest.image;
    // Row h's features come from the rows above it alone, so the pass stops at row h.
    const aboveRow = tf.tidy(() => {
      const rows = tf.slice(
        tf.tensor4d(levelsToRange(levels, range), [m, height, width, channels]),
        [0, 0, 0, 0],
        [m, h + 1, width, channels],
      );
      let features: tf.Tensor;
      try {
        features = this.runAbove(rows);
      } catch (e) {
        if (e instanceof GenreportError) throw e;
        throw inputError(
          this.bundle.manifestFile,
          `cannot run on the first ${h + 1} rows of an image (${(e as Error).message}); sampling needs an above component that takes any number of rows`,
          'components.above',
        );
      }
      return tf.slice(features, [0, h, 0, 0], [m, 1, width, features.shape[3]!]);
    });
    const rowLength = width * channels;
    const row = new Uint8Array(m * rowLength);
    return {
      pixel: async (w, c) => {
        for (let i = 0; i < m; i++)
          row.set(levels.subarray((i * height + h) * rowLength, (i * height + h + 1) * rowLength), i * rowLength);
        const output = tf.tidy(() =>
          this.runRow(tf.tensor4d(levelsToRange(row, range), [m, 1, width, channels]), aboveRow),
        );
        try {
          return await pixelOf(output, m, 0, w, c, this.p, this.bundle, 'row');
        } finally {
          output.dispose();
        }
      },
      dispose: () => aboveRow.dispose(),
    };
  }

  /** above: [m, rows, W, C] → [m, rows, W, F], any F. */
  private runAbove(images: tf.Tensor): tf.Tensor {
    const [m, rows, width] = dims(images.shape, 3, 'image rows');
    const features = runComponent(requireComponent(this.bundle, 'above'), images);
    expectShape(
      features,
      [m, rows, width, features.shape[3] ?? 0],
      this.bundle,
      'above',
      `${rows} rows of images (any number of features)`,
    );
    return features;
  }

  /** row: ([m, rows, W, C], [m, rows, W, F]) → [m, rows, W, C·P]. */
  private runRow(images: tf.Tensor, features: tf.Tensor): tf.Tensor {
    const [m, rows, width, channels] = dims(images.shape, 4, 'image rows');
    const output = runComponent(requireComponent(this.bundle, 'row'), [images, features]);
    expectShape(
      output,
      [m, rows, width, channels * this.p],
      this.bundle,
      'row',
      `likelihood.form "${this.form}" (${this.p} parameters per pixel)`,
    );
    return output;
  }
}

/**
 * One network (`model`) on any runtime (an ONNX file): every pixel's
 * parameters in one pass, and sampling that runs the model once per pixel on
 * the crop the pixel depends on when the manifest declares a `context` (the
 * file must then take any height and width: export with them as dynamic
 * axes), else on the whole image.
 */
class RunnableOnePassNetwork implements ConditionalNetwork {
  readonly output = 'model';
  private readonly p: number;

  constructor(
    private readonly bundle: Bundle,
    private readonly form: PixelForm,
  ) {
    requireRunnable(bundle, 'model');
    this.p = PARAMETERS_PER_PIXEL[form];
  }

  async parameters(values: Float32Array, m: number): Promise<Float32Array> {
    const { height, width } = this.bundle.manifest.image;
    const output = await this.run(
      values,
      m,
      height,
      width,
      `likelihood.form "${this.form}" (${this.p} parameters per pixel)`,
    );
    assertFinite(output, this.bundle.manifestFile, 'components.model');
    return output;
  }

  /** Parameters [m, rows, columns, C·P] of m images (or crops) in the model's range. */
  private async run(
    values: Float32Array,
    m: number,
    rows: number,
    columns: number,
    what: string,
  ): Promise<Float32Array> {
    const { channels } = this.bundle.manifest.image;
    const [output] = await requireRunnable(this.bundle, 'model').run(
      [{ data: values, shape: [m, rows, columns, channels] }],
      { inputs: ['image'], outputs: ['image'] },
    );
    if (!output) throw inputError(this.bundle.manifestFile, 'gave no output', 'components.model');
    expectValuesShape(output.shape, [m, rows, columns, channels * this.p], this.bundle, 'model', what);
    return output.data;
  }

  async forRow(levels: Uint8Array, m: number, h: number): Promise<RowConditionals> {
    const { height, width, channels, range } = this.bundle.manifest.image;
    return {
      pixel: async (w, c) => {
        const crop = cropAround(this.bundle, h, w);
        const whole = crop.rows === height && crop.columns === width;
        let all: Float32Array;
        if (whole) {
          all = await this.parameters(levelsToRange(levels, range), m);
        } else {
          const values = levelsToRange(cropLevels(this.bundle, levels, m, crop), range);
          try {
            all = await this.run(
              values,
              m,
              crop.rows,
              crop.columns,
              `a ${crop.rows}x${crop.columns} crop (manifest context)`,
            );
          } catch (e) {
            // A file exported with a fixed image size refuses the crop (or makes the wrong shape).
            throw inputError(
              this.bundle.manifestFile,
              `the model cannot run on a ${crop.rows}x${crop.columns} crop (${(e as Error).message}); export it with dynamic height and width, or remove the context to sample from whole images`,
              'context',
            );
          }
          assertFinite(all, this.bundle.manifestFile, 'components.model');
        }
        // Pixel (h, w, c) within what was run.
        const at = ((h - crop.top) * crop.columns + (w - crop.left)) * channels + c;
        const d = crop.rows * crop.columns * channels;
        const out = new Float32Array(m * this.p);
        for (let i = 0; i < m; i++) out.set(all.subarray((i * d + at) * this.p, (i * d + at + 1) * this.p), i * this.p);
        return out;
      },
      dispose: () => {},
    };
  }
}
