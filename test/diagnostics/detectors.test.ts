import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectDiscriminatorCollapse } from '../../src/diagnostics/discriminator-collapse.ts';
import { diagnoseTraining } from '../../src/diagnostics/diagnose.ts';
import type { FindingId } from '../../src/diagnostics/finding.ts';
import { oscillationWindows } from '../../src/diagnostics/oscillation.ts';
import { DEFAULT_THRESHOLDS } from '../../src/diagnostics/thresholds.ts';
import { finiteTrace } from '../../src/diagnostics/trace.ts';
import { syntheticLog, type Scenario } from './synthetic-traces.ts';

/** What each synthetic run must raise (at warning or above), and nothing else. */
const EXPECTED: Record<Scenario, FindingId[]> = {
  healthy: [],
  oscillating: ['generator-oscillation'],
  // Rising G happens before the late half and the gap follows from D → 0, so divergence rides along.
  'discriminator-collapse': ['discriminator-collapse', 'loss-divergence'],
  'rising-generator': ['rising-generator-loss'],
  diverging: ['loss-divergence'],
};

for (const [scenario, expected] of Object.entries(EXPECTED) as [Scenario, FindingId[]][]) {
  test(`synthetic ${scenario} traces raise exactly ${expected.join(', ') || 'nothing'} (three seeds)`, () => {
    for (const seed of [1, 2, 3]) {
      const { findings } = diagnoseTraining({ model: scenario, log: syntheticLog(scenario, seed) });
      const raised = findings.filter((f) => f.severity !== 'info').map((f) => f.id);
      assert.deepEqual(
        [...new Set(raised)].sort(),
        [...expected].sort(),
        `seed ${seed}: ${findings.map((f) => f.evidence).join(' | ')}`,
      );
    }
  });
}

test('the oscillation finding recovers the planted period and amplitude, and covers the episode only', () => {
  const { findings } = diagnoseTraining({ model: 'osc', log: syntheticLog('oscillating') });
  const [oscillation] = findings;
  assert.equal(oscillation!.id, 'generator-oscillation');
  assert.equal(oscillation!.severity, 'critical');
  assert.ok(Math.abs(oscillation!.values.periodSteps! - 80) <= 3, `period ${oscillation!.values.periodSteps}`);
  // Planted sine of amplitude 1.2; the red noise adds a little power at the same lag.
  assert.ok(
    oscillation!.values.amplitude! > 1.0 && oscillation!.values.amplitude! < 1.5,
    `amplitude ${oscillation!.values.amplitude}`,
  );
  const [start, end] = oscillation!.steps!;
  assert.ok(start >= 800 && start <= 1000, `starts at ${start} (planted at 1000, windows are 300 steps)`);
  assert.equal(end, 3000);
});

test('white noise and a slow drift are not oscillation: no window reaches the default autocorrelation', () => {
  const healthy = syntheticLog('healthy', 7);
  const windows = oscillationWindows(finiteTrace(healthy.step, healthy.series.g_loss!), 300, 6);
  assert.ok(windows.length >= 15);
  const strongest = Math.max(...windows.map((w) => w.autocorrelation));
  assert.ok(strongest < DEFAULT_THRESHOLDS.oscillation.minAutocorrelation, `strongest ${strongest}`);
});

test('discriminator collapse reports when it starts, that it lasts to the end, and the generator loss meanwhile', () => {
  const log = syntheticLog('discriminator-collapse');
  const d = finiteTrace(log.step, log.series.d_loss!);
  const g = finiteTrace(log.step, log.series.g_loss!);
  const [collapse] = detectDiscriminatorCollapse(d, g, DEFAULT_THRESHOLDS);
  // D = 0.01 + 1.09·exp(−(s − 1200)/80) crosses 0.1 at s ≈ 1400.
  assert.ok(Math.abs(collapse!.steps![0] - 1400) <= 30, `starts at ${collapse!.steps![0]}`);
  assert.equal(collapse!.steps![1], 3000);
  assert.match(collapse!.evidence, /until the end of the log/);
  assert.ok(collapse!.values.meanGeneratorLoss! > 7, `G during collapse ${collapse!.values.meanGeneratorLoss}`);
});

test('a short dip of the discriminator loss is a warning, not a critical episode, and a single low step is nothing', () => {
  const step = Array.from({ length: 1000 }, (_, i) => i + 1);
  const dip = step.map((s) => (s > 500 && s <= 650 ? 0.02 : 1.1));
  const spike = step.map((s) => (s === 300 ? 0.001 : 1.1));
  const [short] = detectDiscriminatorCollapse({ step, value: dip }, null, DEFAULT_THRESHOLDS);
  assert.equal(short!.severity, 'warning');
  assert.deepEqual(short!.steps, [501, 650]);
  assert.deepEqual(detectDiscriminatorCollapse({ step, value: spike }, null, DEFAULT_THRESHOLDS), []);
});

test('a log written every 10 steps gives the same verdicts: thresholds are in steps, not log lines', () => {
  for (const scenario of ['healthy', 'oscillating', 'discriminator-collapse'] as Scenario[]) {
    const full = syntheticLog(scenario, 4);
    const keep = (_: number, i: number): boolean => i % 10 === 9;
    const sparse = {
      ...full,
      step: full.step.filter(keep),
      series: { g_loss: full.series.g_loss!.filter(keep), d_loss: full.series.d_loss!.filter(keep) },
    };
    assert.equal(
      diagnoseTraining({ model: scenario, log: sparse }).label,
      diagnoseTraining({ model: scenario, log: full }).label,
      scenario,
    );
  }
});
