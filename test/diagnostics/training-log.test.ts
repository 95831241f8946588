import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBundleTrainingLog, readTrainingLog } from '../../src/diagnostics/training-log.ts';
import type { LoadedManifest, Manifest } from '../../src/models/manifest.ts';

const fixtures = fileURLToPath(new URL('../fixtures/logs/', import.meta.url));
const fixture = (name: string): string => join(fixtures, name);

test('a CSV log reads into columns, with empty cells as NaN', () => {
  const log = readTrainingLog(fixture('gan-train-log.csv'));
  assert.deepEqual(log.step, [1, 2, 3]);
  assert.deepEqual(Object.keys(log.series), ['g_loss', 'd_loss', 'd_real', 'd_fake', 'fid']);
  assert.deepEqual(log.series.g_loss, [0.69, 0.71, 0.75]);
  assert.ok(Number.isNaN(log.series.d_real![2]));
  assert.ok(Number.isNaN(log.series.fid![0]) && Number.isNaN(log.series.fid![1]));
  assert.equal(log.series.fid![2], 88.5);
});

test('a JSON-lines log reads into the same columns; null, a missing key and blank lines are tolerated', () => {
  const log = readTrainingLog(fixture('gan-train-log.jsonl'));
  assert.deepEqual(log.step, [1, 2, 3]);
  assert.deepEqual(log.series.g_loss, [0.69, 0.71, 0.75]);
  assert.ok(Number.isNaN(log.series.d_loss![1]), 'null reads as not logged');
  assert.ok(Number.isNaN(log.series.fid![0]), 'a key first seen later reads as not logged before');
  assert.equal(log.series.fid![2], 88.5);
});

const malformed: [string, RegExp][] = [
  ['short-row.csv', /short-row\.csv:3: expected 3 comma-separated values \(step,g_loss,d_loss\), found 2/],
  ['not-a-number.csv', /not-a-number\.csv:3: d_loss: expected a number or an empty cell, found "abc"/],
  ['truncated.jsonl', /truncated\.jsonl:2: is not valid JSON/],
  ['out-of-order.csv', /out-of-order\.csv:4: step: step 2 does not follow step 3/],
];
for (const [name, message] of malformed) {
  test(`a malformed log (${name}) is refused naming the file and line`, () => {
    assert.throws(() => readTrainingLog(fixture(name)), message);
  });
}

test('a CSV log without a step column, or a JSON line that is not an object, is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-log-'));
  writeFileSync(join(dir, 'no-step.csv'), 'g_loss,d_loss\n0.7,1.3\n');
  writeFileSync(join(dir, 'array.jsonl'), '{"step":1,"g_loss":0.7}\n[1,2]\n');
  writeFileSync(join(dir, 'text-value.jsonl'), '{"step":1,"g_loss":"0.7"}\n');
  assert.throws(() => readTrainingLog(join(dir, 'no-step.csv')), /no-step\.csv:1: header must name a "step" column/);
  assert.throws(() => readTrainingLog(join(dir, 'array.jsonl')), /array\.jsonl:2: expected one JSON object per line/);
  assert.throws(
    () => readTrainingLog(join(dir, 'text-value.jsonl')),
    /text-value\.jsonl:1: g_loss: expected a finite number or null/,
  );
});

function bundleWithLog(log: string | null): LoadedManifest {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-bundle-'));
  const manifest = { training: log === null ? undefined : { log } } as Manifest;
  return { manifest, file: join(dir, 'genmodel.json'), dir, root: realpathSync(dir) };
}

test("a bundle's log is found through the manifest's training.log, relative to the bundle", () => {
  const bundle = bundleWithLog('logs/train.jsonl');
  const logs = join(bundle.dir, 'logs');
  mkdirSync(logs);
  copyFileSync(fixture('gan-train-log.jsonl'), join(logs, 'train.jsonl'));
  assert.deepEqual(readBundleTrainingLog(bundle)?.step, [1, 2, 3]);
});

test('a bundle that declares no log has none; one whose declared log is missing is an error on training.log', () => {
  assert.equal(readBundleTrainingLog(bundleWithLog(null)), null);
  const missing = bundleWithLog('train-log.csv');
  assert.throws(
    () => readBundleTrainingLog(missing),
    /genmodel\.json: training\.log: declares training log train-log\.csv, which is not in the bundle/,
  );
});
