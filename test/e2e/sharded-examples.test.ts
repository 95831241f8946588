/**
 * The sharding examples in docs/examples/ do what they say: each is parsed
 * (the Kubernetes Indexed Job, the Slurm array script, the GitHub Actions
 * matrix), its genreport commands are taken out as the scheduler would run
 * them (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, ${{ matrix.shard }}) and run
 * as local processes through `sh -c`, in a folder holding a small config as
 * genreport.yaml: its 3 shards, then its merge. Each merged report.json must
 * equal a single-process run's: every number to 1e-9 relative (timings
 * aside), every string and image alike. Then merge is shown partials that are
 * not one run's (a shard missing, one twice, one of another seed, one whose
 * features were swapped), and must stop with exit 2 naming the shard or field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const examples = join(root, 'docs/examples');
const genreport = `"${process.execPath}" "${join(root, 'bin/genreport.js')}"`;
const work = mkdtempSync(join(tmpdir(), 'genreport-sharded-'));

/** Small and quick, but with every kind of per-model work: two families, memorisation (training images), bootstrap, truncation. */
const CONFIG = [
  'title: Sharded run check',
  'data: { real: mnist:test, count: 90, train: mnist:train, trainCount: 60 }',
  'models:',
  `  - ${join(root, 'samples/mnist/gan-dcgan')}`,
  `  - ${join(root, 'samples/mnist/vae-conv')}`,
  'samples: 60',
  // Not a divisor of a shard's 20 samples: shards batch other images together than the single run does.
  'batchSize: 16',
  'seed: 7',
  'metrics: [fid, kid, precision, recall, density, coverage, classifier-score, classes-covered, memorisation-share]',
  'kid: { subsets: 5, subsetSize: 20 }',
  'bootstrap: { resamples: 10 }',
  'density: { images: 6, iwaeSamples: 4 }',
  'invertibility: { images: 2, steps: 2, restarts: 1 }',
  'truncation: { psi: [0.5, 1], samples: 20 }',
  'output: { pdf: false }',
].join('\n');

/** One example as its scheduler runs it: `shards` copies of the shard command, each with its environment, then the merge command. */
interface Plan {
  name: string;
  shards: { command: string; env: Record<string, string> }[];
  merge: string;
}

const local = (command: string) => command.trim().replaceAll('npx genreport', genreport);
/** GitHub Actions' expression for the matrix value, written out as the workflow has it (not a JS template). */
const MATRIX_SHARD = ['$', '{{ matrix.shard }}'].join('');

function kubernetesPlan(): Plan {
  const docs = parseAllDocuments(readFileSync(join(examples, 'sharded-kubernetes.yaml'), 'utf8')).map((d) => d.toJS());
  const indexed = docs.find((d) => d.spec.completionMode === 'Indexed');
  const merge = docs.find((d) => d !== indexed);
  const script = (job: typeof indexed) => {
    const container = job.spec.template.spec.containers[0];
    assert.deepEqual(container.command, ['sh', '-c']);
    assert.equal(container.workingDir, '/work', 'the test runs the commands in a folder standing for /work');
    return container.args[0] as string;
  };
  const count = indexed.spec.completions as number;
  return {
    name: 'kubernetes',
    shards: Array.from({ length: count }, (_, i) => ({
      command: local(script(indexed)),
      env: { JOB_COMPLETION_INDEX: String(i) },
    })),
    merge: local(script(merge)),
  };
}

function slurmPlan(): Plan {
  const text = readFileSync(join(examples, 'sharded-slurm.sh'), 'utf8');
  const [, first, last] = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(text)!;
  const shards = /^SHARDS=(\d+)$/m.exec(text)![1]!;
  const run = text.split('\n').find((line) => line.startsWith('npx genreport run'))!;
  const merge = /--wrap "([^"]*genreport merge[^"]*)"/.exec(text)![1]!;
  return {
    name: 'slurm',
    shards: Array.from({ length: Number(last) - Number(first) + 1 }, (_, k) => ({
      command: local(run),
      env: { SHARDS: shards, SLURM_ARRAY_TASK_ID: String(Number(first) + k) },
    })),
    merge: local(merge),
  };
}

function matrixPlan(): Plan {
  const workflow = parse(readFileSync(join(examples, 'sharded-matrix.yml'), 'utf8'));
  const steps = (job: string) =>
    (workflow.jobs[job].steps as { run?: string }[]).flatMap((s) => (s.run?.includes('genreport') ? [s.run] : []));
  const [run] = steps('shard');
  const [merge] = steps('merge');
  assert.ok(workflow.jobs.merge.needs === 'shard', 'the merge job waits for every shard');
  return {
    name: 'github-matrix',
    shards: (workflow.jobs.shard.strategy.matrix.shard as number[]).map((i) => ({
      command: local(run!.replaceAll(MATRIX_SHARD, String(i))),
      env: {},
    })),
    merge: local(merge!),
  };
}

function sh(
  command: string,
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('sh', ['-c', command], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stderr }));
  });
}

/** Run the jobs at most `width` at a time (the test machine has few cores). */
async function pool<T>(jobs: (() => Promise<T>)[], width = Math.max(2, availableParallelism())): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, jobs.length) }, async () => {
      while (next < jobs.length) {
        const k = next++;
        results[k] = await jobs[k]!();
      }
    }),
  );
  return results;
}

/** Every difference between two report.json values: numbers beyond 1e-9 relative, anything else not equal; timings and dates skipped. */
function differences(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  const SKIPPED = new Set([
    'createdAt',
    'command',
    'timings',
    'samplesPerSecond',
    'secondsPerImage',
    'samplingThreads',
  ]);
  if (typeof a === 'number' && typeof b === 'number') {
    if (a !== b && !(Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)))) out.push(`${path}: ${a} vs ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: ${a.length} items vs ${b.length}`);
    else a.forEach((x, i) => differences(x, b[i], `${path}[${i}]`, out));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (SKIPPED.has(key)) continue;
      differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`, out);
    }
  } else if (a !== b) {
    out.push(`${path}: ${String(a).slice(0, 60)} vs ${String(b).slice(0, 60)}`);
  }
  return out;
}

const plans = [kubernetesPlan(), slurmPlan(), matrixPlan()];

test('each example splits the run into 3 shards and merges them into the single-process report', async () => {
  for (const plan of plans) assert.equal(plan.shards.length, 3, `${plan.name}: 3 shards`);
  const folders = Object.fromEntries(['single', ...plans.map((p) => p.name)].map((name) => [name, join(work, name)]));
  for (const dir of Object.values(folders)) {
    mkdirSync(dir);
    writeFileSync(join(dir, 'genreport.yaml'), CONFIG);
    mkdirSync(join(dir, 'logs'));
  }
  // The single run and every shard of every example at once, then the merges.
  const [single, ...shards] = await pool([
    () => sh(`${genreport} run genreport.yaml --out single-report --quiet`, folders.single!),
    ...plans.flatMap((plan) =>
      plan.shards.map(
        ({ command, env }) =>
          () =>
            sh(command, folders[plan.name]!, env),
      ),
    ),
  ]);
  assert.equal(single!.status, 0, single!.stderr);
  for (const [k, shard] of shards.entries()) assert.equal(shard.status, 0, `shard ${k}: ${shard.stderr}`);
  const merges = await pool(plans.map((plan) => () => sh(plan.merge, folders[plan.name]!)));
  const expected = JSON.parse(readFileSync(join(folders.single!, 'single-report/report.json'), 'utf8'));
  assert.equal(expected.models.filter((m: { status: string }) => m.status === 'ok').length, 2);
  for (const [k, plan] of plans.entries()) {
    assert.equal(merges[k]!.status, 0, `${plan.name} merge: ${merges[k]!.stderr}`);
    const out = /--out (\S+)/.exec(plan.merge)![1]!;
    const merged = JSON.parse(readFileSync(join(folders[plan.name]!, out, 'report.json'), 'utf8'));
    assert.deepEqual(
      differences(expected, merged),
      [],
      `${plan.name}: the merged report differs from the single run's`,
    );
    // The comparison is not vacuous: the reports hold the metrics and the images.
    assert.ok(
      merged.results.dcgan.fid.value > 0 && merged.results['vae-conv'].fid.value > 0 && merged.images.length > 5,
    );
  }

  // Partials that are not every shard of one run, once each: exit 2, the shard or field named.
  const parts = join(folders.kubernetes!, 'parts');
  const missing = await sh(`${genreport} merge parts/part-0 parts/part-1 --out bad`, folders.kubernetes!);
  assert.equal(missing.status, 2, missing.stderr);
  assert.match(missing.stderr, /merge: shard 2 of 3 is missing \(have 0: parts\/part-0, 1: parts\/part-1\)/);
  cpSync(join(parts, 'part-1'), join(parts, 'copy-of-1'), { recursive: true });
  const twice = await sh(
    `${genreport} merge parts/part-0 parts/part-1 parts/copy-of-1 parts/part-2 --out bad`,
    folders.kubernetes!,
  );
  assert.equal(twice.status, 2, twice.stderr);
  assert.match(twice.stderr, /copy-of-1\/partial\.json: shard\.index: is shard 1 of 3, as is .*part-1\/partial\.json/);
  const file = join(parts, 'copy-of-1', 'partial.json');
  const stored = JSON.parse(readFileSync(file, 'utf8'));
  stored.key.seed = 8;
  writeFileSync(file, JSON.stringify(stored));
  const otherRun = await sh(
    `${genreport} merge parts/part-0 parts/copy-of-1 parts/part-2 --out bad`,
    folders.kubernetes!,
  );
  assert.equal(otherRun.status, 2, otherRun.stderr);
  assert.match(
    otherRun.stderr,
    /copy-of-1\/partial\.json: key\.seed: the seed differs from .*part-0\/partial\.json's \(8 vs 7\)/,
  );
  // A features file swapped for another shard's no longer matches the statistics written with it.
  cpSync(join(parts, 'part-2'), join(parts, 'swapped-2'), { recursive: true });
  cpSync(join(parts, 'part-1', 'model0-space0.npy'), join(parts, 'swapped-2', 'model0-space0.npy'));
  const swapped = await sh(
    `${genreport} merge parts/part-0 parts/part-1 parts/swapped-2 --out bad`,
    folders.kubernetes!,
  );
  assert.equal(swapped.status, 2, swapped.stderr);
  assert.match(
    swapped.stderr,
    /swapped-2\/partial\.json: models: .*gan-dcgan, space [a-z-]+: shard 2.s features do not match the statistics written with them/,
  );
});
