/** The extractor registry: which kind a spec names, and the errors for specs that name none. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenreportError } from '../../src/core/errors.ts';
import { EXTRACTOR_KINDS, extractorKind } from '../../src/features/registry.ts';
import { PRESETS } from '../../src/features/presets.ts';

test('specs resolve to their kind: built-in, ONNX (with or without a preset), tfjs', () => {
  assert.deepEqual(
    EXTRACTOR_KINDS.map((k) => k.id),
    ['mnist-classifier', 'tfjs', 'onnx'],
  );
  assert.equal(extractorKind('mnist-classifier').id, 'mnist-classifier');
  assert.equal(extractorKind('models/net.ONNX').id, 'onnx');
  assert.equal(extractorKind('inception-fid=models/pt_inception.onnx').id, 'onnx');
  assert.equal(extractorKind('classifier/model.json').id, 'tfjs');
});

test('a preset without its file says how to name it; an unknown spec lists the kinds', () => {
  assert.throws(
    () => extractorKind('inception-fid'),
    (e: unknown) =>
      e instanceof GenreportError &&
      e.exitCode === 2 &&
      /--extractor: preset "inception-fid" needs the exported file: --extractor inception-fid=path\/to\/file\.onnx/.test(
        e.message,
      ),
  );
  assert.throws(
    () => extractorKind('resnet50'),
    (e: unknown) =>
      e instanceof GenreportError && /unknown extractor 'resnet50' \(known: mnist-classifier/.test(e.message),
  );
});

test('presets declare 3-channel NCHW input, a feature dimension and a named resize', () => {
  assert.deepEqual(
    Object.fromEntries(Object.values(PRESETS).map((p) => [p.id, [p.dim, p.declaration.size, p.declaration.resize]])),
    {
      'inception-fid': [2048, 'any', 'none'],
      'dinov2-vitl14': [1024, [224, 224], 'bicubic-pil'],
      'clip-vitb32': [512, [224, 224], 'bicubic-pil'],
    },
  );
  for (const p of Object.values(PRESETS)) {
    assert.equal(p.declaration.channels, 3);
    assert.equal(p.declaration.layout, 'NCHW');
    if (p.declaration.mean) assert.equal(p.declaration.mean.length, 3);
  }
});
