import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { deviceOf, nvidiaGpus } from '../../src/core/backend.ts';

test('the device names the GPU only where the native backend loaded and nvidia-smi lists one', () => {
  assert.equal(
    deviceOf('tensorflow', () => ['NVIDIA H100 80GB HBM3']),
    'GPU: NVIDIA H100 80GB HBM3 (CUDA, tfjs-node-gpu)',
  );
  assert.match(
    deviceOf('tensorflow', () => []),
    /^CPU: .+, \d+ cores \(tfjs-node-gpu found no CUDA GPU\)$/,
  );
  // wasm and the JS backend run on the CPU whatever GPU the machine has.
  assert.equal(
    deviceOf('wasm', () => ['NVIDIA H100 80GB HBM3']),
    deviceOf('cpu', () => []),
  );
  assert.match(deviceOf('wasm'), new RegExp(`^CPU: .+, ${availableParallelism()} cores$`));
});

test('nvidia-smi missing or failing lists no GPU (no throw)', () => {
  const gpus = nvidiaGpus();
  assert.ok(Array.isArray(gpus));
  for (const g of gpus) assert.ok(g.length > 0);
});
