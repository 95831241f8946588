import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportData } from '../../src/assemble/report-data.ts';
import { appendHistory, readHistory } from '../../src/history/store.ts';
import { comparableRecords, trendChanges, trendSeries } from '../../src/history/trend.ts';
import { trendChartSpec } from '../../src/render/charts/trend.ts';
import { renderChart } from '../../src/render/chart.ts';
import { fixtureReport } from '../gate/fixtures.ts';

/** Four weekly runs (one with another extractor) appended out of date order, as a real store may hold them. */
function weeklyHistory(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'genreport-trend-')), 'history.jsonl');
  const week = (date: string, report: ReportData, ganFid: number) => {
    report.createdAt = date;
    report.results['dcgan-mnist']!.fid = {
      kind: 'value',
      value: ganFid,
      interval: [ganFid - 0.8, ganFid + 0.9],
      n: 2000,
    };
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
  assert.deepEqual(
    records.map((r) => r.date.slice(0, 10)),
    ['2025-03-01', '2025-03-08', '2025-03-15'],
  );
});

test("the latest run is compared with the previous one, in each metric's direction", () => {
  const changes = trendChanges(comparableRecords(readHistory(weeklyHistory(), assert.fail)), [
    'fid',
    'recall',
    'bits-per-dim',
  ]);
  const gan = changes.filter((c) => c.model === 'dcgan-mnist');
  assert.deepEqual(
    gan.map((c) => [c.metricId, c.verdict]),
    [
      ['fid', 'worse'],
      ['recall', 'worse'],
    ],
    'a GAN has no bits/dim to trend',
  );
  assert.ok(Math.abs((gan[0]!.change ?? 0) - (15.2 - 12.1)) < 1e-9);
  assert.equal(gan[0]!.previousDate, '2025-03-08T06:00:00.000Z');
  assert.equal(gan[0]!.bundleChanged, true);
  const vaeFid = changes.find((c) => c.model === 'vae-mnist' && c.metricId === 'fid');
  assert.deepEqual(vaeFid && [vaeFid.verdict, vaeFid.change, vaeFid.bundleChanged], ['unchanged', 0, false]);
});

test('a first run has nothing to compare with', () => {
  const [first] = comparableRecords(readHistory(weeklyHistory(), assert.fail));
  assert.deepEqual(new Set(trendChanges([first!], ['fid']).map((c) => c.verdict)), new Set(['first run']));
});

test('the trend chart draws each metric over time per model and renders to SVG', async () => {
  const records = comparableRecords(readHistory(weeklyHistory(), assert.fail));
  const spec = trendChartSpec(trendSeries(records, ['fid', 'kid']));
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

/** A report of the fixture's run measured in two spaces: `fid@tiny-inception` beside `fid`, and its extractor. */
function twoSpaces(report: ReportData, fid2: number, hash = 'aaaabbbbcccc0000'): ReportData {
  const first = { ...report.extractor, space: report.extractor.id };
  report.extractors = [
    first,
    {
      ...report.extractor,
      id: 'onnx',
      name: 'ONNX tiny-inception.onnx',
      space: 'tiny-inception',
      hash,
      layer: 'features',
      dim: 16,
    },
  ];
  report.metrics = [
    ...report.metrics,
    {
      ...report.metrics.find((m) => m.id === 'fid')!,
      id: 'fid@tiny-inception',
      label: 'FID · tiny-inception',
      space: 'tiny-inception',
    },
  ];
  report.results['dcgan-mnist']!['fid@tiny-inception'] = { kind: 'value', value: fid2, n: 2000 };
  return report;
}

test("an old one-space record still reads and shares the trend; a later space's values trend only against the same extractor", async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'genreport-trend-')), 'history.jsonl');
  const dated = (date: string, report: ReportData) => Object.assign(report, { createdAt: date });
  appendHistory(path, dated('2025-03-01T06:00:00.000Z', fixtureReport('baseline')), { gitCommit: null }); // before several spaces
  appendHistory(
    path,
    dated('2025-03-08T06:00:00.000Z', twoSpaces(fixtureReport('baseline'), 0.9, 'ddddeeeeffff1111')),
    { gitCommit: null },
  ); // another tiny-inception file
  appendHistory(path, dated('2025-03-15T06:00:00.000Z', twoSpaces(fixtureReport('baseline'), 0.7)), {
    gitCommit: null,
  });
  appendHistory(path, dated('2025-03-22T06:00:00.000Z', twoSpaces(fixtureReport('release-regressed'), 0.8)), {
    gitCommit: null,
  });
  const read = readHistory(path, assert.fail);
  assert.equal(read[0]!.spaces, undefined, 'a one-space record keeps its old form');
  assert.deepEqual(
    read[3]!.spaces?.map((s) => s.space),
    ['mnist-classifier', 'tiny-inception'],
  );
  const records = comparableRecords(read);
  assert.equal(records.length, 4, 'the first space is the same in all four: the old record shares the trend');

  const changes = trendChanges(records, ['fid', 'fid@tiny-inception']).filter((c) => c.model === 'dcgan-mnist');
  const fid = changes.find((c) => c.metricId === 'fid')!;
  assert.equal(fid.previousDate, '2025-03-15T06:00:00.000Z');
  const fid2 = changes.find((c) => c.metricId === 'fid@tiny-inception')!;
  assert.equal(fid2.metricLabel, 'FID · tiny-inception');
  assert.deepEqual([fid2.verdict, fid2.previous, fid2.previousDate], ['worse', 0.7, '2025-03-15T06:00:00.000Z']);
  // Measured with another file on 03-08: only 03-15 and 03-22 are on its line; plain fid has all four runs.
  const only = trendChanges(records.slice(0, 3), ['fid@tiny-inception']).find((c) => c.model === 'dcgan-mnist')!;
  assert.equal(only.previousDate, undefined, '03-08 measured tiny-inception with another extractor');
  const points = (
    trendChartSpec(trendSeries(records, ['fid', 'fid@tiny-inception'])) as {
      data: { values: Array<Record<string, unknown>> };
    }
  ).data.values;
  const dcgan = (metric: string) =>
    points.filter((p) => p.model === 'dcgan-mnist' && p.metric === metric).map((p) => String(p.date).slice(0, 10));
  assert.deepEqual(dcgan('FID · tiny-inception (lower is better)'), ['2025-03-15', '2025-03-22']);
  assert.equal(dcgan('FID (lower is better)').length, 4);
});
