/**
 * One history record per run: what the weekly trend needs to plot a run and
 * to tell whether two runs compare (dataset, extractor), without the images
 * and charts of the full report. Every metric with a value is kept, so a
 * trend can show any of the report's columns.
 */
import { z } from 'zod';
import type { ReportData } from '../assemble/report-data.ts';

export const HISTORY_FORMAT = 'genreport-history/1';

const valueSchema = z.object({
  value: z.number(),
  interval: z.tuple([z.number(), z.number()]).optional(),
  std: z.number().nonnegative().optional(),
  n: z.number(),
});

export const historyRecordSchema = z.object({
  format: z.literal(HISTORY_FORMAT),
  /** When the run made its report (the report's createdAt). */
  date: z.iso.datetime({ offset: true }),
  gitCommit: z.string().nullable(),
  tool: z.object({ name: z.string(), version: z.string() }),
  dataset: z.object({
    name: z.string(),
    split: z.string(),
    count: z.number(),
    shape: z.tuple([z.number(), z.number(), z.number()]),
  }),
  extractor: z.object({ id: z.string(), hash: z.string() }),
  /** Every feature space, where the run had several (`fid@<space>` values are measured in `space`); absent in one-space records. */
  spaces: z.array(z.object({ space: z.string(), id: z.string(), hash: z.string() })).optional(),
  run: z.object({ seed: z.number(), samples: z.number() }),
  metrics: z.array(z.object({ id: z.string(), label: z.string(), direction: z.enum(['lower', 'higher', 'near-one']) })),
  models: z.array(
    z.object({
      name: z.string(),
      family: z.string(),
      /** Bundle hash: a change marks a new model version on the trend. */
      hash: z.string(),
      status: z.enum(['ok', 'failed']),
      values: z.record(z.string(), valueSchema),
    }),
  ),
});

export type HistoryRecord = z.infer<typeof historyRecordSchema>;
export type HistoryValue = z.infer<typeof valueSchema>;

export function historyRecordFromReport(data: ReportData, gitCommit: string | null): HistoryRecord {
  return {
    format: HISTORY_FORMAT,
    date: data.createdAt,
    gitCommit,
    tool: { name: data.tool.name, version: data.tool.version },
    dataset: { ...data.dataset, shape: [...data.dataset.shape] },
    extractor: { id: data.extractor.id, hash: data.extractor.hash },
    ...(data.extractors && data.extractors.length > 1
      ? { spaces: data.extractors.map((e) => ({ space: e.space ?? e.id, id: e.id, hash: e.hash })) }
      : {}),
    run: { seed: data.run.seed, samples: data.run.samples },
    metrics: data.metrics.map(({ id, label, direction }) => ({ id, label, direction })),
    models: data.models.map((model) => {
      const values: Record<string, HistoryValue> = {};
      for (const [id, cell] of Object.entries(data.results[model.name] ?? {})) {
        if (cell.kind !== 'value') continue;
        values[id] = {
          value: cell.value,
          n: cell.n,
          ...(cell.interval && { interval: cell.interval }),
          ...(cell.std !== undefined && { std: cell.std }),
        };
      }
      return { name: model.name, family: model.family, hash: model.hash, status: model.status, values };
    }),
  };
}
