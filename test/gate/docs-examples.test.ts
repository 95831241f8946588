/** The examples in docs/ are meant to be copied: they must parse and use only options `check` and `run` accept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { readRules } from '../../src/gate/rules.ts';

const EXAMPLES = fileURLToPath(new URL('../../docs/examples/', import.meta.url));

function workflowCommands(file: string): string[] {
  const workflow = parseYaml(readFileSync(`${EXAMPLES}${file}`, 'utf8')) as {
    jobs: Record<string, { steps: Array<{ run?: string }> }>;
  };
  return Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((s) => (s.run ? [s.run] : [])));
}

function flagsOf(commandLine: string): string[] {
  return [...commandLine.matchAll(/--([a-z-]+)/g)].map((m) => m[1]!);
}

test('the example gates.yaml is valid rules', () => {
  const rules = readRules(`${EXAMPLES}gates.yaml`);
  assert.deepEqual(rules.metrics.fid, { absolute: 1.5, beyondUncertainty: true });
});

test('the release workflow runs the comparison and gates with check, using options check declares', () => {
  const commands = workflowCommands('release-gate.yml');
  const check = commands.find((c) => c.includes('genreport check'));
  assert.ok(check, 'a step runs genreport check');
  assert.deepEqual(flagsOf(check), ['current', 'baseline', 'rules', 'junit']);
  assert.ok(commands.some((c) => /genreport run genreport\.yaml --out reports\/release/.test(c)));
});

test('the weekly workflow appends to the history it keeps', () => {
  const run = workflowCommands('weekly.yml').find((c) => c.includes('genreport run'));
  assert.match(run ?? '', /--history \.history\/history\.jsonl/);
});
