/** The report.json pairs under test/fixtures/reports/, read the way `check` reads them. */
import { fileURLToPath } from 'node:url';
import type { ReportData } from '../../src/assemble/report-data.ts';
import { readReport } from '../../src/gate/read-report.ts';

export const REPORTS_DIR = fileURLToPath(new URL('../fixtures/reports/', import.meta.url));

export type FixtureName =
  | 'baseline'
  | 'release-pass'
  | 'release-regressed'
  | 'release-within-interval'
  | 'incompatible';

export function fixturePath(name: FixtureName): string {
  return `${REPORTS_DIR}${name}.json`;
}

export function fixtureReport(name: FixtureName): ReportData {
  return readReport(fixturePath(name));
}
