/**
 * Writes schema/report.schema.json from src/assemble/report-schema.ts.
 * Run after changing ReportData: node --import tsx scripts/write-report-schema.ts
 * (test/assemble/report-schema.test.ts fails while the committed file is stale).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reportJsonSchema } from '../src/assemble/report-schema.ts';

export const REPORT_SCHEMA_FILE = fileURLToPath(new URL('../schema/report.schema.json', import.meta.url));

export function reportSchemaText(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(REPORT_SCHEMA_FILE, reportSchemaText());
  process.stderr.write(`wrote ${REPORT_SCHEMA_FILE}\n`);
}
