/**
 * The ONNX extractor against PyTorch on the same network
 * (test/fixtures/features, made by scripts/reference/make-feature-fixtures.py),
 * its declarations, and every kind of bad input, in process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GenreportError } from '../../src/core/errors.ts';
import { imageBatch } from '../../src/core/types.ts';
import { loadImageFolder } from '../../src/data/image-folder.ts';
import { readNpy } from '../../src/data/npy.ts';
import { loadOnnxExtractor } from '../../src/features/onnx-extractor.ts';
import { loadOnnxRuntime, openOnnxModel } from '../../src/models/runtimes/onnx.ts';
import { maxRelative } from '../helpers/relative-error.ts';

const FIX = fileURLToPath(new URL('../fixtures/features/', import.meta.url));
const NET = join(FIX, 'tiny-inception.onnx');

function tempCopy(file: string, sidecar?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-onnx-'));
  const copy = join(dir, 'model.onnx');
  copyFileSync(file, copy);
  if (sidecar !== undefined)
    writeFileSync(`${copy}.extractor.json`, typeof sidecar === 'string' ? sidecar : JSON.stringify(sidecar));
  return copy;
}

async function rejectsInput(promise: Promise<unknown>, pattern: RegExp, field?: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof GenreportError, `expected an input error, got ${e}`);
    assert.equal(e.exitCode, 2);
    assert.match(e.message, pattern);
    if (field)
      assert.ok(
        e.problems.some((p) => p.field === field),
        `field ${field} in ${JSON.stringify(e.problems)}`,
      );
    return true;
  });
}

for (const set of ['a', 'b'] as const) {
  test(`features of images-${set} equal PyTorch's to 1e-5 relative (no sidecar: NCHW RGB [0,1], own size, first output)`, async () => {
    const images = await loadImageFolder(join(FIX, `images-${set}`));
    const extractor = await loadOnnxExtractor(NET);
    try {
      const { features } = await extractor.extract(images, 7);
      const expected = readNpy(join(FIX, `features-${set}.npy`));
      assert.deepEqual([features.rows, features.cols], expected.shape);
      const rel = maxRelative(features.data, expected.data as Float32Array, features.cols);
      process.stderr.write(`images-${set}: max relative error vs PyTorch ${rel.toExponential(2)}\n`);
      assert.ok(rel <= 1e-5, `max relative error ${rel}`);
    } finally {
      extractor.dispose();
    }
  });
}

test('features do not depend on the batch size', async () => {
  const images = await loadImageFolder(join(FIX, 'images-a'));
  const extractor = await loadOnnxExtractor(NET);
  try {
    const one = await extractor.extract(images, 1);
    const all = await extractor.extract(images, 24);
    assert.ok(maxRelative(one.features.data, all.features.data, 16) <= 1e-6);
  } finally {
    extractor.dispose();
  }
});

test('info records the file hash, output, dimension, resize, colour and runtime', async () => {
  const extractor = await loadOnnxExtractor(NET);
  try {
    const { info } = extractor;
    assert.match(info.hash, /^[0-9a-f]{64}$/);
    assert.equal(info.kind, 'onnx');
    assert.equal(info.output, 'features');
    assert.equal(info.dim, 16);
    assert.match(info.resize ?? '', /^none/);
    assert.match(info.runtime ?? '', /onnxruntime-node 1\.30\.0, (cpu|cuda), \d+ threads/);
    assert.deepEqual(extractor.preprocessing?.({ height: 28, width: 28, channels: 1 }), {
      resize: 'none (28×28)',
      colour: 'grey → RGB by channel replication',
    });
  } finally {
    extractor.dispose();
  }
});

test('a sidecar declares probabilities and class names; they come back per image', async () => {
  const file = tempCopy(join(FIX, 'classifier.onnx'), {
    name: 'tiny classifier',
    features: 'embedding',
    probabilities: 'probs',
    classes: ['a', 'b', 'c'],
  });
  const extractor = await loadOnnxExtractor(file);
  try {
    const r = await extractor.extract(
      imageBatch(
        5,
        8,
        8,
        3,
        Float32Array.from({ length: 5 * 192 }, (_, i) => (i % 17) / 16),
      ),
      2,
    );
    assert.equal(r.features.cols, 6);
    assert.equal(r.probabilities?.rows, 5);
    assert.equal(r.probabilities?.cols, 3);
    for (let i = 0; i < 5; i++)
      assert.ok(
        Math.abs(
          r.probabilities!.data[3 * i]! + r.probabilities!.data[3 * i + 1]! + r.probabilities!.data[3 * i + 2]! - 1,
        ) < 1e-6,
      );
    assert.deepEqual(r.classes, ['a', 'b', 'c']);
    assert.equal(extractor.info.name, 'tiny classifier');
  } finally {
    extractor.dispose();
  }
});

test('a declared size with a resize mode resizes; mode none refuses other sizes naming the field', async () => {
  const resized = await loadOnnxExtractor(tempCopy(NET, { size: 43, resize: 'bilinear' }));
  const strict = await loadOnnxExtractor(tempCopy(NET, { size: [43, 43] }));
  try {
    const r = await resized.extract(imageBatch(2, 28, 28, 3), 2);
    assert.equal(r.features.rows, 2);
    assert.match(resized.preprocessing!({ height: 28, width: 28, channels: 3 }).resize, /^bilinear .* 28×28 → 43×43$/);
    await rejectsInput(
      strict.extract(imageBatch(1, 28, 28, 3), 1),
      /images are 28×28, .* takes 43×43; declare a resize mode/,
      'resize',
    );
  } finally {
    resized.dispose();
    strict.dispose();
  }
});

test('RGB images to a 1-channel extractor work, with one warning', async () => {
  const warnings: string[] = [];
  const extractor = await loadOnnxExtractor(tempCopy(join(FIX, 'grey-extractor.onnx'), { channels: 1 }), {
    warn: (m) => warnings.push(m),
  });
  try {
    await extractor.extract(imageBatch(4, 8, 8, 3), 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /takes 1-channel images: RGB images were averaged to grey/);
  } finally {
    extractor.dispose();
  }
});

test('a preset refuses a file that is not its network, naming the file', async () => {
  await rejectsInput(
    loadOnnxExtractor(NET, { preset: 'inception-fid' }),
    /tiny-inception\.onnx: .*gives 16 features per image; preset "inception-fid" needs 2048/,
    'preset',
  );
  await rejectsInput(
    loadOnnxExtractor(tempCopy(NET), { preset: 'clip-vitb32' }),
    /gives 16 features per image; preset "clip-vitb32" needs 512/,
  );
});

test('a sidecar may not contradict its preset', async () => {
  await rejectsInput(
    loadOnnxExtractor(tempCopy(NET, { preset: 'dinov2-vitl14', resize: 'bilinear' })),
    /extractor\.json: resize: is "bilinear", preset "dinov2-vitl14" fixes it to "bicubic-pil"/,
    'resize',
  );
});

// ---------------------------------------------------------------- bad input

test('a sidecar with unknown fields is refused, naming the file and every field', async () => {
  const file = tempCopy(NET, { layout: 'NCHW', colour: 'rgb', outptu: 'x' });
  await assert.rejects(loadOnnxExtractor(file), (e: unknown) => {
    assert.ok(e instanceof GenreportError && e.exitCode === 2);
    assert.deepEqual(
      e.problems.map((p) => [p.file, p.field]),
      [
        [`${file}.extractor.json`, 'colour'],
        [`${file}.extractor.json`, 'outptu'],
      ],
    );
    assert.match(e.message, /model\.onnx\.extractor\.json: colour: unknown field/);
    return true;
  });
});

test('a sidecar with a bad value names the field', async () => {
  await rejectsInput(loadOnnxExtractor(tempCopy(NET, { resize: 'lanczos' })), /extractor\.json: resize:/, 'resize');
  await rejectsInput(loadOnnxExtractor(tempCopy(NET, '{ not json')), /extractor\.json/);
});

test('a missing model file is an input error naming it', async () => {
  await rejectsInput(loadOnnxExtractor(join(FIX, 'no-such.onnx')), /no-such\.onnx: model file not found/);
});

test('a file that is not ONNX is an input error naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-onnx-'));
  const file = join(dir, 'notes.onnx');
  writeFileSync(file, 'these are not the weights you are looking for\n');
  await rejectsInput(loadOnnxExtractor(file), /notes\.onnx: is not a model onnxruntime can load/);
  const empty = join(dir, 'empty.onnx');
  writeFileSync(empty, '');
  await rejectsInput(loadOnnxExtractor(empty), /empty\.onnx: is empty, not an ONNX model/);
});

test('an input of the wrong rank is refused', async () => {
  await rejectsInput(
    loadOnnxExtractor(join(FIX, 'bad/flat-input.onnx')),
    /flat-input\.onnx: .*input "images" has rank 2 .*takes rank 4/,
    'inputs.images',
  );
});

test('an input with other channels than declared is refused, saying how to declare it', async () => {
  await rejectsInput(
    loadOnnxExtractor(join(FIX, 'grey-extractor.onnx')),
    /grey-extractor\.onnx: channels: input "images" takes 1 channel\(s\) on axis 1 \(NCHW\), the declaration says 3; declare "channels": 1/,
    'channels',
  );
});

test('an output that is not one vector per image is refused', async () => {
  const extractor = await loadOnnxExtractor(join(FIX, 'bad/batch-mean.onnx'));
  try {
    await rejectsInput(
      extractor.extract(imageBatch(5, 8, 8, 3), 5),
      /batch-mean\.onnx: .*output "features" has shape \[3\] for 5 images: not one vector per image/,
      'outputs.features',
    );
  } finally {
    extractor.dispose();
  }
});

test('NaN features are refused, naming the output and the image', async () => {
  const extractor = await loadOnnxExtractor(join(FIX, 'bad/nan-output.onnx'));
  try {
    await rejectsInput(
      extractor.extract(imageBatch(2, 8, 8, 3), 2),
      /nan-output\.onnx: .*output "features" has a non-finite value \(NaN\) for image 0/,
      'outputs.features',
    );
  } finally {
    extractor.dispose();
  }
});

test('a missing onnxruntime-node says how to install it', async () => {
  const missing = async () => {
    throw Object.assign(new Error("Cannot find package 'onnxruntime-node'"), { code: 'ERR_MODULE_NOT_FOUND' });
  };
  await rejectsInput(
    loadOnnxRuntime('x.onnx', missing),
    /x\.onnx: is an ONNX model, and onnxruntime-node .* could not be loaded .*npm install onnxruntime-node@1\.30\.0 --onnxruntime-node-install=skip/,
  );
  await rejectsInput(openOnnxModel(NET, { importer: missing }), /npm install onnxruntime-node/);
});

test('the runtime reports names, shapes and the provider', async () => {
  const model = await openOnnxModel(NET, { threads: 1 });
  try {
    assert.deepEqual(model.inputs, [{ name: 'images', type: 'float32', shape: ['batch', 3, 'height', 'width'] }]);
    assert.equal(model.outputs[0]!.name, 'features');
    assert.equal(model.provider, 'cpu');
    assert.equal(model.threads, 1);
  } finally {
    await model.dispose();
  }
});
