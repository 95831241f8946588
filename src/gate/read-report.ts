/**
 * Reads a report.json for comparison. Only the fields the gate relies on are
 * checked, so a report with extra fields (a newer minor version) still reads,
 * and a truncated or foreign file fails with the file and field named.
 */
import { z } from 'zod';
import { REPORT_FORMAT, type ReportData } from '../assemble/report-data.ts';
import { GenreportError } from '../core/errors.ts';
import { readJsonInput } from '../core/input-file.ts';

const cellSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('value'),
    value: z.number(),
    interval: z.tuple([z.number(), z.number()]).optional(),
    std: z.number().nonnegative().optional(),
    n: z.number(),
  }),
  z.object({ kind: z.literal('not-applicable'), reason: z.string() }),
  z.object({ kind: z.literal('failed'), reason: z.string() }),
]);

const comparedFieldsSchema = z.object({
  format: z.literal(REPORT_FORMAT),
  createdAt: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }),
  dataset: z.object({
    name: z.string(),
    split: z.string(),
    count: z.number(),
    shape: z.tuple([z.number(), z.number(), z.number()]),
  }),
  extractor: z.object({ id: z.string(), hash: z.string() }),
  models: z.array(z.object({ name: z.string(), hash: z.string(), status: z.enum(['ok', 'failed']) })),
  metrics: z.array(z.object({ id: z.string(), label: z.string(), direction: z.enum(['lower', 'higher', 'near-one']) })),
  results: z.record(z.string(), z.record(z.string(), cellSchema)),
});

export function readReport(path: string): ReportData {
  const raw = readJsonInput(path, 'report file not found');
  const parsed = comparedFieldsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new GenreportError(
      parsed.error.issues.map((issue) => ({
        file: path,
        field: issue.path.join('.') || undefined,
        message: issue.path[0] === 'format' ? `is not a genreport report (expected ${REPORT_FORMAT})` : issue.message,
      })),
    );
  }
  return raw as ReportData;
}
