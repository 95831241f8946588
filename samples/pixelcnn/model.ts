/**
 * A small PixelCNN (van den Oord et al. 2016) for 28×28 8-bit MNIST: a 7×7
 * convolution with mask A (a pixel never sees itself), residual 3×3 blocks
 * with mask B (a pixel's features see themselves), then 1×1 layers to 256
 * logits per pixel. Masks are kept by zeroing the masked kernel taps after
 * every update, so the saved model is plain Conv2D layers that load anywhere.
 */
import * as tf from '@tensorflow/tfjs';

export interface PixelCnnSize {
  /** Channels of the masked layers. */
  filters: number;
  /** Residual mask-B blocks after the mask-A layer. */
  blocks: number;
  /** Channels of the 1×1 layer before the logits. */
  head: number;
}

/**
 * How far a pixel's logits reach (the manifest's `context`): the 7×7 mask-A
 * layer sees 3 rows up and 3 columns each side, every 3×3 mask-B layer one
 * more; the 1×1 layers add nothing.
 */
export function pixelCnnContext(size: PixelCnnSize): { rowsAbove: number; columnsLeft: number; columnsRight: number } {
  const reach = 3 + size.blocks;
  return { rowsAbove: reach, columnsLeft: reach, columnsRight: reach };
}

export interface PixelCnn {
  model: tf.LayersModel;
  /** Zero every masked tap again (call after each optimiser step). */
  applyMasks(): void;
}

export function buildPixelCnn(seed: number, size: PixelCnnSize): PixelCnn {
  let s = seed;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const masked: { layer: tf.layers.Layer; mask: tf.Tensor4D }[] = [];
  const maskedConv = (input: tf.SymbolicTensor, kernelSize: number, type: 'A' | 'B', inChannels: number, name: string) => {
    const layer = tf.layers.conv2d({ filters: size.filters, kernelSize, padding: 'same', activation: 'relu', kernelInitializer: init(), name });
    masked.push({ layer, mask: rasterMask(kernelSize, inChannels, size.filters, type) });
    return layer.apply(input) as tf.SymbolicTensor;
  };

  const input = tf.input({ shape: [28, 28, 1] });
  let h = maskedConv(input, 7, 'A', 1, 'masked_a');
  for (let b = 0; b < size.blocks; b++) {
    const inner = maskedConv(h, 3, 'B', size.filters, `masked_b${b}`);
    h = tf.layers.add({ name: `residual${b}` }).apply([h, inner]) as tf.SymbolicTensor;
  }
  h = tf.layers.conv2d({ filters: size.head, kernelSize: 1, activation: 'relu', kernelInitializer: init(), name: 'head' }).apply(h) as tf.SymbolicTensor;
  const logits = tf.layers.conv2d({ filters: 256, kernelSize: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }), name: 'logits' }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits, name: 'pixelcnn' });

  const applyMasks = () =>
    tf.tidy(() => {
      for (const { layer, mask } of masked) {
        const kernel = layer.trainableWeights[0];
        kernel.write(tf.mul(kernel.read(), mask));
      }
    });
  applyMasks();
  return { model, applyMasks };
}

/**
 * 1 where a tap sees a pixel before the centre in raster order (rows above;
 * same row, left of it), and at the centre itself for mask B.
 */
function rasterMask(k: number, inChannels: number, outChannels: number, type: 'A' | 'B'): tf.Tensor4D {
  const c = Math.floor(k / 2);
  const values = new Float32Array(k * k * inChannels * outChannels);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const open = i < c || (i === c && (j < c || (type === 'B' && j === c)));
      if (open) values.fill(1, (i * k + j) * inChannels * outChannels, (i * k + j + 1) * inChannels * outChannels);
    }
  }
  return tf.tensor4d(values, [k, k, inChannels, outChannels]);
}
