/**
 * Number and date display rules for the report, in one place so the scorecard,
 * the summary and the methods section print the same value the same way.
 */

/** Decimals that show three significant digits of `value` (at least 0, at most 6). */
export function decimalsFor(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  return Math.min(6, Math.max(0, 2 - magnitude));
}

/**
 * Three significant digits, no exponent for ordinary magnitudes: 1234 → "1,234",
 * 12.345 → "12.3", 0.01234 → "0.0123"; whole numbers (counts such as classes
 * covered) without decimals: 10 → "10".
 */
export function formatValue(value: number, decimals = Number.isInteger(value) ? 0 : decimalsFor(value)): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value !== 0 && Math.abs(value) < 1e-5) return value.toExponential(2).replaceAll('-', '−');
  return value
    .toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
    .replaceAll('-', '−');
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** "2025-03-01 14:05 UTC"; a string that is not a date is shown as given. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatSeconds(seconds: number): string {
  return seconds < 60 ? `${formatValue(seconds)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** "a", "a and b", "a, b and c". */
export function formatList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
