/**
 * One catalogue for every user-facing error. Input problems (bad file, bad
 * config, bad model output) exit with code 2; anything else is an internal
 * fault and exits with 1. Messages always name the file and, where there is
 * one, the field, so a user can go straight to the problem.
 */

export type ErrorKind = 'input' | 'internal';

export interface Problem {
  /** File the problem is in (path as the user gave it), if any. */
  file?: string;
  /** Dotted field path inside that file, e.g. `image.channels`. */
  field?: string;
  message: string;
}

export class GenreportError extends Error {
  readonly kind: ErrorKind;
  readonly problems: Problem[];

  constructor(problems: Problem | Problem[], kind: ErrorKind = 'input') {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join('\n'));
    this.name = 'GenreportError';
    this.kind = kind;
    this.problems = list;
  }

  get exitCode(): number {
    return this.kind === 'input' ? 2 : 1;
  }
}

export function formatProblem(p: Problem): string {
  const where = [p.file, p.field].filter(Boolean).join(': ');
  return where ? `${where}: ${p.message}` : p.message;
}

/**
 * Messages that more than one place gives, each worded once here so a user
 * meets one wording (test/core/errors.test.ts holds the exact texts).
 */
export const MESSAGES = {
  unknownMetrics: (unknown: readonly string[], known: readonly string[]): string =>
    `unknown metric${unknown.length === 1 ? '' : 's'} ${unknown.map((id) => `"${id}"`).join(', ')}; known: ${known.join(', ')}`,
} as const;

/** Shorthand for the common case: one input problem in one file. */
export function inputError(file: string | undefined, message: string, field?: string): GenreportError {
  return new GenreportError({ file, field, message });
}

/** Throw when a model produced NaN or Inf: names the model and component. */
export function assertFinite(values: ArrayLike<number>, file: string, field: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw inputError(file, `produced a non-finite value (${values[i]}) at index ${i}`, field);
    }
  }
}
