/**
 * Retrain the whole zoo with one command, on both cores: each family trains
 * in its own process (the wasm backend runs one thread per process), two at a
 * time, in two lanes of about equal length. Seconds on the 2-core machine,
 * from a zoo run on 2026-12-02, 8,896 s (2 h 28 min) end to end:
 *   lane 1: gans 909 s (gan 709 s, then gan-collapsed branched off at step
 *           1200: 200 s), the flow on one core (0.86 steps/s beside the
 *           VAE and the PixelCNN: 6,936 s) and its base distribution
 *           (about 700 s): 8,560 s
 *   lane 2: classifier 537 s, vae 2,184 s + 102 s for its prior, then
 *           autoregressive (0.92 steps/s beside the flow: 5,961 s):
 *           8,896 s
 * So a full retrain takes about 2 h 30 min; days and machines vary by a
 * third either way. The flow and the PixelCNN are the long jobs: the lanes
 * cannot get much shorter without faster conv filter gradients.
 * Every bundle is measured with the new classifier, once both it and the
 * bundle are trained.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** The training scripts (train.ts, measure.ts) and the bundles they write. */
const scripts = dirname(dirname(fileURLToPath(import.meta.url)));
const bundles = fileURLToPath(new URL('../../../samples/mnist/', import.meta.url));

export interface ZooOptions {
  seed: number;
  backend: string;
  /** Measure each bundle and record its figures in card.json (default true). */
  measure: boolean;
}

/** Runs one training script (path relative to training/mnist/) to the end; rejects if it fails. */
export type ScriptRunner = (label: string, script: string, args: string[]) => Promise<void>;

export async function trainZoo(opts: ZooOptions, runner: ScriptRunner = runScript): Promise<void> {
  const started = performance.now();
  const seconds: Record<string, number> = {};
  const common = ['--seed', String(opts.seed), '--backend', opts.backend];
  const run = async (label: string, script: string, args: string[]): Promise<void> => {
    const t = performance.now();
    await runner(label, script, args);
    seconds[label] = (performance.now() - t) / 1000;
  };
  const classifier = run('classifier', 'train.ts', ['--family', 'classifier', ...common]);
  // Every family trains unmeasured and is measured once the new classifier is there.
  const train = (family: string, extra: string[] = []) =>
    run(family, 'train.ts', ['--family', family, ...common, '--no-measure', ...extra]);
  const measure = async (bundle: string, extra: string[] = []) => {
    await classifier;
    if (opts.measure)
      await run(`${bundle} measure`, 'measure.ts', [join(bundles, bundle), '--seed', String(opts.seed), ...extra]);
  };
  const lane1 = (async () => {
    await train('gans');
    for (const bundle of ['gan-dcgan', 'gan-dcgan-ema', 'gan-collapsed']) await measure(bundle);
    // One worker: the other core is lane 2's.
    await train('flow', ['--workers', '1']);
    await measure('flow-realnvp');
  })();
  const lane2 = (async () => {
    await classifier;
    await train('vae');
    await measure('vae-conv', ['--draws', '16']); // K = 16 for the importance-weighted bound, as train:mnist measures it
    await train('autoregressive');
    await measure('ar-pixelcnn');
  })();
  // Both lanes run to the end or the first failure; a failure in one stops neither bundle already written.
  const results = await Promise.allSettled([lane1, lane2]);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const summary = Object.entries(seconds)
    .map(([label, s]) => `${label} ${Math.round(s)} s`)
    .join(', ');
  process.stderr.write(`zoo: ${summary}; ${Math.round((performance.now() - started) / 1000)} s in all\n`);
  if (failed.length > 0) throw new Error(failed.map((f) => (f.reason as Error).message).join('; '));
}

const children = new Set<ChildProcess>();
let stopsChildren = false;

/** Runs a training script in a child process, its output lines prefixed with the label. */
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
    const child = spawn(process.execPath, ['--import', 'tsx', join(scripts, script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stderr.write(`[${label}] ${line}\n`));
    }
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${label} failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}
