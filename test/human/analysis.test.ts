/**
 * Known answers for the human-judgment figures: Wilson against a value worked
 * by hand, Bradley–Terry on preferences with a known ratio, Fleiss' κ on
 * Fleiss (1971)'s table and Krippendorff's α on his published example; and
 * the whole path from a synthetic ratings.jsonl on disk to those numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  analyseRatings,
  bradleyTerry,
  fleissKappa,
  krippendorffAlpha,
  preferenceScores,
  wilsonInterval,
} from '../../src/human/analysis.ts';
import { RatingsStore, readRatings, type PairRating, type Rating } from '../../src/human/ratings.ts';

test('Wilson interval: 40 of 100 against the closed form worked by hand', () => {
  // z = 1.959964, z² = 3.841459; denominator 1 + z²/n = 1.03841459.
  // centre = (0.4 + z²/200) / 1.03841459 = 0.41920729 / 1.03841459 = 0.40369935
  // half   = z / 1.03841459 · √(0.4·0.6/100 + z²/40000) = 1.88745 · √0.00249604 = 0.09429806
  // interval = [0.30940129, 0.49799741]
  const w = wilsonInterval(40, 100);
  assert.equal(w.value, 0.4);
  assert.ok(Math.abs(w.low - 0.30940129) < 1e-8, String(w.low));
  assert.ok(Math.abs(w.high - 0.49799741) < 1e-8, String(w.high));
  // Edge cases stay inside [0, 1]; no answers give the whole range.
  assert.equal(wilsonInterval(0, 10).low, 0);
  assert.equal(wilsonInterval(10, 10).high, 1);
  assert.deepEqual([wilsonInterval(0, 0).low, wilsonInterval(0, 0).high], [0, 1]);
});

test('Bradley–Terry by MM recovers known strengths from expected wins exactly', () => {
  // With wins[i][j] = N·s_i/(s_i+s_j) the likelihood's maximum is s itself.
  const s = [0.5, 0.3, 0.15, 0.05];
  const N = 60;
  const wins = s.map((si, i) => s.map((sj, j) => (i === j ? 0 : (N * si) / (si + sj))));
  const fit = bradleyTerry(wins, { prior: 0 });
  fit.strengths.forEach((v, i) => assert.ok(Math.abs(v - s[i]!) < 1e-9, `${i}: ${v} vs ${s[i]}`));
  // Two models, no prior: the strength is the plain share of wins.
  assert.ok(
    Math.abs(
      bradleyTerry(
        [
          [0, 70],
          [30, 0],
        ],
        { prior: 0 },
      ).strengths[0]! - 0.7,
    ) < 1e-12,
  );
  // A model that never won keeps a finite strength with the prior.
  const never = bradleyTerry([
    [0, 20],
    [0, 0],
  ]).strengths;
  assert.ok(never[1]! > 0 && never[1]! < 0.05, String(never));
});

function pairs70to30(): PairRating[] {
  // Ten raters, twenty pairs each; they prefer A 10, 12, 14, 16 or 18 times: 140 of 200 = 70%.
  const out: PairRating[] = [];
  for (let r = 0; r < 10; r++) {
    const preferA = 10 + 2 * (r % 5);
    for (let i = 0; i < 20; i++) {
      const aLeft = i % 2 === 0;
      const aWins = i < preferA;
      out.push({
        v: 1,
        kind: 'pair',
        rater: `rater-${r + 1}`,
        item: `p${i}`,
        left: aLeft ? 'A' : 'B',
        right: aLeft ? 'B' : 'A',
        leftImage: `a${i}`,
        rightImage: `b${i}`,
        answer: aWins === aLeft ? 'left' : 'right',
        at: '2026-01-01T00:00:00Z',
      });
    }
  }
  return out;
}

test('70:30 preferences give strengths in the ratio 7:3, inside the bootstrap interval', () => {
  const result = preferenceScores(pairs70to30(), { seed: 1, resamples: 400 })!;
  assert.equal(result.interval, 'bootstrap over raters');
  const [a, b] = result.strengths;
  assert.equal(a!.model, 'A');
  // The prior (½ virtual tie per pair) pulls 140:60 to 140.25:60.25.
  assert.ok(Math.abs(a!.value / b!.value - 140.25 / 60.25) < 1e-9, `${a!.value / b!.value}`);
  assert.ok(Math.abs(a!.value / b!.value - 7 / 3) < 0.01);
  assert.ok(a!.low <= 0.7 && 0.7 <= a!.high, `[${a!.low}, ${a!.high}]`);
  assert.ok(b!.low <= 0.3 && 0.3 <= b!.high, `[${b!.low}, ${b!.high}]`);
  assert.ok(a!.high - a!.low > 0.01 && a!.high - a!.low < 0.2, `width ${a!.high - a!.low}`);
  assert.equal(a!.wins, 140);
  assert.equal(a!.comparisons, 200);
});

test("Fleiss' κ on Fleiss (1971)'s table: 0.20993 to 1e-9", () => {
  // 10 subjects, 14 raters, 5 categories (the table on Wikipedia's "Fleiss' kappa" page).
  const table = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];
  // By hand: Σ_j n_ij² per row = 196, 60, 70, 94, 74, 98, 58, 46, 66, 66; P_i = (Σ − 14)/182,
  // so P̄ = 688/1820. Column sums 20, 28, 39, 21, 32 of 140: P_e = 4170/19600.
  // κ = (688/1820 − 4170/19600) / (1 − 4170/19600) = 0.2099307044…
  const expected = (688 / 1820 - 4170 / 19600) / (1 - 4170 / 19600);
  assert.ok(Math.abs(fleissKappa(table) - expected) < 1e-9);
  assert.ok(Math.abs(expected - 0.20993070442) < 1e-9);
  // Perfect agreement is 1.
  assert.equal(
    fleissKappa([
      [3, 0],
      [0, 3],
      [3, 0],
    ]),
    1,
  );
});

test("Krippendorff's α (nominal) on his 2011 example with missing values: 0.743", () => {
  // Krippendorff, "Computing Krippendorff's alpha-reliability" (2011): 4 observers, 12 units, values 1–5.
  const units = [
    [3, 0, 0, 0, 0],
    [0, 3, 1, 0, 0],
    [0, 0, 4, 0, 0],
    [0, 0, 4, 0, 0],
    [0, 4, 0, 0, 0],
    [1, 1, 1, 1, 0],
    [0, 0, 0, 4, 0],
    [3, 1, 0, 0, 0],
    [0, 4, 0, 0, 0],
    [0, 0, 0, 0, 3],
    [2, 0, 0, 0, 0],
    [0, 0, 1, 0, 0],
  ];
  assert.ok(Math.abs(krippendorffAlpha(units) - 0.743) < 5e-4, String(krippendorffAlpha(units)));
  // With every unit complete, α and κ differ only by the small-sample factor (n−1)/n in P_e.
  const complete = [
    [3, 1],
    [0, 4],
    [4, 0],
    [2, 2],
    [4, 0],
  ];
  assert.ok(Math.abs(krippendorffAlpha(complete) - fleissKappa(complete)) < 0.1);
});

test('a synthetic ratings.jsonl: a model that fools raters 40% of the time reads back as 0.40 inside its interval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-human-analysis-'));
  try {
    const file = join(dir, 'ratings.jsonl');
    const store = new RatingsStore(file);
    const at = '2026-01-01T00:00:00Z';
    // 5 raters × 20 images of "gan": images 0–7 look real to everyone (8 of 20 = 40%).
    // 5 raters × 20 real images: 16 judged real (80%). One can't-tell per rater on a third source.
    for (let r = 1; r <= 5; r++) {
      for (let i = 0; i < 20; i++) {
        store.append({
          v: 1,
          kind: 'single',
          rater: `rater-${r}`,
          item: `g${i}`,
          image: `gi${i}`,
          source: 'gan',
          answer: i < 8 ? 'real' : 'generated',
          at,
        });
        store.append({
          v: 1,
          kind: 'single',
          rater: `rater-${r}`,
          item: `r${i}`,
          image: `ri${i}`,
          source: 'real',
          answer: i < 16 ? 'real' : 'generated',
          at,
        });
      }
      store.append({
        v: 1,
        kind: 'single',
        rater: `rater-${r}`,
        item: 'v0',
        image: 'vi0',
        source: 'vae',
        answer: 'unsure',
        at,
      });
    }
    store.close();
    const ratings: Rating[] = readRatings(file).ratings;
    assert.equal(ratings.length, 205);
    const result = analyseRatings(ratings, { seed: 1, resamples: 100 });
    const gan = result.foolRates.find((f) => f.model === 'gan')!;
    assert.equal(gan.value, 0.4);
    assert.equal(gan.n, 100);
    assert.ok(gan.low < 0.4 && 0.4 < gan.high);
    assert.ok(Math.abs(gan.low - 0.30940129) < 1e-8);
    assert.equal(result.real!.value, 0.8);
    const vae = result.foolRates.find((f) => f.model === 'vae')!;
    assert.equal(vae.n, 0);
    assert.equal(vae.unsure, 5);
    assert.equal(result.raters, 5);
    assert.deepEqual(result.answers, { single: 205, pair: 0, unsure: 5 });
    // Every rater gave the same answer on every item: complete agreement.
    assert.equal(result.agreement!.statistic, 'fleiss-kappa');
    assert.equal(result.agreement!.value, 1);
    assert.equal(result.preferences, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
