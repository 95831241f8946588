/**
 * Per-step training log as CSV, written beside the bundle. Appends one line
 * per step so a crashed run still leaves the steps it made.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class TrainingLog {
  private readonly columns: string[];

  constructor(
    private readonly path: string,
    columns: string[],
  ) {
    this.columns = ['step', ...columns];
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${this.columns.join(',')}\n`);
  }

  append(step: number, values: Record<string, number>): void {
    const row = this.columns.map((c) => (c === 'step' ? String(step) : formatValue(values[c])));
    appendFileSync(this.path, `${row.join(',')}\n`);
  }
}

function formatValue(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '' : Number(v.toPrecision(6)).toString();
}
