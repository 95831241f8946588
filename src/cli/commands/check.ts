/**
 * `genreport check`: the release gate. Compares a current report.json with a
 * baseline under gate rules, prints the table, writes the Markdown summary
 * (to $GITHUB_STEP_SUMMARY when set) and, on request, JUnit XML.
 * Exit codes: 0 every rule held, 1 a rule failed (ChecksFailed), 2 bad input.
 */
import { appendFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { GenreportError } from '../../core/errors.ts';
import { comparabilityWarnings, incompatibilities } from '../../gate/compatibility.ts';
import { gateJunit } from '../../gate/junit.ts';
import { gateMarkdown } from '../../gate/markdown.ts';
import { gateVerdict, planGate } from '../../gate/plan.ts';
import { readReport } from '../../gate/read-report.ts';
import { DEFAULT_RULES, readRules } from '../../gate/rules.ts';
import { gateTable } from '../../gate/table.ts';
import { writeFileAtomic } from '../../core/atomic-file.ts';
import { ChecksFailed } from '../checks-failed.ts';

interface CheckArgs {
  current: string;
  baseline: string;
  rules?: string;
  junit?: string;
  markdown?: string;
  strict?: boolean;
}

export function runCheck(args: CheckArgs, env: NodeJS.ProcessEnv = process.env): void {
  const current = readReport(args.current);
  const baseline = readReport(args.baseline);
  const reasons = incompatibilities(current, baseline);
  if (reasons.length > 0) {
    throw new GenreportError(
      reasons.map((reason) => ({ file: args.current, message: `does not compare with ${args.baseline}: ${reason}` })),
    );
  }
  if (args.strict) {
    const warnings = comparabilityWarnings(current, baseline);
    if (warnings.length > 0) {
      throw new GenreportError(
        warnings.map((w) => ({
          file: args.current,
          field: '--strict',
          message: `does not compare with ${args.baseline}: ${w}`,
        })),
      );
    }
  }
  const rules = args.rules ? readRules(args.rules) : DEFAULT_RULES;
  const plan = planGate(current, baseline, rules);

  process.stdout.write(gateTable(plan));
  const markdown = gateMarkdown(plan, { currentFile: args.current, baselineFile: args.baseline });
  // GitHub reads the step summary file after the step; other steps may have written to it, so append.
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, markdown);
  if (args.markdown) writeFileAtomic(args.markdown, markdown);
  if (args.junit) writeFileAtomic(args.junit, gateJunit(plan));
  if (!plan.passed) throw new ChecksFailed(gateVerdict(plan));
}

/** Options and work of `genreport check`; its name and one-liner are in ../command-list.ts, read without loading this file. */
export const checkCommand: Required<Pick<CommandModule<object, CheckArgs>, 'builder' | 'handler'>> = {
  builder: (y) =>
    y
      .option('current', { type: 'string', demandOption: true, describe: 'report.json of the candidate (the release)' })
      .option('baseline', {
        type: 'string',
        demandOption: true,
        describe: 'report.json to compare against (same models, data and feature space)',
      })
      .option('rules', {
        type: 'string',
        describe:
          'gates.yaml: largest allowed regression per metric (default: 5% relative, beyond the 95% uncertainty)',
      })
      .option('junit', { type: 'string', describe: 'also write JUnit XML here: one test case per model × metric' })
      .option('markdown', {
        type: 'string',
        describe: 'also write the Markdown summary here (it goes to $GITHUB_STEP_SUMMARY when that is set)',
      })
      .option('strict', {
        type: 'boolean',
        default: false,
        describe: 'refuse (exit 2) reports made with different sample counts or seeds, instead of warning',
      })
      .example(
        '$0 check --current new/report.json --baseline main/report.json --rules gates.yaml --junit gate.xml',
        'gate a release in CI',
      )
      .epilogue('Exit codes: 0 every rule held, 1 a rule failed, 2 bad input (including reports that do not compare).'),
  handler: (args) => runCheck(args),
};
