/**
 * A decoder whose output is a distribution per pixel on the 8-bit data
 * space (likelihood.form), as the VAE's and the hybrid's are: its
 * parameters, checked, and the images it shows (displayedPixel: the mean, or
 * the logistic's median).
 */
import { assertFinite } from '../../core/errors.ts';
import { at } from '../../core/indexed.ts';
import { imageBatch, type ImageBatch } from '../../core/types.ts';
import { displayedPixel, PARAMETERS_PER_PIXEL, type PixelForm } from '../../likelihood/pixel-forms.ts';
import type { Bundle } from '../bundle.ts';
import { expectValuesShape, requireRunnable } from '../generative-model.ts';
import type { ComponentTensor, TensorRole } from '../runtimes/onnx-component.ts';

/** The decoder's pixel parameters [m, H, W, C·p] for one batch of m inputs, checked for shape and finite values. */
export async function decodePixelParameters(
  bundle: Bundle,
  form: PixelForm,
  input: ComponentTensor,
  role: TensorRole,
): Promise<Float32Array> {
  const { height, width, channels } = bundle.manifest.image;
  const m = at(input.shape, 0, 'decoder input shape');
  const p = PARAMETERS_PER_PIXEL[form];
  // Any runtime: pixel parameters laid out [n, H, W, C·p] (ONNX NCHW: [n, C·p, H, W], channel c·p + k).
  const [output] = await requireRunnable(bundle, 'decoder').run([input], { inputs: [role], outputs: ['image'] });
  expectValuesShape(
    output.shape,
    [m, height, width, channels * p],
    bundle,
    'decoder',
    `likelihood.form "${form}" (${p} parameters per pixel)`,
  );
  assertFinite(output.data, bundle.manifestFile, 'components.decoder');
  return output.data;
}

/** The images shown for n decoder inputs, decoded in batches; `parameters(start, m)` decodes inputs start to start + m − 1. */
export async function displayedImages(
  bundle: Bundle,
  form: PixelForm,
  n: number,
  batchSize: number,
  parameters: (start: number, m: number) => Promise<Float32Array>,
): Promise<ImageBatch> {
  const { height, width, channels, range } = bundle.manifest.image;
  const pixels = height * width * channels;
  const p = PARAMETERS_PER_PIXEL[form];
  const data = new Float32Array(n * pixels);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const params = await parameters(start, m);
    for (let j = 0; j < m * pixels; j++) data[start * pixels + j] = displayedPixel(form, params, j * p, range);
  }
  return imageBatch(n, height, width, channels, data);
}
