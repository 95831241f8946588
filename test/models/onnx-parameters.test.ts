/**
 * An ONNX component's parameter count is its initializers' elements, read
 * from the protobuf (onnxruntime does not expose them), and a bundle names
 * the runtime that ran it, with the execution provider.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { countInitializerElements } from '../../src/models/runtimes/onnx-parameters.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures/models-onnx');
const count = (path: string) => countInitializerElements(readFileSync(join(fixtures, path)));

test('initializer elements: PyTorch’s parameters, with buffers such as batch-norm statistics', () => {
  // Linear(4, 16) and Linear(16, 64): 4·16 + 16 + 16·64 + 64.
  assert.equal(count('gan-dense/generator.onnx'), 4 * 16 + 16 + 16 * 64 + 64);
  // ConvTranspose2d(4, 8, 4), BatchNorm2d(8) (weight, bias, running mean and variance), ConvTranspose2d(8, 3, 4).
  assert.equal(count('gan-dcgan/generator.onnx'), 4 * 8 * 16 + 8 + 4 * 8 + 8 * 3 * 16 + 3);
  // Conv2d(1, 256, 3): the known-answer autoregressive model.
  assert.equal(count('known-answer/ar-fixed/model.onnx'), 256 * 9 + 256);
  assert.equal(count('bad/not-a-model/generator.onnx'), null);
});

test('packed and unpacked dims both count; a graph with no initializers has none', () => {
  // ModelProto { graph (7) { initializer (5) { dims (1): [2, 3] packed } } }
  const packed = Uint8Array.from([0x3a, 0x06, 0x2a, 0x04, 0x0a, 0x02, 0x02, 0x03]);
  assert.equal(countInitializerElements(packed), 6);
  // The same dims unpacked, one varint each (field 1, wire type 0), as onnx's proto2 writes them.
  const unpacked = Uint8Array.from([0x3a, 0x06, 0x2a, 0x04, 0x08, 0x02, 0x08, 0x03]);
  assert.equal(countInitializerElements(unpacked), 6);
  assert.equal(countInitializerElements(Uint8Array.from([0x3a, 0x00])), 0);
});

test('a bundle sums its components’ parameters and names the ONNX execution provider', async () => {
  const bundle = await loadBundle(join(fixtures, 'vae-two-outputs'));
  try {
    assert.equal(bundle.parameters, count('vae-two-outputs/encoder.onnx')! + count('vae-two-outputs/decoder.onnx')!);
    assert.equal(bundle.runtimes.length, 1);
    assert.match(bundle.runtimes[0]!, /^onnxruntime-node 1\.\d+\.\d+, (cpu|cuda) execution provider, \d+ threads?$/);
  } finally {
    disposeBundle(bundle);
  }
});
