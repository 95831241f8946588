/**
 * The columns every gate output shows for an outcome, so the terminal table
 * and the Markdown summary read the same.
 */
import { formatValue } from '../render/format.ts';
import { formatChange, type GateOutcome, type OutcomeStatus } from './plan.ts';
import { DIRECTION_ARROWS } from '../assemble/direction.ts';

export const STATUS_LABEL: Record<OutcomeStatus, string> = {
  pass: 'pass',
  fail: 'FAIL',
  'within-uncertainty': 'within CI',
  skipped: 'skipped',
};

export const OUTCOME_HEADER = ['model', 'metric', 'baseline', 'current', 'change', 'allowed', 'result', 'why'];

export function outcomeRow(o: GateOutcome): string[] {
  const show = (v: number | undefined) => (v === undefined ? '–' : formatValue(v));
  return [
    o.model,
    `${o.metricLabel} (${DIRECTION_ARROWS[o.direction]})`,
    show(o.baseline),
    show(o.current),
    o.change === undefined ? '–' : formatChange(o.change),
    o.allowance,
    STATUS_LABEL[o.status],
    o.note,
  ];
}
