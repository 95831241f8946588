import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../src/config/config.ts';
import { GenreportError } from '../../src/core/errors.ts';
import { defaultSpaceWarning } from '../../src/pipeline.ts';

const cfg = (fields: Record<string, unknown>) => validateConfig({ models: ['m'], ...fields }, 'run.yaml', '/base');

test('features: default is mnist-classifier, marked as defaulted', () => {
  const config = cfg({});
  assert.deepEqual(config.features, [{ spec: 'mnist-classifier' }]);
  assert.equal(config.featuresDefaulted, true);
  assert.equal(defaultSpaceWarning(config), undefined);
});

test('features: a string, a list, presets and inline declarations; paths relative to the config file', () => {
  assert.deepEqual(cfg({ features: 'x/tiny.onnx' }).features, [{ spec: '/base/x/tiny.onnx' }]);
  const config = cfg({
    features: [
      'mnist-classifier',
      'inception-fid=pt.onnx',
      '/abs/m.json',
      { extractor: 'c.onnx', name: 'CIFAR ResNet', classes: ['a', 'b'], probabilities: 'probs' },
    ],
  });
  assert.deepEqual(config.features, [
    { spec: 'mnist-classifier' },
    { spec: 'inception-fid=/base/pt.onnx' },
    { spec: '/abs/m.json' },
    { spec: '/base/c.onnx', declaration: { name: 'CIFAR ResNet', classes: ['a', 'b'], probabilities: 'probs' } },
  ]);
  assert.equal(config.featuresDefaulted, undefined);
});

test('features: an empty list or an entry without extractor is refused, field named', () => {
  for (const features of [[], [{ name: 'x' }], 3]) {
    assert.throws(
      () => cfg({ features }),
      (e: unknown) =>
        e instanceof GenreportError &&
        e.problems.some((p) => p.file === 'run.yaml' && p.field?.startsWith('features') === true),
    );
  }
});

test('non-MNIST data with no features: warns that the default space is a digit classifier', () => {
  const warning = defaultSpaceWarning(cfg({ data: { real: 'cifar10:test' } }));
  assert.match(warning ?? '', /domain classifier for handwritten digits, not for cifar10:test/);
  assert.equal(
    defaultSpaceWarning(cfg({ data: { real: 'cifar10:test' }, features: 'mnist-classifier' })),
    undefined,
    "a named choice is the user's",
  );
});

test('an inline declaration (features: { extractor, ...fields }) declares the file like a sidecar', async () => {
  const { loadExtractor } = await import('../../src/features/registry.ts');
  const file = new URL('../fixtures/features/tiny-inception.onnx', import.meta.url).pathname;
  const extractor = await loadExtractor(file, {
    inline: { fields: { name: 'Tiny Inception' }, where: 'run.yaml', field: 'features.1' },
  });
  assert.equal(extractor.info.name, 'Tiny Inception');
  extractor.dispose();
  await assert.rejects(
    loadExtractor(file, { inline: { fields: { colour: 'blue' }, where: 'run.yaml', field: 'features.1' } }),
    (e: unknown) =>
      e instanceof GenreportError && e.problems.some((p) => p.file === 'run.yaml' && p.field === 'features.1.colour'),
  );
  await assert.rejects(
    loadExtractor('mnist-classifier', { inline: { fields: { name: 'x' }, where: 'run.yaml', field: 'features.0' } }),
    /takes no declaration/,
  );
});
