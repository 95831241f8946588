import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/config/config.ts';
import { GenreportError } from '../../src/core/errors.ts';

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-config-'));
  const file = join(dir, 'run.yaml');
  writeFileSync(file, text);
  return file;
}

test('defaults fill in and paths resolve against the config file', () => {
  const file = configFile('models: [bundles/a, /abs/b]\n');
  const { config } = readConfig(file);
  assert.deepEqual(config.models, [join(file, '..', 'bundles/a'), '/abs/b']);
  assert.equal(config.data.real, 'mnist:test');
  assert.equal(config.samples, 1000);
  assert.equal(config.seed, 1);
  assert.deepEqual(config.kid, { subsets: 100, subsetSize: 1000 });
});

test('every problem is reported at once, naming the file and the field', () => {
  const file = configFile('models: []\nsamples: -5\nseed: 1.5\nkid: { subsets: 0 }\ncolour: blue\n');
  assert.throws(
    () => readConfig(file),
    (e: unknown) => {
      assert.ok(e instanceof GenreportError);
      assert.equal(e.exitCode, 2);
      const fields = e.problems.map((p) => p.field).sort();
      assert.deepEqual(
        fields,
        ['(root)', 'kid.subsets', 'models', 'samples', 'seed'].map((f) => (f === '(root)' ? undefined : f)).sort(),
      );
      assert.ok(e.problems.every((p) => p.file === file));
      assert.match(e.message, /colour/);
      return true;
    },
  );
});

test('a missing file and broken YAML are named', () => {
  assert.throws(
    () => readConfig('/nonexistent/run.yaml'),
    (e: Error) => e.message === '/nonexistent/run.yaml: config file not found',
  );
  const file = configFile('models: [a\n');
  assert.throws(
    () => readConfig(file),
    (e: Error) => e.message.startsWith(`${file}: is not valid YAML`),
  );
});

test("data.train follows the real data: a named set's train split, none for the user's own images", () => {
  const train = (data: string) => readConfig(configFile(`models: [a]\n${data}`)).config.data.train;
  assert.equal(train(''), 'mnist:train');
  assert.equal(train('data: { real: cifar10:test }\n'), 'cifar10:train');
  assert.equal(train('data: { real: mnist:train }\n'), 'mnist:train');
  assert.equal(train('data: { real: my-images }\n'), undefined);
  const file = configFile('models: [a]\ndata: { real: cifar10:test, train: shots }\n');
  assert.equal(readConfig(file).config.data.train, join(file, '..', 'shots'), 'a path given is resolved, not replaced');
  assert.equal(
    readConfig(configFile('models: [a]\ndata: { real: cifar10:test }\n')).config.data.real,
    'cifar10:test',
    'a named set is not a path',
  );
});
