/**
 * Human judgments → numbers with their uncertainty. Pure and seeded: the same
 * ratings and seed always give the same figures.
 *
 *  - fool rate: the share of a source's images that raters judged real, with a
 *    Wilson 95% interval (Wilson 1927); real images' own share is the reference.
 *  - preferences: Bradley–Terry strengths from pairwise answers, fitted by the
 *    MM iterations of Hunter (2004), with percentile intervals from a bootstrap
 *    over raters (over answers when there is a single rater).
 *  - agreement: Fleiss' κ (Fleiss 1971) for a complete table, Krippendorff's α
 *    (nominal) where raters saw different numbers of items.
 */
import { Rng } from '../core/rng.ts';
import type { PairRating, Rating, SingleRating } from './ratings.ts';

/** Two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

export interface Proportion {
  value: number;
  low: number;
  high: number;
  /** Answers counted (can't-tell answers are not). */
  n: number;
  /** Answers that said "real". */
  successes: number;
}

/** Wilson score interval for `successes` of `n`. */
export function wilsonInterval(successes: number, n: number, z = Z95): Proportion {
  if (n === 0) return { value: NaN, low: 0, high: 1, n, successes };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and n the closed form gives exactly 0 and 1; rounding could miss them by an ulp.
  const low = successes === 0 ? 0 : Math.max(0, centre - half);
  const high = successes === n ? 1 : Math.min(1, centre + half);
  return { value: p, low, high, n, successes };
}

/** A matrix of wins: wins[i][j] = how often i was preferred over j (ties count ½ to each). */
export type WinMatrix = number[][];

export interface BradleyTerryFit {
  /** Strengths normalised to sum to 1: P(i preferred over j) = s_i / (s_i + s_j). */
  strengths: number[];
  iterations: number;
}

/**
 * Bradley–Terry by minorise–maximise (Hunter 2004, eq. 3):
 *   s_i ← W_i / Σ_{j≠i} n_ij / (s_i + s_j),
 * renormalised to sum 1 after each sweep. `prior` adds that many virtual ties
 * to every pair that was compared, so a model that never (or always) won keeps
 * a finite strength; 0 fits the plain maximum-likelihood model.
 */
export function bradleyTerry(
  wins: WinMatrix,
  options: { prior?: number; tolerance?: number; maxIterations?: number } = {},
): BradleyTerryFit {
  const k = wins.length;
  const prior = options.prior ?? 0.5;
  const tolerance = options.tolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 10000;
  const w: number[][] = wins.map((row, i) => row.map((v, j) => (i === j ? 0 : v)));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i !== j && w[i]![j]! + w[j]![i]! > 0) w[i]![j]! += prior / 2;
    }
  }
  const total = w.map((row) => row.reduce((a, b) => a + b, 0));
  let s = new Array<number>(k).fill(1 / k);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const next = s.map((si, i) => {
      let denominator = 0;
      for (let j = 0; j < k; j++) {
        const n = w[i]![j]! + w[j]![i]!;
        if (j !== i && n > 0) denominator += n / (si + s[j]!);
      }
      return denominator > 0 ? total[i]! / denominator : si;
    });
    const sum = next.reduce((a, b) => a + b, 0);
    for (let i = 0; i < k; i++) next[i]! /= sum;
    const change = Math.max(...next.map((v, i) => Math.abs(v - s[i]!)));
    s = next;
    if (change < tolerance) break;
  }
  return { strengths: s, iterations };
}

/** Percentile interval of a sorted sample. */
function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

export interface PreferenceResult {
  models: string[];
  strengths: { model: string; value: number; low: number; high: number; wins: number; comparisons: number }[];
  /** What was resampled for the intervals. */
  interval: 'bootstrap over raters' | 'bootstrap over answers' | 'none';
  resamples: number;
}

export function winMatrix(models: string[], pairs: PairRating[]): WinMatrix {
  const index = new Map(models.map((m, i) => [m, i]));
  const wins = models.map(() => new Array<number>(models.length).fill(0));
  for (const p of pairs) {
    const left = index.get(p.left)!;
    const right = index.get(p.right)!;
    if (p.answer === 'left') wins[left]![right]! += 1;
    else if (p.answer === 'right') wins[right]![left]! += 1;
    else {
      wins[left]![right]! += 0.5;
      wins[right]![left]! += 0.5;
    }
  }
  return wins;
}

/** Bradley–Terry strengths per model, with 95% bootstrap intervals over raters. */
export function preferenceScores(
  pairs: PairRating[],
  options: { seed: number; resamples?: number; prior?: number },
): PreferenceResult | null {
  if (pairs.length === 0) return null;
  const models = [...new Set(pairs.flatMap((p) => [p.left, p.right]))].sort();
  const fit = bradleyTerry(winMatrix(models, pairs), { prior: options.prior });
  const resamples = options.resamples ?? 1000;
  const byRater = groupBy(pairs, (p) => p.rater);
  const raters = [...byRater.keys()].sort();
  const overRaters = raters.length >= 2;
  const units: PairRating[][] = overRaters ? raters.map((r) => byRater.get(r)!) : pairs.map((p) => [p]);
  const rng = new Rng(options.seed).fork('human-preferences');
  const draws: number[][] = models.map(() => []);
  for (let b = 0; b < resamples; b++) {
    const picked = rng.resample(units.length);
    const sample: PairRating[] = [];
    for (const u of picked) sample.push(...units[u]!);
    const s = bradleyTerry(winMatrix(models, sample), { prior: options.prior }).strengths;
    s.forEach((v, i) => draws[i]!.push(v));
  }
  const wins = winMatrix(models, pairs);
  return {
    models,
    strengths: models.map((model, i) => {
      const sorted = draws[i]!.sort((a, b) => a - b);
      const value = fit.strengths[i]!;
      return {
        model,
        value,
        low: resamples > 0 ? percentile(sorted, 0.025) : value,
        high: resamples > 0 ? percentile(sorted, 0.975) : value,
        wins: wins[i]!.reduce((a, b) => a + b, 0),
        comparisons: pairs.filter((p) => p.left === model || p.right === model).length,
      };
    }),
    interval: resamples === 0 ? 'none' : overRaters ? 'bootstrap over raters' : 'bootstrap over answers',
    resamples,
  };
}

/**
 * Fleiss' κ for a table counts[item][category] where every item was rated by
 * the same number of raters n ≥ 2:
 *   P_i = (Σ_j n_ij² − n) / (n(n − 1)),  p_j = Σ_i n_ij / (N n),
 *   κ = (P̄ − P_e) / (1 − P_e),  P_e = Σ_j p_j².
 */
export function fleissKappa(counts: number[][]): number {
  const N = counts.length;
  if (N === 0) throw new Error('Fleiss κ: no items');
  const first = counts[0]!;
  const n = first.reduce((a, b) => a + b, 0);
  if (n < 2 || counts.some((row) => row.reduce((a, b) => a + b, 0) !== n)) {
    throw new Error('Fleiss κ: every item needs the same number (≥ 2) of ratings');
  }
  const categories = first.length;
  let pBar = 0;
  const p = new Array<number>(categories).fill(0);
  for (const row of counts) {
    pBar += (row.reduce((a, c) => a + c * c, 0) - n) / (n * (n - 1));
    row.forEach((c, j) => (p[j]! += c));
  }
  pBar /= N;
  const pe = p.reduce((a, c) => a + (c / (N * n)) ** 2, 0);
  return (pBar - pe) / (1 - pe);
}

/**
 * Krippendorff's α for nominal data from counts[unit][category]; units with
 * fewer than two values are left out (they carry no pairable values):
 *   α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k.
 */
export function krippendorffAlpha(counts: number[][]): number {
  const categories = counts[0]?.length ?? 0;
  const o = Array.from({ length: categories }, () => new Array<number>(categories).fill(0));
  for (const row of counts) {
    const m = row.reduce((a, b) => a + b, 0);
    if (m < 2) continue;
    for (let c = 0; c < categories; c++) {
      for (let k = 0; k < categories; k++) o[c]![k]! += (row[c]! * (c === k ? row[k]! - 1 : row[k]!)) / (m - 1);
    }
  }
  const nc = o.map((row) => row.reduce((a, b) => a + b, 0));
  const n = nc.reduce((a, b) => a + b, 0);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < categories; c++) {
    for (let k = 0; k < categories; k++) {
      if (c === k) continue;
      observed += o[c]![k]!;
      expected += nc[c]! * nc[k]!;
    }
  }
  if (expected === 0) return NaN;
  return 1 - ((n - 1) * observed) / expected;
}

export interface Agreement {
  statistic: 'fleiss-kappa' | 'krippendorff-alpha';
  value: number;
  /** Items seen by two raters or more. */
  items: number;
  /** Categories: real, generated (can't-tell answers are left out). */
  raters: number;
}

/**
 * Agreement on the real-or-generated screens: Fleiss' κ when every item that
 * two raters saw was seen by the same number of raters, Krippendorff's α
 * (which allows missing answers) otherwise. Null with fewer than two raters per item.
 */
export function singleAgreement(singles: SingleRating[]): Agreement | null {
  const byItem = groupBy(
    singles.filter((s) => s.answer !== 'unsure'),
    (s) => s.item,
  );
  const rows = [...byItem.values()].map((answers): [number, number] => [
    answers.filter((a) => a.answer === 'real').length,
    answers.filter((a) => a.answer === 'generated').length,
  ]);
  const pairable = rows.filter((r) => r[0] + r[1] >= 2);
  if (pairable.length === 0) return null;
  const raters = new Set(singles.map((s) => s.rater)).size;
  const sizes = new Set(pairable.map((r) => r[0] + r[1]));
  const value = sizes.size === 1 ? fleissKappa(pairable) : krippendorffAlpha(pairable);
  if (!Number.isFinite(value)) return null;
  return { statistic: sizes.size === 1 ? 'fleiss-kappa' : 'krippendorff-alpha', value, items: pairable.length, raters };
}

export interface FoolRate extends Proportion {
  /** A model's name, or null for the real images. */
  model: string | null;
  unsure: number;
  images: number;
}

export interface HumanAnalysis {
  raters: number;
  answers: { single: number; pair: number; unsure: number };
  /** Per model, in first-seen order of the session's models. */
  foolRates: FoolRate[];
  /** The real images' own share judged real; null when none were rated. */
  real: FoolRate | null;
  preferences: PreferenceResult | null;
  agreement: Agreement | null;
}

/** Every figure the report shows, from the ratings as read back. */
export function analyseRatings(ratings: Rating[], options: { seed: number; resamples?: number }): HumanAnalysis {
  const singles = ratings.filter((r): r is SingleRating => r.kind === 'single');
  const pairs = ratings.filter((r): r is PairRating => r.kind === 'pair');
  const bySource = groupBy(singles, (s) => s.source);
  const rate = (source: string): FoolRate => {
    const answers = bySource.get(source) ?? [];
    const counted = answers.filter((a) => a.answer !== 'unsure');
    return {
      ...wilsonInterval(counted.filter((a) => a.answer === 'real').length, counted.length),
      model: source === 'real' ? null : source,
      unsure: answers.length - counted.length,
      images: new Set(answers.map((a) => a.image)).size,
    };
  };
  const models = [...new Set(singles.map((s) => s.source).filter((s) => s !== 'real'))].sort();
  return {
    raters: new Set(ratings.map((r) => r.rater)).size,
    answers: {
      single: singles.length,
      pair: pairs.length,
      unsure: ratings.filter((r) => r.answer === 'unsure').length,
    },
    foolRates: models.map(rate),
    real: bySource.has('real') ? rate('real') : null,
    preferences: preferenceScores(pairs, { seed: options.seed, resamples: options.resamples }),
    agreement: singleAgreement(singles),
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
