import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/data/npy.ts';
import { writeNpz } from '../../src/data/npz.ts';
import { metricsJson, runMetrics } from '../../src/cli/commands/metrics.ts';
import { GenreportError } from '../../src/core/errors.ts';
import { computeMetrics, DEFAULT_METRIC_OPTIONS } from '../../src/metrics/registry.ts';
import { loadCase } from './fixtures.ts';

const BIN = fileURLToPath(new URL('../../bin/genreport.js', import.meta.url));

function genreport(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('metricsJson: snake_case keys, KID as kid_mean/kid_std, intervals and reasons beside', () => {
  const json = metricsJson({
    kid: { value: 0.5, std: 0.1, n: 3 },
    'sliced-wasserstein': { value: 2, interval: [1, 3], n: 3 },
    'classifier-score': { notApplicable: 'no class probabilities' },
  });
  assert.deepEqual(json, {
    kid_mean: 0.5,
    kid_std: 0.1,
    sliced_wasserstein: 2,
    sliced_wasserstein_interval: [1, 3],
    classifier_score: null,
    not_applicable: { classifier_score: 'no class probabilities' },
  });
});

test('genreport metrics --json on .npy (float32) and .npz (float64) files prints what the registry computes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-metrics-'));
  try {
    const { real, fake } = loadCase('gauss-n200-d16');
    // float32 on disk: the command must compute on exactly those values, widened to float64.
    const real32 = Float32Array.from(real.data);
    writeNpy(join(dir, 'real.npy'), { dtype: 'float32', shape: [real.rows, real.cols], data: real32 });
    writeNpz(join(dir, 'fake.npz'), { features: { dtype: 'float64', shape: [fake.rows, fake.cols], data: fake.data } });
    const r = genreport([
      'metrics',
      '--real',
      join(dir, 'real.npy'),
      '--fake',
      join(dir, 'fake.npz'),
      '--json',
      '--kid-subsets',
      '4',
      '--kid-subset-size',
      '50',
      '--seed',
      '3',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout);
    for (const key of ['fid', 'kid_mean', 'kid_std', 'precision', 'recall', 'f1', 'density', 'coverage'])
      assert.equal(typeof printed[key], 'number', key);
    const expected = computeMetrics(
      ['fid', 'kid', 'precision', 'recall', 'f1', 'density', 'coverage'],
      { real: { features: { ...real, data: Float64Array.from(real32) } }, fake: { features: fake } },
      { ...DEFAULT_METRIC_OPTIONS, seed: 3, kidSubsets: 4, kidSubsetSize: 50 },
    );
    assert.deepEqual(printed, metricsJson(expected));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--metrics fid on two .npy files (moments streamed from disk) prints what the registry computes on the files read whole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-metrics-'));
  try {
    const { real, fake } = loadCase('gauss-n200-d16');
    const real32 = Float32Array.from(real.data);
    writeNpy(join(dir, 'real.npy'), { dtype: 'float32', shape: [real.rows, real.cols], data: real32 });
    writeNpy(join(dir, 'fake.npy'), { dtype: 'float64', shape: [fake.rows, fake.cols], data: fake.data });
    const args = ['metrics', '--real', join(dir, 'real.npy'), '--fake', join(dir, 'fake.npy'), '--metrics', 'fid'];
    const expected = computeMetrics(
      ['fid'],
      { real: { features: { ...real, data: Float64Array.from(real32) } }, fake: { features: fake } },
      DEFAULT_METRIC_OPTIONS,
    );
    const json = genreport([...args, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), metricsJson(expected));
    const table = genreport(args);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stderr, /real 200 × 16, generated 180 × 16; linear algebra: /);
    assert.match(table.stdout, /^fid +\d/);

    // A non-finite value found while streaming (here in the file the second thread reads) is bad input, named.
    const bad = Float64Array.from(fake.data);
    bad[7 * fake.cols + 3] = Number.NaN;
    writeNpy(join(dir, 'fake.npy'), { dtype: 'float64', shape: [fake.rows, fake.cols], data: bad });
    const refused = genreport([...args, '--json']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /fake\.npy.*non-finite value \(NaN\) at row 7, column 3/);
    assert.equal(refused.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input exits with code 2 and names the problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-metrics-'));
  try {
    const { real } = loadCase('gauss-n200-d16');
    writeNpy(join(dir, 'a.npy'), { dtype: 'float64', shape: [real.rows, real.cols], data: real.data });
    writeNpy(join(dir, 'b.npy'), { dtype: 'float64', shape: [real.rows * 2, real.cols / 2], data: real.data });
    const mismatch = genreport([
      'metrics',
      '--real',
      join(dir, 'a.npy'),
      '--fake',
      join(dir, 'b.npy'),
      '--metrics',
      'fid,nope',
    ]);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /--metrics: unknown metric "nope"; known: fid, /);
    const dims = genreport(['metrics', '--real', join(dir, 'a.npy'), '--fake', join(dir, 'b.npy'), '--metrics', 'fid']);
    assert.equal(dims.code, 2);
    assert.match(dims.stderr, /b\.npy: has 8 features per row, .*a\.npy has 16/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('genreport metrics with a one-row feature file is bad input naming the file and the metric, not an internal error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-metrics-rows-'));
  try {
    const real = join(dir, 'real.npy');
    const fake = join(dir, 'fake.npy');
    writeNpy(real, {
      dtype: 'float64',
      shape: [20, 3],
      data: Float64Array.from({ length: 60 }, (_, i) => Math.sin(i)),
    });
    writeNpy(fake, { dtype: 'float64', shape: [1, 3], data: Float64Array.from([1, 2, 3]) });
    const args = {
      real,
      fake,
      json: true,
      'kid-subsets': 10,
      'kid-subset-size': 10,
      'pr-k': 3,
      'prdc-k': 5,
      seed: 0,
      bootstrap: 0,
      'batch-size': 10,
    };
    await assert.rejects(runMetrics({ ...args, metrics: ['fid'] }), (e: unknown) => {
      assert.ok(e instanceof GenreportError);
      assert.equal(e.exitCode, 2);
      assert.equal(
        e.message,
        `${fake}: has too few rows: fid needs at least 2 generated rows (a covariance needs 2 rows), got 1`,
      );
      return true;
    });
    // Enough for FID, not for the k-NN radii of the default set (k = 5 on the real side).
    writeNpy(real, { dtype: 'float64', shape: [5, 3], data: Float64Array.from({ length: 15 }, (_, i) => Math.sin(i)) });
    await assert.rejects(
      runMetrics(args),
      /real\.npy: has too few rows: precision\/recall\/f1\/density\/coverage needs at least 6 real rows \(a k-th neighbour radius with k = 5 needs k \+ 1 rows\), got 5/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad number flag names the flag and the value as given, not NaN', async () => {
  const args = {
    real: 'r.npy',
    fake: 'f.npy',
    json: true,
    'kid-subsets': 10,
    'kid-subset-size': 10,
    'pr-k': 'abc',
    'prdc-k': 5,
    seed: 0,
    bootstrap: 0,
    'batch-size': 10,
  };
  await assert.rejects(runMetrics(args), /^GenreportError: --pr-k: must be a positive whole number, got "abc"$/);
  await assert.rejects(
    runMetrics({ ...args, 'pr-k': 3, 'kid-subset-size': '1' }),
    /--kid-subset-size: must be a whole number ≥ 2, got "1"/,
  );
});
