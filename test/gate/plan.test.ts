import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planGate, uncertaintyBand, gateVerdict, type GatePlan } from '../../src/gate/plan.ts';
import { DEFAULT_RULES, type GateRules } from '../../src/gate/rules.ts';
import { fixtureReport } from './fixtures.ts';

function outcome(plan: GatePlan, model: string, metricId: string) {
  const found = plan.outcomes.find((o) => o.model === model && o.metricId === metricId);
  assert.ok(found, `no outcome for ${model} × ${metricId}`);
  return found;
}

const baseline = fixtureReport('baseline');

test('a release that improves or stays within the allowance passes, and its new bundle is shown', () => {
  const plan = planGate(fixtureReport('release-pass'), baseline, DEFAULT_RULES);
  assert.equal(plan.passed, true);
  assert.equal(plan.outcomes.length, 2 * 5);
  assert.equal(outcome(plan, 'dcgan-mnist', 'fid').note, 'improved');
  const kid = outcome(plan, 'dcgan-mnist', 'kid');
  assert.equal(kid.status, 'pass');
  assert.match(kid.note, /^worse by 0\.000300, within the allowed ≤ 5% of baseline$/);
  assert.deepEqual(
    {
      status: outcome(plan, 'dcgan-mnist', 'bits-per-dim').status,
      note: outcome(plan, 'dcgan-mnist', 'bits-per-dim').note,
    },
    { status: 'skipped', note: 'not applicable: a GAN defines no likelihood' },
  );
  assert.deepEqual(plan.bundleChanges, [
    {
      model: 'dcgan-mnist',
      baselineHash: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6',
      currentHash: 'b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2',
    },
  ]);
  assert.equal(gateVerdict(plan), 'PASSED: 9 of 9 checks passed; 1 skipped');
});

test('a regression beyond the allowance and outside the baseline interval fails; without an interval the uncertainty rule cannot apply', () => {
  const plan = planGate(fixtureReport('release-regressed'), baseline, DEFAULT_RULES);
  assert.equal(plan.passed, false);
  const fid = outcome(plan, 'dcgan-mnist', 'fid');
  assert.equal(fid.status, 'fail');
  assert.ok(Math.abs((fid.change ?? 0) - 2.77) < 1e-9);
  assert.equal(
    fid.note,
    "worse by 2.77, more than the allowed ≤ 5% of baseline and outside the baseline's 95% interval [11.6, 13.4]",
  );
  // Recall is higher-is-better: a drop is the regression.
  const recall = outcome(plan, 'dcgan-mnist', 'recall');
  assert.equal(recall.status, 'fail');
  assert.match(recall.note, /the baseline has no interval or std, so the uncertainty rule cannot apply$/);
  assert.equal(gateVerdict(plan), 'FAILED: 2 of 9 checks failed; 1 skipped');
});

test('a regression beyond the allowance but inside the baseline uncertainty is reported, not failed', () => {
  const plan = planGate(fixtureReport('release-within-interval'), baseline, DEFAULT_RULES);
  assert.equal(plan.passed, true);
  const fid = outcome(plan, 'dcgan-mnist', 'fid');
  assert.equal(fid.status, 'within-uncertainty');
  assert.match(fid.note, /inside the baseline's 95% interval \[11\.6, 13\.4\]: reported, not failed$/);
  const kid = outcome(plan, 'dcgan-mnist', 'kid');
  assert.equal(kid.status, 'within-uncertainty');
  assert.match(kid.note, /inside the baseline's ± 1\.96·std band \[0\.00728, 0\.0155\]/);
  assert.match(
    gateVerdict(plan),
    /^PASSED: 9 of 9 checks passed; 2 regressed inside the uncertainty \(not failed\), 1 skipped$/,
  );
});

test('rules decide: beyondUncertainty false fails what the interval would excuse; a larger absolute allowance passes it', () => {
  const within = fixtureReport('release-within-interval');
  const strict: GateRules = { default: { relative: 0.05, beyondUncertainty: false }, metrics: {} };
  assert.equal(outcome(planGate(within, baseline, strict), 'dcgan-mnist', 'fid').status, 'fail');
  const lenientFid: GateRules = {
    default: DEFAULT_RULES.default,
    metrics: { fid: { absolute: 1, beyondUncertainty: true } },
  };
  const fid = outcome(planGate(within, baseline, lenientFid), 'dcgan-mnist', 'fid');
  assert.equal(fid.status, 'pass');
  assert.equal(fid.allowance, '≤ 1');
});

test('overlapping intervals do not excuse a current value outside the baseline interval', () => {
  const current = fixtureReport('release-pass');
  current.results['dcgan-mnist']!.fid = { kind: 'value', value: 13.6, interval: [12.8, 14.5], n: 2000 };
  assert.equal(outcome(planGate(current, baseline, DEFAULT_RULES), 'dcgan-mnist', 'fid').status, 'fail');
});

test('a metric that had a value and now failed fails the gate; a metric new in the release is skipped', () => {
  const current = fixtureReport('release-pass');
  current.results['vae-mnist']!.kid = { kind: 'failed', reason: 'KID needs at least 2 samples' };
  current.metrics.push({
    id: 'coverage',
    label: 'Coverage',
    unit: '',
    direction: 'higher',
    definition: '',
    reference: '',
  });
  current.results['vae-mnist']!.coverage = { kind: 'value', value: 0.9, n: 2000 };
  const plan = planGate(current, baseline, {
    default: DEFAULT_RULES.default,
    metrics: { fdi: { relative: 0.1, beyondUncertainty: true } },
  });
  const kid = outcome(plan, 'vae-mnist', 'kid');
  assert.equal(kid.status, 'fail');
  assert.equal(kid.note, 'had a value in the baseline, has none now (KID needs at least 2 samples)');
  assert.equal(outcome(plan, 'vae-mnist', 'coverage').status, 'skipped');
  assert.deepEqual(plan.unknownRuleMetrics, ['fdi']);
  assert.equal(plan.passed, false);
});

test('the uncertainty band is the interval when there is one, else value ± 1.96·std, else none', () => {
  assert.deepEqual(uncertaintyBand({ kind: 'value', value: 5, interval: [4, 7], std: 1, n: 10 }), {
    low: 4,
    high: 7,
    label: '95% interval',
  });
  const band = uncertaintyBand({ kind: 'value', value: 1, std: 0.5, n: 10 });
  assert.deepEqual(band && [band.low, band.high], [1 - 0.98, 1 + 0.98]);
  assert.equal(uncertaintyBand({ kind: 'value', value: 1, n: 10 }), undefined);
});
