/**
 * `genreport check` on report.json files the pipeline really wrote: the sample
 * DCGANs measured with seeds 1 and 2 (test/fixtures/reports/real-seed*.json,
 * made with the config in test/fixtures/reports/README.md; image bytes and
 * chart SVG replaced by placeholders to keep them small).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/genreport.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/reports/${name}.json`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'genreport-check-real-'));

function check(current: string, baseline: string, extra: string[] = []) {
  const r = spawnSync(process.execPath, [BIN, 'check', '--current', current, '--baseline', baseline, ...extra], {
    encoding: 'utf8',
    env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the same run as current and baseline passes every check, unchanged', () => {
  const junit = join(dir, 'same.xml');
  const r = check(fixture('real-seed1'), fixture('real-seed1'), ['--junit', junit]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const name of ['dcgan', 'dcgan-ema', 'FID', 'Recall']) assert.ok(r.stdout.includes(name), name);
  // One test case per model × metric: 2 models × 6 metrics.
  assert.match(readFileSync(junit, 'utf8'), /tests="12" failures="0"/);
});

test('another latent seed moves PRDC beyond the baseline intervals at 1000 samples: a gate compares runs with the same seed', () => {
  // Same models, seed 2 against seed 1: the PRDC changes are sampling noise, yet
  // several leave the baseline's 95% interval, which is why release gates fix the seed.
  const markdown = join(dir, 'seeds.md');
  const junit = join(dir, 'seeds.xml');
  const r = check(fixture('real-seed2'), fixture('real-seed1'), ['--markdown', markdown, '--junit', junit]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /outside the baseline's 95% interval/);
  assert.doesNotMatch(r.stdout, /FID[^\n]*FAIL/);
  // The seed differs, and every output says so.
  const warning =
    'different seeds (current: 2; baseline: 1): other latents, subsets and resamples, so part of any change is sampling noise; a gate compares runs with the same seed';
  assert.ok(r.stdout.includes(`\nwarning: ${warning}\n`), r.stdout);
  assert.ok(readFileSync(markdown, 'utf8').includes(`> **Warning:** ${warning}`));
  assert.ok(readFileSync(junit, 'utf8').includes(`<system-out>warning: ${warning}</system-out>`));
});

test('with --strict, reports of different seeds or sample counts are refused (exit 2) naming both values', () => {
  const r = check(fixture('real-seed2'), fixture('real-seed1'), ['--strict']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /real-seed2\.json: --strict: does not compare with .*real-seed1\.json: different seeds \(current: 2; baseline: 1\)/,
  );
  // The same report against itself has nothing to warn about.
  const same = check(fixture('real-seed1'), fixture('real-seed1'), ['--strict']);
  assert.equal(same.code, 0, same.stderr);
  assert.doesNotMatch(same.stdout, /warning:/);
});

test('a real report whose FID doubled beyond its interval fails exactly that check', () => {
  const report = JSON.parse(readFileSync(fixture('real-seed1'), 'utf8'));
  const cell = report.results['dcgan-ema'].fid;
  cell.value *= 2;
  cell.interval = [cell.interval[0] * 2, cell.interval[1] * 2];
  const worse = join(dir, 'worse.json');
  writeFileSync(worse, JSON.stringify(report));
  const r = check(worse, fixture('real-seed1'));
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /dcgan-ema +FID[^\n]*FAIL/);
  assert.match(r.stderr, /FAILED: 1 of 12 checks failed/);
});

test('a real report and one of other models do not compare: exit 2 with the reason', () => {
  const r = check(fixture('real-seed1'), fixture('baseline'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /model/);
});
