/**
 * A causal conditional split in two, the shape that samples with each row's
 * context cached (the autoregressive family's `above` + `row`, the hybrid
 * family's `priorAbove` + `priorRow`):
 *   above: shifts its input down one row (its features of row 0 are 0);
 *   row:   a 1×2 convolution over the row zero-padded on the left (tap 0
 *          reads the value to the left, tap 1 the position's own, which a
 *          causal model leaves at 0), plus a 1×1 convolution, without bias,
 *          of above's features at the same position.
 * So logit_k(h, w) = left_k · x(h, w − 1) + fromAbove_k · x(h − 1, w) + bias_k.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveLayersModel } from '../../src/models/tfjs-files.ts';

export interface RowCachedWeights {
  /** Per output: the weight of the value to the left. */
  left: ArrayLike<number>;
  /** Per output: the weight of the value above. */
  fromAbove: ArrayLike<number>;
  bias: ArrayLike<number>;
}

/**
 * Writes the two models into `dir`/`folders.above` and `dir`/`folders.row`;
 * `aboveHeight` fixes the rows `above` accepts (null: any, as sampling needs).
 */
export async function writeRowCached(
  dir: string,
  folders: { above: string; row: string },
  shape: { width: number; aboveHeight?: number | null },
  weights: RowCachedWeights,
): Promise<void> {
  const outputs = weights.bias.length;
  const input = tf.input({ shape: [shape.aboveHeight ?? null, shape.width, 1] });
  const shiftedDown = tf.layers
    .cropping2D({
      cropping: [
        [0, 1],
        [0, 0],
      ],
    })
    .apply(
      tf.layers
        .zeroPadding2d({
          padding: [
            [1, 0],
            [0, 0],
          ],
        })
        .apply(input),
    );
  const above = tf.model({ inputs: input, outputs: shiftedDown as tf.SymbolicTensor });

  const rowValues = tf.input({ shape: [null, shape.width, 1] });
  const rowAbove = tf.input({ shape: [null, shape.width, 1] });
  const padded = tf.layers
    .zeroPadding2d({
      padding: [
        [0, 0],
        [1, 0],
      ],
    })
    .apply(rowValues);
  const fromLeft = tf.layers.conv2d({ filters: outputs, kernelSize: [1, 2] });
  const fromAbove = tf.layers.conv2d({ filters: outputs, kernelSize: 1, useBias: false });
  const logits = tf.layers
    .add()
    .apply([fromLeft.apply(padded) as tf.SymbolicTensor, fromAbove.apply(rowAbove) as tf.SymbolicTensor]);
  const row = tf.model({ inputs: [rowValues, rowAbove], outputs: logits as tf.SymbolicTensor });
  // Kernel [1, 2, 1, outputs]: tap 0 the value to the left, tap 1 the position's own (0: causal).
  const kernel = new Float32Array(2 * outputs);
  kernel.set(Array.from(weights.left));
  fromLeft.setWeights([tf.tensor4d(kernel, [1, 2, 1, outputs]), tf.tensor1d(Array.from(weights.bias))]);
  fromAbove.setWeights([tf.tensor4d(Array.from(weights.fromAbove), [1, 1, 1, outputs])]);

  await saveLayersModel(above, join(dir, folders.above));
  await saveLayersModel(row, join(dir, folders.row));
  above.dispose();
  row.dispose();
}
