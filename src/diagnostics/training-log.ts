/**
 * Training logs written beside a bundle: per-step losses (and any checkpoint
 * metrics) as CSV with a header row, or as JSON lines with one object per
 * step. Both read into the same columns. An empty cell, a missing key or a
 * JSON null is a value that was not logged at that step and reads as NaN, so
 * metrics logged only at checkpoints share the step axis with the losses.
 */
import { extname, resolve } from 'node:path';
import { resolveInside } from '../core/contained-path.ts';
import { inputError } from '../core/errors.ts';
import { readInputText } from '../core/input-file.ts';
import type { LoadedManifest } from '../models/manifest.ts';

export interface TrainingLog {
  /** Path of the log file, as it was read. */
  file: string;
  step: number[];
  /** One array per logged quantity, aligned with `step`; NaN where nothing was logged. */
  series: Record<string, number[]>;
}

const STEP = 'step';

export function readTrainingLog(file: string): TrainingLog {
  const text = readInputText(file, 'training log not found');
  return isJsonLines(file, text) ? parseJsonLinesLog(text, file) : parseCsvLog(text, file);
}

function isJsonLines(file: string, text: string): boolean {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return true;
  if (ext === '.csv') return false;
  return text.trimStart().startsWith('{');
}

/**
 * The log a bundle's manifest declares (`training.log`, relative to the
 * bundle, and inside it after symlinks), or null when it declares none. A
 * declared log that is missing is an error: the manifest promises something
 * the bundle does not hold.
 */
export function readBundleTrainingLog(bundle: LoadedManifest): TrainingLog | null {
  const declared = bundle.manifest.training?.log;
  if (!declared) return null;
  const notFound = `declares training log ${declared}, which is not in the bundle (${resolve(bundle.dir, declared)})`;
  const file = resolveInside(bundle.root, declared, { file: bundle.file, field: 'training.log' }, { notFound });
  return readTrainingLog(file);
}

export function parseCsvLog(text: string, file: string): TrainingLog {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0)
    throw inputError(file, 'training log is empty (expected a header row naming step and the logged quantities)');
  const names = lines[headerIndex]!.split(',').map((n) => n.trim());
  checkHeader(names, `${file}:${headerIndex + 1}`);
  const log = emptyLog(file, names);
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const where = `${file}:${i + 1}`;
    const cells = lines[i]!.split(',');
    if (cells.length !== names.length) {
      throw inputError(
        where,
        `expected ${names.length} comma-separated values (${names.join(',')}), found ${cells.length}`,
      );
    }
    const row: Record<string, number> = {};
    names.forEach((name, j) => {
      row[name] = parseCell(cells[j]!, where, name);
    });
    appendRow(log, row, where);
  }
  return log;
}

export function parseJsonLinesLog(text: string, file: string): TrainingLog {
  const lines = text.split(/\r?\n/);
  const names: string[] = [];
  const rows: { row: Record<string, number>; where: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const where = `${file}:${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(lines[i]!);
    } catch (e) {
      throw inputError(where, `is not valid JSON (${(e as Error).message})`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw inputError(where, 'expected one JSON object per line');
    const row: Record<string, number> = {};
    for (const [name, value] of Object.entries(raw)) {
      if (value === null) row[name] = NaN;
      else if (typeof value === 'number' && Number.isFinite(value)) row[name] = value;
      else throw inputError(where, `expected a finite number or null, found ${JSON.stringify(value)}`, name);
      if (!names.includes(name)) names.push(name);
    }
    rows.push({ row, where });
  }
  if (rows.length === 0) throw inputError(file, 'training log is empty (expected one JSON object per step)');
  const log = emptyLog(file, names);
  for (const { row, where } of rows) appendRow(log, row, where);
  return log;
}

function checkHeader(names: string[], where: string): void {
  if (!names.includes(STEP)) throw inputError(where, `header must name a "${STEP}" column, found ${names.join(',')}`);
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') throw inputError(where, 'header has an empty column name');
    if (seen.has(name)) throw inputError(where, `header names column "${name}" twice`);
    seen.add(name);
  }
}

function parseCell(cell: string, where: string, name: string): number {
  const text = cell.trim();
  if (text === '') return NaN;
  const value = Number(text);
  if (!Number.isFinite(value)) throw inputError(where, `expected a number or an empty cell, found "${text}"`, name);
  return value;
}

function emptyLog(file: string, names: string[]): TrainingLog {
  const series: Record<string, number[]> = {};
  for (const name of names) if (name !== STEP) series[name] = [];
  return { file, step: [], series };
}

/** Steps must be present and increasing: every detector reads them as a time axis. */
function appendRow(log: TrainingLog, row: Record<string, number>, where: string): void {
  const step = row[STEP];
  if (step === undefined || Number.isNaN(step)) throw inputError(where, 'has no step value', STEP);
  const previous = log.step.at(-1);
  if (previous !== undefined && step <= previous)
    throw inputError(where, `step ${step} does not follow step ${previous}`, STEP);
  log.step.push(step);
  for (const [name, values] of Object.entries(log.series)) values.push(row[name] ?? NaN);
}
