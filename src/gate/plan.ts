/**
 * The gate as a pure plan: one outcome per model × metric, each with the text
 * that explains it. Printing, Markdown, JUnit and the exit code are all read
 * off the plan; nothing here touches the disk or the terminal.
 *
 * Uncertainty: a regression "inside the uncertainty" means the current value
 * lies within the baseline's 95% interval (or baseline ± 1.96·std when the
 * metric only has a std). We test the current value against the baseline's
 * interval rather than asking whether two intervals overlap: overlap is far
 * more lenient than a 95% test (two intervals can overlap while the values
 * differ by almost 2.8 standard errors) and needs an interval on both sides.
 */
import type { Direction, MetricCell, ReportData } from '../assemble/report-data.ts';
import { formatValue } from '../render/format.ts';
import { describeAllowance, ruleFor, type GateRule, type GateRules } from './rules.ts';
import { shortfall } from '../assemble/direction.ts';
import { comparabilityWarnings } from './compatibility.ts';

export type OutcomeStatus = 'pass' | 'fail' | 'within-uncertainty' | 'skipped';

export interface GateOutcome {
  model: string;
  metricId: string;
  metricLabel: string;
  direction: Direction;
  baseline?: number;
  current?: number;
  /** current − baseline, as measured. */
  change?: number;
  /** The rule as it reads, e.g. "≤ 5% of baseline". */
  allowance: string;
  status: OutcomeStatus;
  /** Why the outcome is what it is, in a sentence a reviewer can act on. */
  note: string;
}

export interface BundleChange {
  model: string;
  baselineHash: string;
  currentHash: string;
}

export interface GatePlan {
  outcomes: GateOutcome[];
  /** Models whose bundle changed between the reports: expected in a release, shown so a reviewer sees what moved. */
  bundleChanges: BundleChange[];
  /** Metric ids the rules name that neither report has: most likely a typo. */
  unknownRuleMetrics: string[];
  /** What differs between the runs without making them incomparable (sample count, seed); compatibility.ts. */
  warnings: string[];
  passed: boolean;
}

interface Band {
  low: number;
  high: number;
  label: string;
}

const Z95 = 1.96;

/** The baseline's 95% uncertainty: its interval, else ±1.96·std, else none. */
export function uncertaintyBand(cell: MetricCell): Band | undefined {
  if (cell.kind !== 'value') return undefined;
  if (cell.interval) return { low: cell.interval[0], high: cell.interval[1], label: '95% interval' };
  if (cell.std !== undefined) {
    return { low: cell.value - Z95 * cell.std, high: cell.value + Z95 * cell.std, label: '± 1.96·std band' };
  }
  return undefined;
}

function allowedRegression(rule: GateRule, baseline: number): number {
  return rule.absolute ?? (rule.relative ?? 0) * Math.abs(baseline);
}

/** A change with its sign: "+1.23", "−0.5". */
export function formatChange(value: number): string {
  return value > 0 ? `+${formatValue(value)}` : formatValue(value);
}

function compareCells(
  base: MetricCell | undefined,
  current: MetricCell | undefined,
  direction: Direction,
  rule: GateRule,
): Pick<GateOutcome, 'baseline' | 'current' | 'change' | 'status' | 'note'> {
  if (base?.kind !== 'value') {
    if (current?.kind === 'failed') return { status: 'fail', note: `failed: ${current.reason}` };
    if (base?.kind === 'not-applicable' && current?.kind === 'not-applicable')
      return { status: 'skipped', note: `not applicable: ${current.reason}` };
    const why = base ? base.reason : 'not in the baseline';
    return {
      status: 'skipped',
      current: current?.kind === 'value' ? current.value : undefined,
      note: `no baseline value (${why})`,
    };
  }
  if (current?.kind !== 'value') {
    const why = current ? current.reason : 'not in the current report';
    return { status: 'fail', baseline: base.value, note: `had a value in the baseline, has none now (${why})` };
  }
  const change = current.value - base.value;
  const regression = shortfall(direction, current.value) - shortfall(direction, base.value);
  const values = { baseline: base.value, current: current.value, change };
  const allowed = allowedRegression(rule, base.value);
  if (regression <= 0) return { ...values, status: 'pass', note: regression === 0 ? 'unchanged' : 'improved' };
  const worse = `worse by ${formatValue(regression)}`;
  if (regression <= allowed)
    return { ...values, status: 'pass', note: `${worse}, within the allowed ${describeAllowance(rule)}` };
  const beyond = `${worse}, more than the allowed ${describeAllowance(rule)}`;
  if (!rule.beyondUncertainty) return { ...values, status: 'fail', note: beyond };
  const band = uncertaintyBand(base);
  if (!band) {
    return {
      ...values,
      status: 'fail',
      note: `${beyond}; the baseline has no interval or std, so the uncertainty rule cannot apply`,
    };
  }
  const bandText = `${band.label} [${formatValue(band.low)}, ${formatValue(band.high)}]`;
  if (current.value >= band.low && current.value <= band.high) {
    return {
      ...values,
      status: 'within-uncertainty',
      note: `${beyond}, but inside the baseline's ${bandText}: reported, not failed`,
    };
  }
  return { ...values, status: 'fail', note: `${beyond} and outside the baseline's ${bandText}` };
}

/** Compares two compatible reports (see incompatibilities()) under the rules. */
export function planGate(current: ReportData, baseline: ReportData, rules: GateRules): GatePlan {
  const metrics = [...baseline.metrics, ...current.metrics.filter((m) => !baseline.metrics.some((b) => b.id === m.id))];
  const outcomes: GateOutcome[] = [];
  for (const model of current.models) {
    for (const metric of metrics) {
      const rule = ruleFor(rules, metric.id);
      outcomes.push({
        model: model.name,
        metricId: metric.id,
        metricLabel: metric.label,
        direction: metric.direction,
        allowance: describeAllowance(rule),
        ...compareCells(
          baseline.results[model.name]?.[metric.id],
          current.results[model.name]?.[metric.id],
          metric.direction,
          rule,
        ),
      });
    }
  }
  const bundleChanges = current.models.flatMap((model) => {
    const before = baseline.models.find((m) => m.name === model.name);
    return before && before.hash !== model.hash
      ? [{ model: model.name, baselineHash: before.hash, currentHash: model.hash }]
      : [];
  });
  const unknownRuleMetrics = Object.keys(rules.metrics).filter((id) => !metrics.some((m) => m.id === id));
  return {
    outcomes,
    bundleChanges,
    unknownRuleMetrics,
    warnings: comparabilityWarnings(current, baseline),
    passed: outcomes.every((o) => o.status !== 'fail'),
  };
}

export function countByStatus(plan: GatePlan): Record<OutcomeStatus, number> {
  const counts: Record<OutcomeStatus, number> = { pass: 0, fail: 0, 'within-uncertainty': 0, skipped: 0 };
  for (const o of plan.outcomes) counts[o.status]++;
  return counts;
}

/** One line for the end of every output: "FAILED: 2 of 14 checks failed; 1 inside the uncertainty, 3 skipped". */
export function gateVerdict(plan: GatePlan): string {
  const c = countByStatus(plan);
  const checked = plan.outcomes.length - c.skipped;
  const head = plan.passed
    ? `PASSED: ${checked - c.fail} of ${checked} checks passed`
    : `FAILED: ${c.fail} of ${checked} checks failed`;
  const extras = [
    c['within-uncertainty'] > 0 ? `${c['within-uncertainty']} regressed inside the uncertainty (not failed)` : '',
    c.skipped > 0 ? `${c.skipped} skipped` : '',
  ].filter(Boolean);
  return extras.length > 0 ? `${head}; ${extras.join(', ')}` : head;
}
