/**
 * The report's trend section, read from the history: each headline metric
 * over time per model (the points render/charts/trend.ts draws) and the
 * change of the latest run against the previous one.
 */
import type { Direction, ReportData, TrendChange, TrendSection } from '../assemble/report-data.ts';
import { shortfall } from '../assemble/direction.ts';
import type { TrendSeries } from '../render/charts/trend.ts';
import { historyRecordFromReport, type HistoryRecord, type HistoryValue } from './record.ts';
import { readHistory } from './store.ts';

/** Metrics the trend section follows over time, when the run computed them. */
const TREND_METRICS = ['fid', 'kid', 'precision', 'recall'];

/**
 * Only runs that measured the same way belong on one trend: the records with
 * the latest record's dataset and (first-space) extractor, in date order. A
 * later space's `<id>@<space>` values count only from records that measured
 * that space with the same extractor (comparableValue).
 */
export function comparableRecords(records: readonly HistoryRecord[]): HistoryRecord[] {
  const byDate = [...records].sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  const latest = byDate.at(-1);
  if (!latest) return [];
  const key = (r: HistoryRecord) => JSON.stringify([r.dataset, r.extractor]);
  return byDate.filter((r) => key(r) === key(latest));
}

/**
 * The extractor a metric was measured with in a record: the first space's for a
 * plain id, the named space's for `<id>@<space>` (undefined where the record has
 * no such space, e.g. one made before several spaces).
 */
function spaceExtractor(record: HistoryRecord, metricId: string): string | undefined {
  const at = metricId.indexOf('@');
  if (at < 0) return JSON.stringify(record.extractor);
  const space = record.spaces?.find((s) => s.space === metricId.slice(at + 1));
  return space && JSON.stringify([space.id, space.hash]);
}

/** A record's value of a metric, only where it was measured in the same space as in `latest`. */
function comparableValue(
  record: HistoryRecord,
  model: HistoryRecord['models'][number],
  metricId: string,
  latest: HistoryRecord,
): HistoryValue | undefined {
  const v = model.values[metricId];
  return v && spaceExtractor(record, metricId) === spaceExtractor(latest, metricId) ? v : undefined;
}

interface MetricMeta {
  id: string;
  label: string;
  direction: Direction;
}

/** The newest label and direction each requested metric had, in the order asked. */
function metricsOf(records: readonly HistoryRecord[], metricIds: readonly string[]): MetricMeta[] {
  const newestFirst = [...records].reverse();
  return metricIds.flatMap((id) => {
    const meta = newestFirst.flatMap((r) => r.metrics).find((m) => m.id === id);
    return meta ? [meta] : [];
  });
}

function panelTitle(m: MetricMeta): string {
  return `${m.label} (${m.direction} is better)`;
}

/** Error bar bounds: the 95% interval, else ± std (as the FID/KID chart draws it), else none. */
function spread(v: HistoryValue): { low: number; high: number } {
  if (v.interval) return { low: v.interval[0], high: v.interval[1] };
  if (v.std !== undefined) return { low: v.value - v.std, high: v.value + v.std };
  return { low: v.value, high: v.value };
}

/** The trend chart's points: per run, model and metric, the value with its error bar; one panel per metric. */
export function trendSeries(records: readonly HistoryRecord[], metricIds: readonly string[]): TrendSeries {
  const metrics = metricsOf(records, metricIds);
  const latest = records.at(-1);
  const points = records.flatMap((record) =>
    record.models.flatMap((model) =>
      metrics.flatMap((metric) => {
        const v = latest && comparableValue(record, model, metric.id, latest);
        return v
          ? [
              {
                date: record.date,
                model: model.name,
                bundle: model.hash.slice(0, 12),
                metric: panelTitle(metric),
                value: v.value,
                ...spread(v),
              },
            ]
          : [];
      }),
    ),
  );
  return {
    points,
    panels: metrics.map(panelTitle),
    models: [...new Set(records.flatMap((r) => r.models.map((m) => m.name)))],
  };
}

/**
 * A run's trend from the history at `history`, this run's own record last: its
 * report section (the change of each headline metric against the previous
 * comparable run) and its chart's points, both over the comparable runs.
 */
export function runTrend(
  data: ReportData,
  history: string,
  gitCommit: string | null,
  warn: (message: string) => void,
): { section: TrendSection; series: TrendSeries } {
  const records = comparableRecords([...readHistory(history, warn), historyRecordFromReport(data, gitCommit)]);
  // The headline metrics in every space: `fid`, then `fid@<space>` of later spaces.
  const metricIds = data.metrics.map((m) => m.id).filter((id) => TREND_METRICS.includes(id.split('@')[0]!));
  return {
    section: { history, runs: records.length, changes: trendChanges(records, metricIds) },
    series: trendSeries(records, metricIds),
  };
}

/** For the latest run: each model × metric against the most recent earlier run that measured it. */
export function trendChanges(records: readonly HistoryRecord[], metricIds: readonly string[]): TrendChange[] {
  const latest = records.at(-1);
  if (!latest) return [];
  const earlierNewestFirst = records.slice(0, -1).reverse();
  const changes: TrendChange[] = [];
  for (const model of latest.models) {
    for (const metric of metricsOf([latest], metricIds)) {
      const now = model.values[metric.id];
      if (!now) continue;
      const base = { model: model.name, metricId: metric.id, metricLabel: metric.label, latest: now.value };
      const previousRecord = earlierNewestFirst.find((r) =>
        r.models.some((m) => m.name === model.name && comparableValue(r, m, metric.id, latest)),
      );
      const previousModel = previousRecord?.models.find((m) => m.name === model.name);
      if (!previousRecord || !previousModel) {
        changes.push({ ...base, verdict: 'first run', bundleChanged: false });
        continue;
      }
      // comparableValue found this metric's value in previousRecord.
      const previous = previousModel.values[metric.id]!.value;
      const change = now.value - previous;
      const improvement = shortfall(metric.direction, previous) - shortfall(metric.direction, now.value);
      const verdict = improvement > 0 ? 'better' : improvement < 0 ? 'worse' : 'unchanged';
      changes.push({
        ...base,
        previous,
        previousDate: previousRecord.date,
        change,
        verdict,
        bundleChanged: previousModel.hash !== model.hash,
      });
    }
  }
  return changes;
}
