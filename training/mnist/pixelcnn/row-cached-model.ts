/**
 * A PixelCNN in two parts, so that sampling can reuse work per row and still
 * see the whole image above (van den Oord et al. 2016's vertical and
 * horizontal stacks, without the blind spot):
 *   above: image → features of the rows strictly above each position. The
 *          image is shifted down one row, then causal column convolutions
 *          (k rows: this one and k-1 above) alternate with full-width row
 *          convolutions, reaching rowsReach rows up and ±columnsReach across.
 *   row:   (image, above) → 256 logits per pixel, where pixel (r, w) sees only
 *          columns < w of its own row (shifted right one column, then causal
 *          row convolutions) plus above's features at its own position.
 * log p(x) = row(x, above(x)) in one pass. A sampler runs `above` once per row
 * (28 times per image) and `row` on that one row once per pixel.
 * Every layer is a built-in Keras layer, so the bundle loads anywhere.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadTfjsModel } from '../../../src/models/tfjs-files.ts';

export interface RowCachedSize {
  /** Channels of both stacks. */
  filters: number;
  /** Residual [column conv, row conv] blocks in `above`. */
  aboveBlocks: number;
  /** Rows a column convolution spans (this one and the ones above). */
  columnKernel: number;
  /** Residual causal row-conv blocks in `row`. */
  rowBlocks: number;
  /** Channels of the 1×1 layer before the logits. */
  head: number;
}

export interface RowCachedPixelCnn {
  above: tf.LayersModel;
  row: tf.LayersModel;
  /** x → logits, the two parts composed (for training). */
  model: tf.LayersModel;
}

const WIDTH = 28;

export function buildRowCachedPixelCnn(seed: number, size: RowCachedSize): RowCachedPixelCnn {
  let s = seed;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const { filters } = size;
  const conv = (
    name: string,
    kernelSize: [number, number],
    activation: 'relu' | 'linear' = 'relu',
    padding: 'valid' | 'same' = 'valid',
  ) => tf.layers.conv2d({ filters, kernelSize, padding, activation, kernelInitializer: init(), name });
  const pad = (name: string, padding: [[number, number], [number, number]]) =>
    tf.layers.zeroPadding2d({ padding, name });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(x) as tf.SymbolicTensor;

  // above: shift down one row, so row r's features start from rows < r.
  const aboveInput = tf.input({ shape: [null, WIDTH, 1], name: 'image' });
  let v = apply(
    tf.layers.cropping2D({
      cropping: [
        [0, 1],
        [0, 0],
      ],
      name: 'shift_down_crop',
    }),
    apply(
      pad('shift_down', [
        [1, 0],
        [0, 0],
      ]),
      aboveInput,
    ),
  );
  const k = size.columnKernel;
  const half = Math.floor(k / 2);
  v = apply(
    conv('v_in', [k, k]),
    apply(
      pad('v_in_pad', [
        [k - 1, 0],
        [half, half],
      ]),
      v,
    ),
  );
  for (let b = 0; b < size.aboveBlocks; b++) {
    const column = apply(
      conv(`v${b}_column`, [k, 1]),
      apply(
        pad(`v${b}_pad`, [
          [k - 1, 0],
          [0, 0],
        ]),
        v,
      ),
    );
    const across = apply(conv(`v${b}_row`, [1, k], 'relu', 'same'), column);
    v = apply(tf.layers.add({ name: `v${b}_residual` }), [v, across]);
  }
  const above = tf.model({ inputs: aboveInput, outputs: v, name: 'above' });

  // row: shift right one column, so pixel w's features start from columns < w.
  const rowImage = tf.input({ shape: [null, WIDTH, 1], name: 'image' });
  const rowAbove = tf.input({ shape: [null, WIDTH, filters], name: 'above' });
  const shifted = apply(
    tf.layers.cropping2D({
      cropping: [
        [0, 0],
        [0, 1],
      ],
      name: 'shift_right_crop',
    }),
    apply(
      pad('shift_right', [
        [0, 0],
        [1, 0],
      ]),
      rowImage,
    ),
  );
  const fromAbove = (name: string) => apply(conv(name, [1, 1], 'linear'), rowAbove);
  let h = apply(
    conv('h_in', [1, k], 'linear'),
    apply(
      pad('h_in_pad', [
        [0, 0],
        [k - 1, 0],
      ]),
      shifted,
    ),
  );
  h = apply(
    tf.layers.activation({ activation: 'relu', name: 'h_in_relu' }),
    apply(tf.layers.add({ name: 'h_in_join' }), [h, fromAbove('h_in_above')]),
  );
  for (let b = 0; b < size.rowBlocks; b++) {
    const left = apply(
      conv(`h${b}_row`, [1, 3], 'linear'),
      apply(
        pad(`h${b}_pad`, [
          [0, 0],
          [2, 0],
        ]),
        h,
      ),
    );
    const joined = apply(
      tf.layers.activation({ activation: 'relu', name: `h${b}_relu` }),
      apply(tf.layers.add({ name: `h${b}_join` }), [left, fromAbove(`h${b}_above`)]),
    );
    h = apply(tf.layers.add({ name: `h${b}_residual` }), [h, joined]);
  }
  h = apply(
    tf.layers.conv2d({
      filters: size.head,
      kernelSize: 1,
      activation: 'relu',
      kernelInitializer: init(),
      name: 'head',
    }),
    h,
  );
  const logits = apply(
    tf.layers.conv2d({
      filters: 256,
      kernelSize: 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }),
      name: 'logits',
    }),
    h,
  );
  const row = tf.model({ inputs: [rowImage, rowAbove], outputs: logits, name: 'row' });

  return { above, row, model: composed(above, row) };
}

/** The two parts of a saved bundle, to train further. */
export async function loadRowCachedPixelCnn(bundle: string): Promise<RowCachedPixelCnn> {
  const above = (await loadTfjsModel(join(bundle, 'above', 'model.json'))) as tf.LayersModel;
  const row = (await loadTfjsModel(join(bundle, 'row', 'model.json'))) as tf.LayersModel;
  return { above, row, model: composed(above, row) };
}

function composed(above: tf.LayersModel, row: tf.LayersModel): tf.LayersModel {
  const image = tf.input({ shape: [WIDTH, WIDTH, 1], name: 'image' });
  const features = above.apply(image) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: row.apply([image, features]) as tf.SymbolicTensor, name: 'pixelcnn' });
}

/** Rows up and columns across that `above` sees from a pixel (the shift adds one row). */
export function aboveReach(size: RowCachedSize): { rows: number; columns: number } {
  const k = size.columnKernel;
  const half = Math.floor(k / 2);
  return { rows: 1 + (k - 1) * (1 + size.aboveBlocks), columns: half * (1 + size.aboveBlocks) };
}
