/**
 * Per-step training log as CSV, written beside the bundle. Appends one line
 * per step so a crashed run still leaves the steps it made.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class TrainingLog {
  private readonly columns: string[];

  constructor(
    private readonly path: string,
    columns: string[],
    fresh = true,
  ) {
    this.columns = ['step', ...columns];
    if (!fresh) return;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${this.columns.join(',')}\n`);
  }

  /** Append to an existing log (a resumed run); its header must name the same columns. */
  static continue(path: string, columns: string[]): TrainingLog {
    const log = new TrainingLog(path, columns, false);
    const header = readFileSync(path, 'utf8').split('\n', 1)[0];
    if (header !== log.columns.join(','))
      throw new Error(`${path}: header is "${header}", expected "${log.columns.join(',')}"`);
    return log;
  }

  append(step: number, values: Record<string, number>): void {
    const row = this.columns.map((c) => (c === 'step' ? String(step) : formatValue(values[c])));
    appendFileSync(this.path, `${row.join(',')}\n`);
  }
}

function formatValue(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '' : Number(v.toPrecision(6)).toString();
}
