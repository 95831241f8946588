import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReportData } from '../../src/assemble/report-schema.ts';
import { GenreportError } from '../../src/core/errors.ts';
import { REPORT_SCHEMA_FILE, reportSchemaText } from '../../scripts/write-report-schema.ts';
import { buildFixtureReport } from '../render/fixture-report.ts';

const BIN = fileURLToPath(new URL('../../bin/genreport.js', import.meta.url));

test('schema/report.schema.json is what scripts/write-report-schema.ts writes now', () => {
  assert.equal(
    readFileSync(REPORT_SCHEMA_FILE, 'utf8'),
    reportSchemaText(),
    'stale: run node --import tsx scripts/write-report-schema.ts',
  );
});

test('a report survives JSON and the schema unchanged', async () => {
  const data = await buildFixtureReport();
  const raw = JSON.parse(JSON.stringify(data));
  assert.deepEqual(parseReportData(raw, 'report.json'), raw);
});

test('a bad field is named with the file', async () => {
  const raw = JSON.parse(JSON.stringify(await buildFixtureReport()));
  raw.results['vae-mnist'].fid.value = 'low';
  raw.models[0].family = 'diffusion';
  assert.throws(
    () => parseReportData(raw, 'r.json'),
    (e: unknown) => {
      assert.ok(e instanceof GenreportError && e.exitCode === 2);
      assert.match(e.message, /^r\.json: models\.0\.family: /m);
      assert.match(e.message, /^r\.json: results\.vae-mnist\.fid\.value: /m);
      return true;
    },
  );
  assert.throws(
    () => parseReportData({ ...raw, format: 'other/1' }, 'r.json'),
    /r\.json: format: is not a genreport report/,
  );
});

test('genreport render exits 2 on a report.json that does not match the schema', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-schema-test-'));
  try {
    const raw = JSON.parse(JSON.stringify(await buildFixtureReport()));
    delete raw.run.seed;
    writeFileSync(join(dir, 'report.json'), JSON.stringify(raw));
    const r = spawnSync(process.execPath, [BIN, 'render', join(dir, 'report.json'), '--no-pdf'], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${join(dir, 'report.json')}: run\\.seed: `));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
