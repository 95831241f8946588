/** The gate plan as GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY or a PR comment. */
import { gateVerdict, type GatePlan } from './plan.ts';
import { OUTCOME_HEADER, outcomeRow } from './outcome-row.ts';

/** Model names and notes are user text: keep them from breaking the table or adding markup. */
function escapeCell(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

export interface MarkdownContext {
  currentFile: string;
  baselineFile: string;
}

export function gateMarkdown(plan: GatePlan, context: MarkdownContext): string {
  const row = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const lines = [
    `## genreport check: ${plan.passed ? 'passed' : 'failed'}`,
    '',
    `**${escapeCell(gateVerdict(plan))}**`,
    '',
    `Current \`${context.currentFile}\` against baseline \`${context.baselineFile}\`.`,
    '',
    // Above the table: a reviewer should weigh every row with them in mind.
    ...plan.warnings.flatMap((w) => [`> **Warning:** ${escapeCell(w)}`, '']),
    row(OUTCOME_HEADER),
    `|${OUTCOME_HEADER.map(() => ' --- ').join('|')}|`,
    ...plan.outcomes.map((o) => row(outcomeRow(o))),
  ];
  if (plan.bundleChanges.length > 0) {
    lines.push('', 'Bundles changed since the baseline:', '');
    for (const b of plan.bundleChanges)
      lines.push(`- ${escapeCell(b.model)}: \`${b.baselineHash.slice(0, 12)}\` → \`${b.currentHash.slice(0, 12)}\``);
  }
  for (const id of plan.unknownRuleMetrics)
    lines.push('', `Note: the rules name metric \`${id}\`, which neither report has.`);
  return `${lines.join('\n')}\n`;
}
