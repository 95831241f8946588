/**
 * A rerun after a crash resumes: a real run is killed with SIGKILL as soon as
 * its first model's results are cached, the rerun reuses them (and says so),
 * measures only the rest, and writes the same report.json as a run that was
 * never interrupted — byte for byte once timings and dates are masked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CACHE_DIR } from '../../src/pipeline/model-cache.ts';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/genreport.js');
const work = mkdtempSync(join(tmpdir(), 'genreport-resume-'));
const MODELS = ['gan-dcgan', 'gan-dcgan-ema', 'vae-conv'].map((m) => join(root, 'samples', 'mnist', m));

/** Two sibling folders with the same config, so report paths (relative to the working folder) read alike. */
function runFolder(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'run.yaml'),
    [
      'data: { real: mnist:test, count: 300 }',
      `models: [${MODELS.join(', ')}]`,
      'samples: 100',
      'batchSize: 100',
      'metrics: [fid, precision, recall]',
      'bootstrap: { resamples: 20 }',
      'density: { images: 20, iwaeSamples: 4 }',
      'invertibility: { images: 4, steps: 5, restarts: 1 }',
      'truncation: { psi: [0.5, 1], samples: 100 }',
      'output: { pdf: false }',
    ].join('\n'),
  );
  return dir;
}

const ARGS = ['run', 'run.yaml', '--out', 'report'];

function run(cwd: string, extra: string[] = []): { status: number | null; stderr: string; stdout: string } {
  return spawnSync(process.execPath, [bin, ...ARGS, ...extra], { cwd, encoding: 'utf8', timeout: 400_000 });
}

/** report.json without what legitimately differs between two runs: dates and measured times. */
function masked(file: string): string {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  return JSON.stringify(
    data,
    (key, value) =>
      ['createdAt', 'timings', 'samplesPerSecond', 'secondsPerImage'].includes(key) ? '<masked>' : value,
    1,
  );
}

function cachedFiles(cwd: string): string[] {
  const dir = join(cwd, 'report', CACHE_DIR);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json') && !f.includes('.partial-')) : [];
}

/** Start a run and SIGKILL it the moment the first model's cache entry lands. */
async function killAfterFirstModel(cwd: string): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, [bin, ...ARGS], { cwd, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
  const watch = setInterval(() => {
    if (cachedFiles(cwd).length > 0) child.kill('SIGKILL');
  }, 50);
  const signal = await exited;
  clearInterval(watch);
  return signal;
}

test('killed during model 2 of 3, the rerun reuses model 1 and its report equals an uninterrupted run', {
  timeout: 900_000,
}, async () => {
  const whole = runFolder('uninterrupted');
  const first = run(whole);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(cachedFiles(whole).length, 3, 'each model is cached as it finishes');

  const resumed = runFolder('resumed');
  assert.equal(await killAfterFirstModel(resumed), 'SIGKILL', 'the run was killed, not finished');
  assert.ok(!existsSync(join(resumed, 'report', 'report.json')), 'a killed run writes no report');
  const kept = cachedFiles(resumed).length;
  assert.ok(kept >= 1 && kept < 3, `models cached before the kill: ${kept}`);

  const rerun = run(resumed);
  assert.equal(rerun.status, 0, rerun.stderr);
  const said = `${rerun.stdout}${rerun.stderr}`;
  assert.match(
    said,
    /dcgan: reused results from report\/\.genreport-cache\/[0-9a-f]{64}\.json \(same config, seed and bundle\)/,
  );
  assert.equal(said.match(/reused results from/g)?.length, kept, 'only the models finished before the kill are reused');
  assert.equal(masked(join(resumed, 'report', 'report.json')), masked(join(whole, 'report', 'report.json')));

  // --fresh measures every model again (and keeps the new results); --no-cache neither reads nor writes.
  const fresh = run(resumed, ['--fresh']);
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.doesNotMatch(`${fresh.stdout}${fresh.stderr}`, /reused results/);
  assert.equal(cachedFiles(resumed).length, 3);
  const again = run(resumed);
  assert.equal(`${again.stdout}${again.stderr}`.match(/reused results from/g)?.length, 3);
  const seed = run(resumed, ['--seed', '2', '--no-cache']);
  assert.equal(seed.status, 0, seed.stderr);
  assert.doesNotMatch(`${seed.stdout}${seed.stderr}`, /reused results|results kept in/);
});
