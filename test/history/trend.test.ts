import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportData } from '../../src/assemble/report-data.ts';
import { appendHistory, readHistory } from '../../src/history/store.ts';
import { comparableRecords, trendChanges, trendChartSpec } from '../../src/history/trend.ts';
import { renderChart } from '../../src/render/chart.ts';
import { fixtureReport } from '../gate/fixtures.ts';

/** Four weekly runs (one with another extractor) appended out of date order, as a real store may hold them. */
function weeklyHistory(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'genreport-trend-')), 'history.jsonl');
  const week = (date: string, report: ReportData, ganFid: number) => {
    report.createdAt = date;
    report.results['dcgan-mnist'].fid = { kind: 'value', value: ganFid, interval: [ganFid - 0.8, ganFid + 0.9], n: 2000 };
    return report;
  };
  appendHistory(path, week('2025-03-01T06:00:00.000Z', fixtureReport('baseline'), 12.43), { gitCommit: null });
  appendHistory(path, week('2025-03-15T06:00:00.000Z', fixtureReport('release-regressed'), 15.2), { gitCommit: null });
  appendHistory(path, week('2025-03-08T06:00:00.000Z', fixtureReport('baseline'), 12.1), { gitCommit: null });
  const otherExtractor = week('2025-03-10T06:00:00.000Z', fixtureReport('baseline'), 3.0);
  otherExtractor.extractor.hash = 'another-extractor';
  appendHistory(path, otherExtractor, { gitCommit: null });
  return path;
}

test('only runs measured like the latest one share a trend, in date order', () => {
  const records = comparableRecords(readHistory(weeklyHistory(), assert.fail));
  assert.deepEqual(records.map((r) => r.date.slice(0, 10)), ['2025-03-01', '2025-03-08', '2025-03-15']);
});

test('the latest run is compared with the previous one, in each metric\'s direction', () => {
  const changes = trendChanges(comparableRecords(readHistory(weeklyHistory(), assert.fail)), ['fid', 'recall', 'bits-per-dim']);
  const gan = changes.filter((c) => c.model === 'dcgan-mnist');
  assert.deepEqual(gan.map((c) => [c.metricId, c.verdict]), [['fid', 'worse'], ['recall', 'worse']], 'a GAN has no bits/dim to trend');
  assert.ok(Math.abs((gan[0].change ?? 0) - (15.2 - 12.1)) < 1e-9);
  assert.equal(gan[0].previousDate, '2025-03-08T06:00:00.000Z');
  assert.equal(gan[0].bundleChanged, true);
  const vaeFid = changes.find((c) => c.model === 'vae-mnist' && c.metricId === 'fid');
  assert.deepEqual(vaeFid && [vaeFid.verdict, vaeFid.change, vaeFid.bundleChanged], ['unchanged', 0, false]);
});

test('a first run has nothing to compare with', () => {
  const [first] = comparableRecords(readHistory(weeklyHistory(), assert.fail));
  assert.deepEqual(new Set(trendChanges([first], ['fid']).map((c) => c.verdict)), new Set(['first run']));
});

test('the trend chart draws each metric over time per model and renders to SVG', async () => {
  const records = comparableRecords(readHistory(weeklyHistory(), assert.fail));
  const spec = trendChartSpec(records, ['fid', 'kid']);
  const points = (spec as { data: { values: Array<Record<string, unknown>> } }).data.values;
  assert.equal(points.length, 3 * 2 * 2, 'three runs × two models × two metrics');
  assert.deepEqual(
    points.filter((p) => p.model === 'dcgan-mnist' && p.metric === 'FID (lower is better)').map((p) => p.value),
    [12.43, 12.1, 15.2],
  );
  const svg = await renderChart(spec);
  assert.match(svg, /^<svg /);
  for (const text of ['FID (lower is better)', 'KID (lower is better)', 'dcgan-mnist', 'vae-mnist', '2025-03-08']) {
    assert.ok(svg.includes(text), `SVG shows ${text}`);
  }
  // One dot per run, model and metric: 12 symbols across the two panels.
  assert.equal(svg.match(/aria-roledescription="point"/g)?.length, 12);
});
