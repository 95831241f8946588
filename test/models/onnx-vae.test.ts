/**
 * VAEs exported from PyTorch to ONNX (scripts/reference/make-model-fixtures.py),
 * with the posterior as two outputs (named in io) or one of 2·dim: genreport's
 * posterior, shown images and log p(x|z) match PyTorch's (1e-5 relative,
 * 1e-4 nats).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { imageBatch } from '../../src/core/types.ts';
import { readNpz } from '../../src/data/npz.ts';
import { imageLogProbabilities } from '../../src/likelihood/pixel-forms.ts';
import type { VaeModel } from '../../src/models/adapters/vae.ts';
import { disposeBundle } from '../../src/models/bundle.ts';
import { loadModel } from '../../src/models/load-model.ts';

await initBackend('wasm');
const fixtures = resolve(import.meta.dirname, '../fixtures/models-onnx');

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 0.01));
  return worst;
}

for (const name of ['vae-two-outputs', 'vae-one-output']) {
  test(`${name}: posterior, shown images and log p(x|z) equal PyTorch's`, async () => {
    const ref = readNpz(join(fixtures, name, 'reference.npz'));
    const { bundle, model } = await loadModel(join(fixtures, name));
    const vae = model as VaeModel;
    try {
      const [n, h, w, c] = ref.images!.shape as [number, number, number, number];
      const images = imageBatch(n, h, w, c, ref.images!.data as Float32Array);
      const q = await vae.encode(images, 4);
      const posterior = Math.max(
        maxRelative(q.mean, ref.mean!.data),
        maxRelative(q.logVariance, ref.log_variance!.data),
      );
      const shown = await vae.decode(ref.latents!.data as Float32Array, 4);
      const shownError = maxRelative(shown.data, ref.shown!.data);
      // log p(x_i | z_i) from the decoder's parameters, through the same pixel form the bounds use.
      const [params] = await bundle.runnable.decoder!.run(
        [{ data: ref.latents!.data as Float32Array, shape: [n!, 3] }],
        { inputs: ['values'], outputs: ['image'] },
      );
      const levels = Uint8Array.from(ref.images!.data, (v) => Math.round(v * 255));
      const logPx = imageLogProbabilities('discretized-logistic', params.data, levels, n!, [-1, 1]);
      const nats = Math.max(...Array.from(logPx, (v, i) => Math.abs(v - ref.log_px_given_z!.data[i]!)));
      console.log(
        `${name}: posterior max relative ${posterior.toExponential(2)}, shown ${shownError.toExponential(2)}, log p(x|z) max |Δ| ${nats.toExponential(2)} nats`,
      );
      assert.ok(posterior <= 1e-5, `posterior ${posterior}`);
      assert.ok(shownError <= 1e-5, `shown ${shownError}`);
      assert.ok(nats <= 1e-4, `log p(x|z) differs by ${nats} nats`);
    } finally {
      disposeBundle(bundle);
    }
  });
}
