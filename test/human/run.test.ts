/**
 * A run with `human.ratings` in its config: report.json, report.html and
 * report.md carry the Human judgments section; a bad ratings file stops the
 * run with exit 2, naming the file and line, before any model is measured.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReportData } from '../../src/assemble/report-data.ts';
import { syntheticRatings } from './synthetic-ratings.ts';

const BIN = fileURLToPath(new URL('../../bin/genreport.js', import.meta.url));

test('genreport run reads human.ratings into report.json, HTML and Markdown', { timeout: 300_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'genreport-human-run-'));
  // Two shipped GANs (28×28 like the real data): dcgan and dcgan-collapsed.
  const a = fileURLToPath(new URL('../../samples/mnist/gan-dcgan', import.meta.url));
  const b = fileURLToPath(new URL('../../samples/mnist/gan-collapsed', import.meta.url));
  try {
    mkdirSync(join(work, 'session'));
    writeFileSync(
      join(work, 'session', 'ratings.jsonl'),
      `${syntheticRatings('dcgan', 'dcgan-collapsed')
        .map((r) => JSON.stringify(r))
        .join('\n')}\n`,
    );
    const config = join(work, 'run.yaml');
    const lines = (ratings: string) =>
      [
        'data: { real: mnist:test, count: 200 }',
        `models: [${a}, ${b}]`,
        'samples: 50',
        'batchSize: 50',
        'metrics: [fid]',
        'bootstrap: { resamples: 0 }',
        'density: { images: 5, referenceTrainImages: 100 }',
        'invertibility: { images: 2, steps: 2, restarts: 1 }',
        'truncation: { psi: [1], samples: 50 }',
        'output: { pdf: false }',
        `human: { ratings: ${ratings}, resamples: 100 }`,
      ].join('\n');
    writeFileSync(config, lines('session/ratings.jsonl'));
    const out = join(work, 'report');
    const run = spawnSync(process.execPath, [BIN, 'run', config, '--out', out, '--quiet', '--backend', 'cpu'], {
      cwd: work,
      encoding: 'utf8',
      timeout: 280_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData;
    assert.equal(data.human!.ratings, join(work, 'session', 'ratings.jsonl'));
    assert.deepEqual(
      data.human!.foolRates.map((f) => [f.source, f.share.value]),
      [
        ['dcgan', 0.4],
        ['dcgan-collapsed', 20 / 95],
      ],
    );
    assert.equal(data.results.dcgan!['human-fool-rate']!.kind, 'value');
    assert.ok(data.run.timings.some((t) => t.stage === 'human'));
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /<h2>Human judgments<\/h2>/);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /## Human judgments/);

    writeFileSync(join(work, 'bad.jsonl'), '{"v":1,"kind":"single"}\n');
    writeFileSync(config, lines('bad.jsonl'));
    const bad = spawnSync(
      process.execPath,
      [BIN, 'run', config, '--out', join(work, 'bad'), '--quiet', '--backend', 'cpu'],
      { cwd: work, encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /bad\.jsonl: line 1: rater: /);
    assert.doesNotMatch(bad.stderr, /model 1\/2/);
  } finally {
    for (const d of [work]) rmSync(d, { recursive: true, force: true });
  }
});
