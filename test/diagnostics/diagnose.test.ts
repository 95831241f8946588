import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseTraining } from '../../src/diagnostics/diagnose.ts';
import { DEFAULT_THRESHOLDS, diagnosticThresholdsSchema } from '../../src/diagnostics/thresholds.ts';
import type { TrainingLog } from '../../src/diagnostics/training-log.ts';
import { syntheticLog, type Scenario } from './synthetic-traces.ts';

const VERDICTS: Record<Scenario, [string, string]> = {
  healthy: ['healthy', 'info'],
  oscillating: ['possible mode collapse', 'critical'],
  'discriminator-collapse': ['convergence failure', 'critical'],
  'rising-generator': ['unstable training', 'warning'],
  diverging: ['unstable training', 'warning'],
};

test('each synthetic run gets its verdict and severity, with the evidence in the line', () => {
  for (const [scenario, [label, severity]] of Object.entries(VERDICTS) as [Scenario, [string, string]][]) {
    const d = diagnoseTraining({ model: scenario, log: syntheticLog(scenario) });
    assert.equal(d.label, label, scenario);
    assert.equal(d.severity, severity, scenario);
    assert.ok(d.verdict.startsWith(`${label}: `), d.verdict);
    assert.deepEqual(d.steps, [1, 3000]);
  }
  const failed = diagnoseTraining({ model: 'failed', log: syntheticLog('discriminator-collapse') });
  assert.match(
    failed.verdict,
    /^convergence failure: discriminator loss below 0\.1 for \d+ steps .*; also diverging losses$/,
  );
});

const COLLAPSED_SAMPLES = {
  modeCoverage: { classHistogram: [2, 610, 1, 3, 2, 1, 4, 371, 2, 4], realHistogram: Array(10).fill(1000) },
};
const HEALTHY_SAMPLES = {
  modeCoverage: { classHistogram: [98, 110, 101, 99, 97, 92, 96, 104, 98, 105], realHistogram: Array(10).fill(1000) },
};

test("the zoo's collapsed GAN (oscillating G, two classes in the samples) is 'mode collapse'; the healthy one stays healthy", () => {
  const collapsed = diagnoseTraining({
    model: 'gan-collapsed',
    log: syntheticLog('oscillating'),
    samples: COLLAPSED_SAMPLES,
  });
  assert.equal(collapsed.label, 'mode collapse');
  assert.equal(collapsed.severity, 'critical');
  assert.match(collapsed.verdict, /samples cover 2 of 10 classes.*; also oscillating generator loss/);
  const healthy = diagnoseTraining({ model: 'gan-dcgan', log: syntheticLog('healthy'), samples: HEALTHY_SAMPLES });
  assert.equal(healthy.label, 'healthy');
  assert.deepEqual(
    healthy.findings.map((f) => [f.id, f.severity]),
    [['class-coverage', 'info']],
  );
});

test('a model without a log says so, and collapsed samples still give a verdict', () => {
  const none = diagnoseTraining({ model: 'flow', log: null });
  assert.equal(none.label, 'no training log');
  assert.equal(none.log, null);
  assert.equal(none.steps, null);
  assert.equal(diagnoseTraining({ model: 'gan', log: null, samples: COLLAPSED_SAMPLES }).label, 'mode collapse');
});

test('a log without GAN losses (a VAE or the classifier) is named as such, listing its columns', () => {
  const log: TrainingLog = {
    file: 'vae/train-log.csv',
    step: [1, 2, 3],
    series: { loss: [300, 200, 150], kl: [5, 8, 9] },
  };
  const d = diagnoseTraining({ model: 'vae', log });
  assert.equal(d.label, 'no GAN losses');
  assert.match(d.verdict, /found: loss, kl/);
  assert.equal(d.log, 'vae/train-log.csv');
});

test('other column names are accepted through the thresholds', () => {
  const synthetic = syntheticLog('discriminator-collapse');
  const log: TrainingLog = {
    ...synthetic,
    series: { lossG: synthetic.series.g_loss!, lossD: synthetic.series.d_loss! },
  };
  assert.equal(diagnoseTraining({ model: 'renamed', log }).label, 'no GAN losses');
  const thresholds = diagnosticThresholdsSchema.parse({ columns: { generator: ['lossG'], discriminator: ['lossD'] } });
  assert.equal(diagnoseTraining({ model: 'renamed', log, thresholds }).label, 'convergence failure');
});

test('thresholds: {} gives the documented defaults, a partial object keeps the rest, a bad value is refused', () => {
  const defaults = diagnosticThresholdsSchema.parse({});
  assert.deepEqual(defaults, DEFAULT_THRESHOLDS);
  assert.equal(defaults.discriminatorCollapse.maxLoss, 0.1);
  assert.equal(defaults.oscillation.windowSteps, 300);
  assert.deepEqual(defaults.columns.generator.slice(0, 1), ['g_loss']);
  const stricter = diagnosticThresholdsSchema.parse({ discriminatorCollapse: { minSteps: 50 } });
  assert.equal(stricter.discriminatorCollapse.minSteps, 50);
  assert.equal(stricter.discriminatorCollapse.maxLoss, 0.1);
  assert.equal(stricter.risingGenerator.minRise, DEFAULT_THRESHOLDS.risingGenerator.minRise);
  const refused = diagnosticThresholdsSchema.safeParse({ oscillation: { minAutocorrelation: 1.5 } });
  assert.equal(refused.success, false);
  assert.deepEqual(refused.error?.issues[0]?.path, ['oscillation', 'minAutocorrelation']);
});

test('looser thresholds change the verdict: a rising generator passes when the allowed rise is larger', () => {
  const log = syntheticLog('rising-generator');
  const lenient = diagnosticThresholdsSchema.parse({ risingGenerator: { minRise: 5, criticalRise: 8 } });
  assert.equal(diagnoseTraining({ model: 'g', log, thresholds: lenient }).label, 'healthy');
});
