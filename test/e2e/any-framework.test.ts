/**
 * One run over a tfjs bundle, a GAN exported from PyTorch to ONNX, a
 * samples-only folder and an .onnx file that is not a model: the broken one
 * fails alone with its file named; the ONNX GAN gets samples, metrics and a
 * truncation sweep, and its inversion row says why it has no inverse (no
 * gradients through ONNX for a latent search, and no encoder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sliceImages } from '../../src/core/types.ts';
import { writeImageFolder } from '../../src/data/image-folder.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { runSmall, smallRunConfig } from '../helpers/small-run.ts';

const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'test/fixtures/models-onnx');
const work = mkdtempSync(join(tmpdir(), 'genreport-any-framework-'));

test('tfjs, ONNX and samples-only models in one report; a non-model .onnx fails alone', async () => {
  const folder = join(work, 'stored');
  await writeImageFolder(folder, sliceImages(loadMnist('train', 100).images, 0, 100));
  const { data } = runSmall(work, smallRunConfig([join(root, 'samples/gan-dcgan'), join(fixtures, 'gan-mnist-size'), `{ path: ${folder}, name: stored-digits }`, join(fixtures, 'bad/not-a-model')], { batchSize: 50 }), ['--backend', 'wasm']);
  assert.deepEqual(
    data.models.map((m) => [m.name, m.status]),
    [
      ['dcgan', 'ok'],
      ['gan-mnist-size', 'ok'],
      ['stored-digits', 'ok'],
      ['not-a-model', 'failed'],
    ],
  );
  assert.match(data.models[3].error ?? '', /not-a-model\/generator\.onnx: is not a model onnxruntime can load/);
  const onnx = 'gan-mnist-size';
  assert.equal(data.results[onnx].fid.kind, 'value');
  assert.ok(data.images.some((i) => i.id === `samples-${onnx}`));
  assert.deepEqual(data.truncation!.map((t) => t.model), ['dcgan', onnx]);
  const inversion = data.invertibility!.rows.find((r) => r.model === onnx)!;
  assert.equal(inversion.method, 'none');
  assert.match(inversion.reason ?? '', /the generator is ONNX, which gives no gradients here, so its latent cannot be searched for, and the bundle has no encoder/);
  assert.equal(data.invertibility!.rows.find((r) => r.model === 'stored-digits')!.label, 'n/a — samples only');
});
