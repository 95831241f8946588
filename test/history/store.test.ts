import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentGitCommit } from '../../src/history/git-commit.ts';
import { appendHistory, readHistory } from '../../src/history/store.ts';
import { fixtureReport } from '../gate/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'genreport-history-'));
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

test('each run appends one record with date, commit, tool, data, extractor hash and per-model bundle hash and values', () => {
  const path = join(dir, 'nested', 'history.jsonl');
  appendHistory(path, fixtureReport('baseline'), { gitCommit: COMMIT });
  appendHistory(path, fixtureReport('release-pass'), {});
  const lines = readFileSync(path, 'utf8').split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[2], '');
  const warnings: string[] = [];
  const [first, second] = readHistory(path, (w) => warnings.push(w));
  assert.deepEqual(warnings, []);
  assert.equal(first!.date, '2025-03-01T14:05:00.000Z');
  assert.equal(first!.gitCommit, COMMIT);
  assert.equal(second!.gitCommit, null);
  assert.deepEqual(first!.tool, { name: 'genreport', version: '0.1.0' });
  assert.deepEqual(first!.dataset, { name: 'MNIST', split: 'test', count: 10000, shape: [28, 28, 1] });
  assert.equal(first!.extractor.hash, '9f2c4e1ab77d0c3e5f8a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566');
  assert.deepEqual(
    second!.models.map((m) => [m.name, m.hash]),
    [
      ['dcgan-mnist', 'b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2'],
      ['vae-mnist', 'f0e1d2c3b4a5968778695a4b3c2d1e0f'],
    ],
  );
  const gan = first!.models[0]!.values;
  assert.deepEqual(gan.fid, { value: 12.43, n: 2000, interval: [11.61, 13.38] });
  assert.deepEqual(gan.kid, { value: 0.0114, n: 2000, std: 0.0021 });
  assert.equal(gan['bits-per-dim'], undefined, 'a not-applicable cell has no value to keep');
});

test('corrupt and foreign lines are skipped with a warning naming file:line; appending never rewrites them', () => {
  const path = join(dir, 'mixed.jsonl');
  appendHistory(path, fixtureReport('baseline'), { gitCommit: null });
  const good = readFileSync(path, 'utf8');
  const valid = JSON.parse(good);
  const damaged = JSON.stringify({ ...valid, models: 'oops' });
  // A foreign line, a damaged record, and a torn last line without its newline (a writer that died).
  appendFileSync(path, `{"format":"other-tool/2","x":1}\n${damaged}\n\n{"format":"genreport-hist`);
  const before = readFileSync(path, 'utf8');
  appendHistory(path, fixtureReport('release-pass'), { gitCommit: null });
  const after = readFileSync(path, 'utf8');
  assert.ok(after.startsWith(before), 'earlier bytes are untouched');
  const warnings: string[] = [];
  const records = readHistory(path, (w) => warnings.push(w));
  assert.deepEqual(
    records.map((r) => r.date),
    ['2025-03-01T14:05:00.000Z', '2025-03-08T14:05:00.000Z'],
  );
  assert.deepEqual(warnings, [
    `${path}:2: skipped a line that is not a genreport-history/1 record (format "other-tool/2")`,
    `${path}:3: skipped a damaged record (models: Invalid input: expected array, received string)`,
    `${path}:5: skipped a line that is not valid JSON`,
  ]);
});

test('a history that does not exist yet is empty', () => {
  const warnings: string[] = [];
  assert.deepEqual(
    readHistory(join(dir, 'none.jsonl'), (w) => warnings.push(w)),
    [],
  );
  assert.deepEqual(warnings, []);
});

test('the git commit is the checkout HEAD, and null outside a repository', () => {
  const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
  const inRepo = currentGitCommit(repoRoot);
  if (inRepo !== null) assert.match(inRepo, /^[0-9a-f]{40}$/);
  const outside = mkdtempSync(join(tmpdir(), 'genreport-nogit-'));
  writeFileSync(join(outside, 'x'), '');
  assert.equal(currentGitCommit(outside), null);
});
