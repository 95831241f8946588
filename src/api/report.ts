/**
 * `import { loadReport } from 'genreport/report'`: read a report.json that
 * genreport wrote, checked against its schema, as ReportData.
 */
import type { ReportData } from '../assemble/report-data.ts';
import { parseReportData } from '../assemble/report-schema.ts';
import { readJsonInput } from '../core/input-file.ts';

export type * from '../assemble/report-data.ts';
export { REPORT_FORMAT } from '../assemble/report-data.ts';
export { parseReportData, reportJsonSchema } from '../assemble/report-schema.ts';
export { GenreportError } from '../core/errors.ts';

/** Throws a GenreportError naming the file and every bad field. */
export function loadReport(path: string): ReportData {
  return parseReportData(readJsonInput(path, 'report file not found'), path);
}
