/**
 * ReportData.differences → the summary's "difference to the best model"
 * table: one row per metric (and per density ranking group), one column per
 * model, each cell that model minus the best with the paired 95% interval.
 * Bold where the interval excludes 0, i.e. the best model's lead is clear.
 */
import type { DifferenceToBest, Estimate95, ReportData } from '../assemble/report-data.ts';
import { decimalsFor, formatCount, formatValue } from './format.ts';

export interface DifferencesView {
  models: string[];
  rows: { quantity: string; best: string; method: string; cells: DifferenceCellView[] }[];
}

export interface DifferenceCellView {
  /** 'best', a signed difference, or '–' where none was paired. */
  text: string;
  /** Its 95% interval, "[+0.035, +0.065]", shown under it in the HTML (a wide table must fit A4). */
  interval: string | null;
  best: boolean;
  clear: boolean;
}

export function differencesView(data: ReportData): DifferencesView | null {
  const entries = data.differences ?? [];
  if (entries.length === 0) return null;
  const models = data.models
    .filter((m) => entries.some((e) => e.best === m.name || e.rows.some((r) => r.model === m.name)))
    .map((m) => m.name);
  return {
    models,
    rows: entries.map((e) => ({
      quantity: e.dataSpace ? `${e.label} (${e.dataSpace})` : e.label,
      best: e.bestEstimator ? `${e.best} (${e.bestEstimator})` : e.best,
      method: methodText(e),
      cells: models.map((model): DifferenceCellView => {
        if (model === e.best) return { text: 'best', interval: null, best: true, clear: false };
        const row = e.rows.find((r) => r.model === model);
        if (!row) return { text: '–', interval: null, best: false, clear: false };
        const [value, interval] = differenceParts(row.difference);
        return { text: value, interval, best: false, clear: row.clear };
      }),
    })),
  };
}

function methodText(e: DifferenceToBest): string {
  return `${formatCount(e.n)} shared ${{ 'per-image': 'test images', bootstrap: 'resamples', subsets: 'subsets' }[e.method]}`;
}

/** "+0.050 [+0.035, +0.065]": signed; the value's three digits, or two of the interval's half-width where it is narrower. */
export function differenceText(e: Estimate95): string {
  return differenceParts(e).join(' ');
}

function differenceParts(e: Estimate95): [string, string] {
  const half = (e.high - e.low) / 2;
  const decimals = Math.max(decimalsFor(e.value), half > 0 ? decimalsFor(half) - 1 : 0);
  const signed = (v: number) => `${v > 0 ? '+' : ''}${formatValue(v, decimals)}`;
  return [signed(e.value), `[${signed(e.low)}, ${signed(e.high)}]`];
}
