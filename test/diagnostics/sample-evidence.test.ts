import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';
import { featureMatrix, type FeatureMatrix } from '../../src/core/types.ts';
import { meanPairwiseCosine, sampleEvidence } from '../../src/diagnostics/sample-evidence.ts';
import { DEFAULT_THRESHOLDS } from '../../src/diagnostics/thresholds.ts';

const REAL = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]; // MNIST test labels

function coverage(classHistogram: number[]) {
  const [finding] = sampleEvidence({ modeCoverage: { classHistogram, realHistogram: REAL } }, DEFAULT_THRESHOLDS);
  return finding;
}

test('class coverage: a balanced generator is info, a missing class a warning, half the classes gone critical', () => {
  const balanced = coverage([100, 112, 101, 99, 97, 90, 96, 104, 98, 103]);
  assert.equal(balanced!.severity, 'info');
  assert.equal(balanced!.values.classesCovered, 10);
  assert.ok(balanced!.values.klDivergence! < 0.01);

  const missingSeven = coverage([110, 120, 110, 110, 105, 100, 105, 0, 105, 110]);
  assert.equal(missingSeven!.severity, 'warning');
  assert.equal(missingSeven!.values.classesCovered, 9);

  const mostlyOnes = coverage([5, 700, 5, 5, 200, 5, 5, 60, 5, 10]);
  assert.equal(mostlyOnes!.severity, 'critical');
  assert.match(mostlyOnes!.evidence, /samples cover 3 of 10 classes/);
});

test('class coverage: KL(generated ‖ real) matches the closed form for one class', () => {
  const allSevens = coverage([0, 0, 0, 0, 0, 0, 0, 1000, 0, 0]);
  const realShareOfSeven = REAL[7]! / REAL.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(allSevens!.values.klDivergence! - Math.log(1 / realShareOfSeven)) < 1e-12);
  assert.equal(allSevens!.values.classesCovered, 1);
});

test('mean pairwise cosine: identical directions give 1, opposite pairs −1, and it equals the all-pairs average', () => {
  const zero = new Float64Array(2);
  assert.ok(Math.abs(meanPairwiseCosine(featureMatrix(3, 2, Float64Array.from([1, 1, 2, 2, 3, 3])), zero) - 1) < 1e-12);
  assert.ok(Math.abs(meanPairwiseCosine(featureMatrix(2, 2, Float64Array.from([1, 0, -2, 0])), zero) + 1) < 1e-12);
  const rng = new Rng(3);
  const m = gaussianRows(rng, 7, 5, 0);
  const centre = Float64Array.from([0.1, -0.2, 0.3, 0, 0.5]);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < 7; i++) {
    for (let j = 0; j < 7; j++) {
      if (i === j) continue;
      const a = m.data.subarray(i * 5, i * 5 + 5).map((v, k) => v - centre[k]!);
      const b = m.data.subarray(j * 5, j * 5 + 5).map((v, k) => v - centre[k]!);
      const dot = a.reduce((s, v, k) => s + v * b[k]!, 0);
      sum += dot / Math.hypot(...a) / Math.hypot(...b);
      pairs++;
    }
  }
  assert.ok(Math.abs(meanPairwiseCosine(m, centre) - sum / pairs) < 1e-12);
});

function gaussianRows(rng: Rng, rows: number, cols: number, spreadAround: number): FeatureMatrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = spreadAround + rng.normal();
  return featureMatrix(rows, cols, data);
}

test('latent similarity: samples alike across distant latents are critical, samples like real data are not', () => {
  const rng = new Rng(11);
  const real = gaussianRows(rng, 300, 32, 2);
  const healthy = gaussianRows(rng, 100, 32, 2);
  // Collapse: every latent lands near one point away from the real mean.
  const collapsed = featureMatrix(
    100,
    32,
    Float64Array.from({ length: 3200 }, (_, i) => 2 + (i % 32 < 16 ? 1.5 : -1.5) + 0.3 * rng.normal()),
  );
  const [ok] = sampleEvidence({ latentSimilarity: { generated: healthy, real } }, DEFAULT_THRESHOLDS);
  const [bad] = sampleEvidence({ latentSimilarity: { generated: collapsed, real } }, DEFAULT_THRESHOLDS);
  assert.equal(ok!.severity, 'info');
  assert.ok(Math.abs(ok!.values.excess!) < 0.05, `healthy excess ${ok!.values.excess}`);
  assert.equal(bad!.severity, 'critical');
  assert.ok(bad!.values.generatedSimilarity! > 0.9, `collapsed similarity ${bad!.values.generatedSimilarity}`);
  assert.equal(bad!.steps, null);
});
