/**
 * The history store: JSON lines, one record per run, append-only. Appending
 * opens the file in append mode and never rewrites what is there; reading
 * skips lines that are not valid records (a crash mid-write, a hand edit, a
 * foreign tool's output) with a warning naming file:line, so one bad line
 * never costs the whole trend.
 */
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ReportData } from '../assemble/report-data.ts';
import { inputError } from '../core/errors.ts';
import { HISTORY_FORMAT, historyRecordFromReport, historyRecordSchema, type HistoryRecord } from './record.ts';

/** True when the file ends without a newline: a previous writer died mid-line. */
function endsMidLine(path: string): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false;
  }
  if (size === 0) return false;
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

export function appendHistory(path: string, data: ReportData, options: { gitCommit?: string | null } = {}): void {
  const record = historyRecordFromReport(data, options.gitCommit ?? null);
  mkdirSync(dirname(path), { recursive: true });
  // Start on a fresh line, so a torn last line stays one skipped line and does not swallow this record.
  const line = `${endsMidLine(path) ? '\n' : ''}${JSON.stringify(record)}\n`;
  appendFileSync(path, line);
}

/** Records in file order; a missing file is an empty history (the first run has none). */
export function readHistory(path: string, onWarning: (message: string) => void): HistoryRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw inputError(path, `cannot read the history (${(e as Error).message})`);
  }
  const records: HistoryRecord[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${path}:${index + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      onWarning(`${where}: skipped a line that is not valid JSON`);
      return;
    }
    const parsed = historyRecordSchema.safeParse(raw);
    if (parsed.success) {
      records.push(parsed.data);
      return;
    }
    const format = (raw as { format?: unknown } | null)?.format;
    if (format !== HISTORY_FORMAT) {
      onWarning(`${where}: skipped a line that is not a ${HISTORY_FORMAT} record (format ${JSON.stringify(format)})`);
      return;
    }
    // A failed parse has at least one issue.
    const issue = parsed.error.issues[0]!;
    onWarning(`${where}: skipped a damaged record (${issue.path.join('.') || 'record'}: ${issue.message})`);
  });
  return records;
}
