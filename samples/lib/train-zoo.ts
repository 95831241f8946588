/**
 * Retrain the whole zoo with one command, on both cores: each family trains
 * in its own process (the wasm backend runs one thread per process), two at a
 * time, in two lanes of about equal length (seconds measured on the 2-core
 * machine, from the cards):
 *   lane 1: flow (5,317 s on both cores; on one, beside another training, it
 *           ran 0.86 steps/s, so about 7,000 s), then 615 s to fit its base
 *           distribution, then gan-collapsed (1,654 s) and gan (2,055 s)
 *   lane 2: classifier (1,783 s), vae (3,344 s + 266 s for its prior),
 *           autoregressive (6,419 s)
 * Every bundle is measured with the new classifier: the lane-2 families start
 * after it, and the flow trains unmeasured and is measured once it is done.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const samples = dirname(dirname(fileURLToPath(import.meta.url)));

export interface ZooOptions {
  seed: number;
  backend: string;
  /** Measure each bundle and record its figures in card.json (default true). */
  measure: boolean;
}

/** Runs one samples script (path relative to samples/) to the end; rejects if it fails. */
export type ScriptRunner = (label: string, script: string, args: string[]) => Promise<void>;

export async function trainZoo(opts: ZooOptions, runner: ScriptRunner = runScript): Promise<void> {
  const started = performance.now();
  const seconds: Record<string, number> = {};
  const common = ['--seed', String(opts.seed), '--backend', opts.backend, ...(opts.measure ? [] : ['--no-measure'])];
  const run = async (label: string, script: string, args: string[]): Promise<void> => {
    const t = performance.now();
    await runner(label, script, args);
    seconds[label] = (performance.now() - t) / 1000;
  };
  const classifier = run('classifier', 'train.ts', ['--family', 'classifier', ...common]);
  const lane1 = (async () => {
    // One worker: the other core is lane 2's.
    await run('flow', 'train.ts', ['--family', 'flow', ...common, '--no-measure', '--workers', '1']);
    await classifier;
    if (opts.measure) await run('flow measure', 'measure.ts', [join(samples, 'flow-realnvp'), '--seed', String(opts.seed)]);
    for (const family of ['gan-collapsed', 'gan']) await run(family, 'train.ts', ['--family', family, ...common]);
  })();
  const lane2 = (async () => {
    await classifier;
    for (const family of ['vae', 'autoregressive']) await run(family, 'train.ts', ['--family', family, ...common]);
  })();
  // Both lanes run to the end or the first failure; a failure in one stops neither bundle already written.
  const results = await Promise.allSettled([lane1, lane2]);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const summary = Object.entries(seconds).map(([label, s]) => `${label} ${Math.round(s)} s`).join(', ');
  process.stderr.write(`zoo: ${summary}; ${Math.round((performance.now() - started) / 1000)} s in all\n`);
  if (failed.length > 0) throw new Error(failed.map((f) => (f.reason as Error).message).join('; '));
}

const children = new Set<ChildProcess>();
let stopsChildren = false;

/** Runs a samples script in a child process, its output lines prefixed with the label. */
function runScript(label: string, script: string, args: string[]): Promise<void> {
  if (!stopsChildren) {
    // Stopping the zoo stops its trainings too, rather than leaving them running unseen.
    stopsChildren = true;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        for (const child of children) child.kill(signal);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      });
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(samples, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.on('exit', () => children.delete(child));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stderr.write(`[${label}] ${line}\n`));
    }
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${label} failed (${signal ?? `exit code ${code}`})`))));
  });
}
