/** `genreport check` end to end: exit codes and the files CI reads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturePath, type FixtureName } from './fixtures.ts';

const BIN = fileURLToPath(new URL('../../bin/genreport.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'genreport-check-'));

function check(current: FixtureName, extra: string[] = [], env: Record<string, string> = {}) {
  const r = spawnSync(
    process.execPath,
    [BIN, 'check', '--current', fixturePath(current), '--baseline', fixturePath('baseline'), ...extra],
    {
      encoding: 'utf8',
      env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a regression inside the interval exits 0 and says so', () => {
  const r = check('release-within-interval');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /within CI +worse by 0\.770/);
  assert.match(
    r.stdout,
    /\nPASSED: 9 of 9 checks passed; 2 regressed inside the uncertainty \(not failed\), 1 skipped\n$/,
  );
});

test('a failed rule exits 1 and writes JUnit, the step summary (appended) and --markdown', () => {
  const junit = join(dir, 'gate.xml');
  const summary = join(dir, 'step-summary.md');
  const markdown = join(dir, 'gate.md');
  writeFileSync(summary, '# earlier step\n');
  const rules = join(dir, 'gates.yaml');
  writeFileSync(rules, 'metrics:\n  recall: { absolute: 0.1 }\n');
  const r = check('release-regressed', ['--rules', rules, '--junit', junit, '--markdown', markdown], {
    GITHUB_STEP_SUMMARY: summary,
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /genreport: FAILED: 1 of 9 checks failed; 1 skipped/);
  assert.match(readFileSync(junit, 'utf8'), /tests="10" failures="1" errors="0" skipped="1"/);
  const written = readFileSync(summary, 'utf8');
  assert.ok(written.startsWith('# earlier step\n## genreport check: failed\n'));
  assert.equal(readFileSync(markdown, 'utf8'), written.slice('# earlier step\n'.length));
});

test('reports that do not compare exit 2 with the reason', () => {
  const r = check('incompatible');
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /incompatible\.json: does not compare with .*baseline\.json: different real data \(current: MNIST test, 5000 images/,
  );
});

test('a file that is not a report exits 2 naming the file and field', () => {
  const foreign = join(dir, 'foreign.json');
  writeFileSync(foreign, JSON.stringify({ format: 'something-else/1' }));
  const r = spawnSync(process.execPath, [BIN, 'check', '--current', foreign, '--baseline', fixturePath('baseline')], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /foreign\.json: format: is not a genreport report \(expected genreport-report\/1\)/);
});
