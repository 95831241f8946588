/**
 * The per-model cache: exact round trips (typed arrays, NaN, −0), a key that
 * moves with everything that shapes a model's numbers and with nothing else,
 * and entries that are read only when asked, never trusted when damaged, and
 * pruned to the last run's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig, type RunConfig } from '../../src/config/config.ts';
import { parseExact, stringifyExact } from '../../src/core/exact-json.ts';
import type { ModelEvaluation } from '../../src/pipeline/evaluate-model.ts';
import {
  CACHE_DIR,
  hashArrays,
  modelKey,
  openModelCache,
  runKey,
  sourceHash,
  type RunKeyParts,
} from '../../src/pipeline/model-cache.ts';

test('exact JSON: typed arrays keep type and bits, NaN, ±Infinity and −0 survive', () => {
  const big = new Float64Array([0.1, NaN, -0, 1e-310, Infinity]);
  const value = {
    f64: big,
    offset: big.subarray(1, 3),
    f32: new Float32Array([1 / 3, -2.5]),
    i32: new Int32Array([-7, 2 ** 31 - 1]),
    u8: new Uint8Array([0, 255]),
    numbers: [NaN, Infinity, -Infinity, -0, 0, 1.5],
    nested: { series: { loss: [1, NaN, 2] }, text: 'x', none: null },
  };
  const back = parseExact<typeof value>(stringifyExact(value));
  assert.deepEqual(back, value);
  assert.ok(
    back.f64 instanceof Float64Array &&
      back.f32 instanceof Float32Array &&
      back.i32 instanceof Int32Array &&
      back.u8 instanceof Uint8Array,
  );
  assert.ok(Object.is(back.numbers[3], -0) && Object.is(back.f64[2], -0));
  assert.equal(back.f64[3], 1e-310);
  assert.deepEqual(back.offset, new Float64Array([NaN, -0]));
});

const config = (fields: Record<string, unknown> = {}): RunConfig =>
  validateConfig({ data: { real: 'mnist:test' }, models: ['a'], ...fields }, 'run.yaml', '/base');
const parts = (change: Partial<RunKeyParts> = {}): RunKeyParts => ({
  version: '1.0.0',
  code: 'c',
  config: config(),
  backend: 'wasm',
  extractorHash: 'e',
  realDataHash: 'r',
  cwd: '/work',
  ...change,
});

test("the run key changes with every input that shapes a model's numbers, and not with title, output or model list", () => {
  const base = runKey(parts());
  const changes: [string, Partial<RunKeyParts>][] = [
    ['seed', { config: config({ seed: 2 }) }],
    ['samples', { config: config({ samples: 999 }) }],
    ['batch size', { config: config({ batchSize: 100 }) }],
    ['metrics', { config: config({ metrics: ['fid'] }) }],
    ['bootstrap', { config: config({ bootstrap: { resamples: 10 } }) }],
    ['kid', { config: config({ kid: { subsets: 5, subsetSize: 10 } }) }],
    ['density', { config: config({ density: { images: 10 } }) }],
    ['real count', { config: config({ data: { real: 'mnist:test', count: 10 } }) }],
    ['real source', { config: config({ data: { real: 'mnist:train' } }) }],
    ['version', { version: '1.0.1' }],
    ['genreport source', { code: 'c2' }],
    ['backend', { backend: 'cpu' }],
    ['extractor', { extractorHash: 'e2' }],
    ['real images', { realDataHash: 'r2' }],
    ['training images', { trainDataHash: 't' }],
    ['working folder', { cwd: '/elsewhere' }],
  ];
  for (const [what, change] of changes) assert.notEqual(runKey(parts(change)), base, what);
  assert.equal(runKey(parts({ config: config({ title: 'Other', output: { pdf: false }, models: ['b', 'c'] }) })), base);
  assert.notEqual(modelKey(base, { dir: '/m', hash: 'h1' }), modelKey(base, { dir: '/m', hash: 'h2' }), 'bundle hash');
  assert.notEqual(
    modelKey(base, { dir: '/m', hash: 'h1' }),
    modelKey(base, { dir: '/n', hash: 'h1' }),
    'bundle folder',
  );
  assert.notEqual(
    modelKey(base, { dir: '/m', hash: 'h1' }),
    modelKey(base, { dir: '/m', hash: 'h1', samples: 300 }),
    "a model's own sample count",
  );
  const src = mkdtempSync(join(tmpdir(), 'genreport-src-'));
  mkdirSync(join(src, 'metrics'));
  writeFileSync(join(src, 'metrics', 'fid.ts'), 'a');
  const before = sourceHash(src);
  assert.equal(sourceHash(src), before);
  writeFileSync(join(src, 'metrics', 'fid.ts'), 'b');
  assert.notEqual(sourceHash(src), before, 'a changed source file');
  assert.match(sourceHash(), /^[0-9a-f]{64}$/);
  assert.notEqual(hashArrays([new Float32Array([1, 2])]), hashArrays([new Float32Array([1, 2.0001])]));
  assert.notEqual(
    hashArrays([new Float32Array([1]), undefined]),
    hashArrays([new Float32Array([1]), new Uint8Array(0)]),
  );
});

function evaluation(name: string): ModelEvaluation {
  return {
    entry: { name, family: 'vae', bundle: name, hash: 'h', parameters: 3, status: 'ok', samplesPerSecond: 10 },
    cells: { fid: { kind: 'value', value: 1.5, interval: [1, 2], n: 10 } },
    paired: { fid: { kind: 'bootstrap', values: new Float64Array([1, 1.5, 2]) } },
    // A grid's images come back to the bit: the grid stage draws them after a cached model is read.
    grids: [
      {
        id: `samples-${name}`,
        title: `Samples: ${name}`,
        caption: 'two images',
        model: name,
        columns: 16,
        pixels: { n: 2, height: 1, width: 2, channels: 1, data: new Uint8Array([26, 85, 255, 0]) },
      },
    ],
    density: {
      entries: [
        {
          model: name,
          estimate: {
            estimator: 'iwae',
            kind: 'bound',
            samples: 4,
            dataSpace: 'uint8-28x28x1',
            logLikelihoods: new Float64Array([-700.25, -800.5]),
            secondsPerImage: 0.1,
            label: 'IWAE',
          },
        },
      ],
    },
    invertibility: { method: 'reconstruction', label: 'encoder mean' },
    training: {
      diagnostics: { model: name } as ModelEvaluation['training']['diagnostics'],
      log: { file: 'log.csv', step: [1, 2], series: { loss: [0.5, NaN] } },
    },
  };
}

test("entries: written atomically, read back exactly, ignored when asked (--fresh) or damaged, pruned to this run's", () => {
  const out = mkdtempSync(join(tmpdir(), 'genreport-cache-'));
  const dir = join(out, CACHE_DIR);
  const a = { dir: '/bundles/a', hash: 'ha' };
  const b = { dir: '/bundles/b', hash: 'hb' };
  const first = openModelCache(out, 'key', { read: true });
  assert.equal(first.read(a), null);
  const written = first.write(a, evaluation('a'));
  assert.ok('file' in written);
  const file = written.file;
  first.write(b, evaluation('b'));
  assert.ok(existsSync(file) && !readdirSync(dir).some((f) => f.includes('.partial-')));

  // A killed run may leave a half-written entry behind: removed when the cache opens.
  writeFileSync(join(dir, `.x.partial-123.json`), '{"trunc');
  const second = openModelCache(out, 'key', { read: true });
  assert.ok(!readdirSync(dir).some((f) => f.includes('.partial-')));
  const hit = second.read(a)!;
  assert.deepEqual(hit.evaluation, evaluation('a'));
  assert.ok(hit.evaluation.density.entries[0]!.estimate.logLikelihoods instanceof Float64Array);
  assert.equal(openModelCache(out, 'other key', { read: true }).read(a), null, 'another run key misses');
  assert.equal(openModelCache(out, 'key', { read: false }).read(a), null, '--fresh reads nothing');

  writeFileSync(join(dir, readdirSync(dir).find((f) => hit.file.endsWith(f))!), '{ not json');
  assert.equal(openModelCache(out, 'key', { read: true }).read(a), null, 'a damaged entry is measured again');

  // Only what this run read or wrote stays.
  second.prune();
  assert.equal(readdirSync(dir).length, 1);
  mkdirSync(join(out, 'empty'));
  openModelCache(join(out, 'empty'), 'key', { read: true }).prune();
  // An output folder that cannot hold the cache (here: a file in its place) is a warning, not a failed model.
  writeFileSync(join(out, 'blocked'), '');
  const blocked = openModelCache(join(out, 'blocked'), 'key', { read: true }).write(a, evaluation('a'));
  assert.ok('problem' in blocked && /could not keep this model's results for a rerun/.test(blocked.problem));
});
