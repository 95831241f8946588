/**
 * Whole-number flags (--seed, --samples, …) parsed here rather than by yargs'
 * `type: 'number'`, which turns `abc` into NaN and loses what the user typed:
 * a bad value is refused naming the flag and the value as given. (A yargs
 * `coerce` cannot do it: yargs wraps what it throws into its own error.)
 */
import { inputError } from '../core/errors.ts';

/** A parser for a whole number ≥ min, applied to the flag's value as yargs left it (string or number). */
export function wholeNumber(flag: string, min: number): (value: unknown) => number {
  return (value) => {
    // Given twice, the last one counts (as yargs does for other options).
    const given = Array.isArray(value) ? value[value.length - 1] : value;
    const text = String(given).trim();
    const n = /^[+-]?\d+$/.test(text) ? Number(text) : typeof given === 'number' ? given : NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      const what =
        min === 0 ? 'a non-negative whole number' : min === 1 ? 'a positive whole number' : `a whole number ≥ ${min}`;
      throw inputError(undefined, `must be ${what}, got "${text}"`, flag);
    }
    return n;
  };
}
