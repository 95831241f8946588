import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gateJunit } from '../../src/gate/junit.ts';
import { gateMarkdown } from '../../src/gate/markdown.ts';
import { planGate } from '../../src/gate/plan.ts';
import { DEFAULT_RULES } from '../../src/gate/rules.ts';
import { gateTable } from '../../src/gate/table.ts';
import { fixtureReport } from './fixtures.ts';

const regressed = planGate(fixtureReport('release-regressed'), fixtureReport('baseline'), DEFAULT_RULES);

test('the terminal table has aligned columns, one row per model × metric, the bundle change and the verdict', () => {
  const lines = gateTable(regressed).trimEnd().split('\n');
  assert.match(lines[0]!, /^model {8}metric {9}baseline {2}current {2}change {3}allowed {11}result {3}why$/);
  const rows = lines.filter((l) => /^(dcgan|vae)-mnist /.test(l));
  assert.equal(rows.length, 10);
  // The result column starts at the same place in every row.
  const resultColumn = lines[0]!.indexOf('result');
  assert.deepEqual(new Set(rows.map((r) => r.slice(resultColumn).split(' ')[0])), new Set(['FAIL', 'pass', 'skipped']));
  assert.match(rows[0]!, /^dcgan-mnist {2}FID \(↓\) +12\.4 +15\.2 +\+2\.77 +≤ 5% of baseline +FAIL +worse by 2\.77/);
  assert.ok(lines.includes('bundle changed: dcgan-mnist a1b2c3d4e5f6 -> b7c8d9e0f1a2'));
  assert.equal(lines.at(-1), 'FAILED: 2 of 9 checks failed; 1 skipped');
});

test('the Markdown summary is a table with the verdict, and user text cannot break it', () => {
  const current = fixtureReport('release-regressed');
  const baseline = fixtureReport('baseline');
  for (const report of [current, baseline]) {
    report.models[1]!.name = 'vae|<b>v2</b>';
    report.results['vae|<b>v2</b>'] = report.results['vae-mnist']!;
  }
  const md = gateMarkdown(planGate(current, baseline, DEFAULT_RULES), {
    currentFile: 'new/report.json',
    baselineFile: 'main/report.json',
  });
  const lines = md.split('\n');
  assert.equal(lines[0], '## genreport check: failed');
  assert.equal(lines[2], '**FAILED: 2 of 9 checks failed; 1 skipped**');
  const tableRows = lines.filter((l) => l.startsWith('| '));
  assert.equal(tableRows.length, 1 + 1 + 10); // header, separator, rows
  // Every row has the header's 8 cells: escaped pipes do not split a cell.
  for (const row of tableRows) assert.equal(row.split(/(?<!\\)\|/).length - 2, 8, row);
  assert.ok(md.includes('vae\\|\\<b\\>v2\\</b\\>'));
  assert.ok(!md.includes('<b>'));
  assert.ok(md.includes('- dcgan-mnist: `a1b2c3d4e5f6` → `b7c8d9e0f1a2`'));
});

test('JUnit XML has one test case per model × metric, failures and skips counted and marked', () => {
  const xml = gateJunit(regressed);
  assert.ok(
    xml.startsWith(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="genreport check" tests="10" failures="2" errors="0" skipped="1">',
    ),
  );
  const cases = [...xml.matchAll(/<testcase classname="([^"]+)" name="([^"]+)">([\s\S]*?)<\/testcase>/g)];
  assert.equal(cases.length, 10);
  const byKey = new Map(cases.map((c) => [`${c[1]}/${c[2]}`, c[3]]));
  assert.match(
    byKey.get('genreport.dcgan-mnist/fid') ?? '',
    /<failure message="worse by 2\.77, more than the allowed ≤ 5% of baseline and outside the baseline's 95% interval \[11\.6, 13\.4\]" type="regression">/,
  );
  assert.match(byKey.get('genreport.dcgan-mnist/recall') ?? '', /<failure /);
  assert.match(
    byKey.get('genreport.dcgan-mnist/bits-per-dim') ?? '',
    /<skipped message="not applicable: a GAN defines no likelihood"\/>/,
  );
  assert.match(
    byKey.get('genreport.vae-mnist/fid') ?? '',
    /^\s*<system-out>FID: baseline 31\.9, current 31\.9; unchanged<\/system-out>\s*$/,
  );
});

test('JUnit XML escapes model names so the file stays well-formed', () => {
  const current = fixtureReport('release-pass');
  const baseline = fixtureReport('baseline');
  for (const report of [current, baseline]) {
    report.models[0]!.name = 'gan "<&>"\u0001';
    report.results['gan "<&>"\u0001'] = report.results['dcgan-mnist']!;
  }
  const xml = gateJunit(planGate(current, baseline, DEFAULT_RULES));
  assert.ok(xml.includes('classname="genreport.gan &quot;&lt;&amp;&gt;&quot;"'));
  assert.ok(!xml.includes('\u0001'));
});
