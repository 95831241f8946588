/** The gate plan as a plain-text table for the terminal and CI logs (no colour: logs keep it readable). */
import { gateVerdict, type GatePlan } from './plan.ts';
import { OUTCOME_HEADER, outcomeRow } from './outcome-row.ts';

export function gateTable(plan: GatePlan): string {
  const rows = [OUTCOME_HEADER, ...plan.outcomes.map(outcomeRow)];
  const widths = OUTCOME_HEADER.map((_, col) => Math.max(...rows.map((r) => [...r[col]!].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, col) => (col === cells.length - 1 ? cell : cell.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd();
  const out = [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
  for (const b of plan.bundleChanges)
    out.push(`bundle changed: ${b.model} ${b.baselineHash.slice(0, 12)} -> ${b.currentHash.slice(0, 12)}`);
  for (const id of plan.unknownRuleMetrics) out.push(`note: the rules name metric '${id}', which neither report has`);
  for (const w of plan.warnings) out.push(`warning: ${w}`);
  out.push(gateVerdict(plan));
  return `${out.join('\n')}\n`;
}
