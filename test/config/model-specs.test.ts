/** `models:` entries: paths, or { path, name, family } for samples-only models; both resolve against the config file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenreportError } from '../../src/core/errors.ts';
import { modelPath, modelSamples, validateConfig } from '../../src/config/config.ts';

test('strings and objects mix; paths become absolute against the config folder', () => {
  const config = validateConfig(
    { models: ['bundles/a', { path: 'samples.npz', name: 'adm', family: 'gan' }, { path: '/abs/folder' }] },
    'run.yaml',
    '/runs',
  );
  assert.deepEqual(config.models, [
    '/runs/bundles/a',
    { path: '/runs/samples.npz', name: 'adm', family: 'gan' },
    { path: '/abs/folder' },
  ]);
  assert.deepEqual(config.models.map(modelPath), ['/runs/bundles/a', '/runs/samples.npz', '/abs/folder']);
});

test('an unknown family, a bad name or an unknown key is reported with its field', () => {
  assert.throws(
    () => validateConfig({ models: [{ path: 'x', family: 'diffusion' }] }, 'run.yaml', '/runs'),
    (e: unknown) => e instanceof GenreportError && /run\.yaml: models\.0/.test(e.message),
  );
  assert.throws(() => validateConfig({ models: [{ path: 'x', name: 'bad name' }] }, 'run.yaml', '/runs'), /models\.0/);
  assert.throws(() => validateConfig({ models: [{ path: 'x', colour: 'red' }] }, 'run.yaml', '/runs'), /models\.0/);
});

test("a model's own samples: a positive whole number, checked against what the metrics need with its field named", async () => {
  const config = validateConfig({ models: ['a', { path: 'ar', samples: 300 }], samples: 1000 }, 'run.yaml', '/runs');
  assert.deepEqual(
    config.models.map((m) => modelSamples(m, config.samples)),
    [1000, 300],
  );
  assert.throws(
    () => validateConfig({ models: [{ path: 'ar', samples: 0 }] }, 'run.yaml', '/runs'),
    /run\.yaml: models\.0\.samples/,
  );
  const { assertEnoughSamples } = await import('../../src/pipeline/check-inputs.ts');
  const few = validateConfig({ models: ['a', { path: 'ar', samples: 3 }], samples: 1000 }, 'run.yaml', '/runs');
  assert.throws(
    () => assertEnoughSamples(few, ['fid', 'precision'], { file: 'run.yaml' }),
    /run\.yaml: models\.1\.samples: /,
  );
  assert.doesNotThrow(() => assertEnoughSamples(config, ['fid', 'precision'], { file: 'run.yaml' }));
});
