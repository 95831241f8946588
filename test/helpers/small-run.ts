/**
 * A small real run through the command line, as the end-to-end tests make it:
 * 300 real MNIST test images, 100 samples a model, a few metrics, no PDF.
 * Returns the process's result and, when it succeeded, its report.json.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ReportData } from '../../src/assemble/report-data.ts';

const root = resolve(import.meta.dirname, '../..');

/** `models` are YAML lines of the models: list (a path, or `{ path: …, name: … }`). */
export function smallRunConfig(models: string[], options: { batchSize?: number } = {}): string {
  return [
    'data: { real: mnist:test, count: 300 }',
    'models:',
    ...models.map((m) => `  - ${m}`),
    'samples: 100',
    `batchSize: ${options.batchSize ?? 100}`,
    'metrics: [fid, precision, recall]',
    'kid: { subsets: 10, subsetSize: 50 }',
    'density: { images: 20 }',
    'invertibility: { images: 4, steps: 5, restarts: 1 }',
    'truncation: { psi: [0.5, 1], samples: 100 }',
    'output: { pdf: false }',
  ].join('\n');
}

/** Writes `<work>/run.yaml`, runs it into `<work>/report`, and asserts exit 0. */
export function runSmall(
  work: string,
  yaml: string,
  extraArgs: string[] = [],
): { run: SpawnSyncReturns<string>; data: ReportData } {
  const config = join(work, 'run.yaml');
  writeFileSync(config, yaml);
  const out = join(work, 'report');
  const run = spawnSync(
    process.execPath,
    [join(root, 'bin/genreport.js'), 'run', config, '--out', out, '--quiet', ...extraArgs],
    { cwd: work, encoding: 'utf8', timeout: 300_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  return { run, data: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData };
}
