/**
 * Metric speed against the Python references, on the same data in the same
 * run: `benchMetrics()` writes seeded feature files (float32 .npy) and times
 * - FID and PRDC as WHOLE commands on both sides, process start included
 *   (issue 29's targets): `genreport metrics --metrics fid` beside
 *   test/reference/bench-metrics-reference.py's numpy routes, and
 *   `genreport metrics --metrics precision,recall,density,coverage` (k = 5)
 *   beside clovaai prdc with sklearn, each a fresh /usr/bin/python3 process.
 *   The two sides alternate, BENCH_METRIC_RUNS times (default 3), and the
 *   medians are compared, so a burst of load on a shared machine hits both.
 * - KID in this process after loading, beside the reference's own timer.
 * Without that Python (numpy, scipy, sklearn), only our timings are printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.ts';
import { ensureCompiled } from './compiled.ts';
import { writeNpy } from '../src/data/npy.ts';
import { readFeatureFile } from '../src/metrics/feature-files.ts';
import { kidFromFeatures } from '../src/metrics/kid.ts';
import { openBlas, openBlasUnavailableReason } from '../src/metrics/stats/openblas.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PYTHON = '/usr/bin/python3';
const REFERENCE = join(ROOT, 'test/reference/bench-metrics-reference.py');
const BIN = join(ROOT, 'bin/genreport.js');
const RUNS = Math.max(1, Number(process.env.BENCH_METRIC_RUNS ?? 3));

/** Issue 29's targets: ours / reference, both whole commands. */
export const TARGETS = {
  /** FID 10,000 × 2,048 against numpy's Cholesky + eigvalsh route. */
  fid: 1.0,
  /** PRDC 10k × 10k, d = 128, k = 5, against clovaai prdc with sklearn. */
  prdc: 0.34,
} as const;

export interface MetricTiming {
  name: string;
  oursSeconds: number;
  ours: unknown;
  reference: string;
  referenceSeconds: number | null;
  referenceValue: unknown;
  /** A target ratio ours / reference (issue 29), where there is one. */
  targetRatio?: number;
}

/** n × d float32 features: scaled Gaussians plus one shared factor (the same for every seed), so the covariance is not diagonal. */
export function writeFeatures(path: string, n: number, d: number, seed: number, shift: number): void {
  const shape = new Rng(0);
  const scale = Float32Array.from({ length: d }, () => Math.exp(0.5 * shape.normal()));
  const loading = Float32Array.from({ length: d }, () => 0.5 * shape.normal());
  const rng = new Rng(seed);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const u = rng.normal();
    for (let j = 0; j < d; j++) data[i * d + j] = scale[j]! * rng.normal() + loading[j]! * u + shift;
  }
  writeNpy(path, { dtype: 'float32', shape: [n, d], data });
}

function hasNumpy(): boolean {
  return (
    existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy, scipy, sklearn'], { stdio: 'ignore' }).status === 0
  );
}

/** The reference's own timer (from before its load) and value. */
function runReference(args: string[]): { seconds: number; value: unknown } {
  return JSON.parse(execFileSync(PYTHON, [REFERENCE, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 }));
}

function timed<T>(work: () => T): { seconds: number; value: T } {
  const start = performance.now();
  const value = work();
  return { seconds: (performance.now() - start) / 1000, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const GNU_TIME = '/usr/bin/time';

/**
 * A whole command: wall seconds of the process, its CPU seconds (user + system,
 * all threads; through GNU time where it is installed, else null) and its
 * stdout parsed as JSON. On a shared machine wall time follows the load; CPU
 * time much less so, and it shows whether a side wins by using more cores.
 */
function wholeCommand(file: string, args: string[]): { seconds: number; cpuSeconds: number | null; value: unknown } {
  const cpuFile = existsSync(GNU_TIME) ? join(mkdtempSync(join(tmpdir(), 'genreport-bench-cpu-')), 'cpu') : null;
  const [command, commandArgs] = cpuFile ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, file, ...args]] : [file, args];
  const run = timed(() => execFileSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 1 << 20 }));
  let cpuSeconds: number | null = null;
  if (cpuFile) {
    const [user, system] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    cpuSeconds = user! + system!;
    rmSync(join(cpuFile, '..'), { recursive: true, force: true });
  }
  return { seconds: run.seconds, cpuSeconds, value: JSON.parse(run.value) };
}

/**
 * Ours and each reference as whole processes, alternating `RUNS` times:
 * median seconds of each, the last values, and the references' own
 * in-process medians (load to result, without Python's start and imports).
 */
function sideBySide(ours: string[], references: string[][]) {
  const oursRuns: Array<ReturnType<typeof wholeCommand>> = [];
  const refRuns = references.map(() => [] as Array<ReturnType<typeof wholeCommand>>);
  for (let r = 0; r < RUNS; r++) {
    oursRuns.push(wholeCommand(process.execPath, [BIN, ...ours]));
    references.forEach((args, i) => refRuns[i]!.push(wholeCommand(PYTHON, [REFERENCE, ...args])));
  }
  const summary = (runs: Array<ReturnType<typeof wholeCommand>>) => ({
    seconds: median(runs.map((r) => r.seconds)),
    cpuSeconds: runs.every((r) => r.cpuSeconds !== null) ? median(runs.map((r) => r.cpuSeconds!)) : null,
    all: runs.map((r) => r.seconds),
  });
  return {
    ours: { ...summary(oursRuns), value: oursRuns.at(-1)!.value },
    references: refRuns.map((runs) => {
      const inner = runs.map((r) => r.value as { seconds: number; value: unknown });
      return { ...summary(runs), inner: median(inner.map((v) => v.seconds)), value: inner.at(-1)!.value };
    }),
  };
}

const secondsList = (all: number[]) => all.map((s) => s.toFixed(2)).join(', ');
const cpuRatio = (ours: number | null, reference: number | null) =>
  ours === null || reference === null
    ? ''
    : `; CPU seconds ours ${ours.toFixed(2)}, reference ${reference.toFixed(2)} (${(ours / reference).toFixed(2)}×)`;

export async function benchMetrics(log: (line: string) => void = console.log): Promise<MetricTiming[]> {
  ensureCompiled(log);
  const dir = mkdtempSync(join(tmpdir(), 'genreport-bench-metrics-'));
  const python = hasNumpy();
  const blas = openBlas();
  log(
    `\nmetrics (linear algebra: ${blas ? `OpenBLAS, ${blas.library}` : `plain JS: ${openBlasUnavailableReason()}`}; reference: ${python ? PYTHON : 'none (no numpy/scipy/sklearn)'})`,
  );
  log(
    `  FID and PRDC: whole commands on both sides, process start included; median of ${RUNS} alternating runs (BENCH_METRIC_RUNS)`,
  );
  const rows: MetricTiming[] = [];
  try {
    const file = (name: string) => join(dir, `${name}.npy`);
    writeFeatures(file('fid-real'), 10_000, 2048, 1, 0);
    writeFeatures(file('fid-fake'), 10_000, 2048, 2, 0.05);
    writeFeatures(file('knn-real'), 10_000, 128, 3, 0);
    writeFeatures(file('knn-fake'), 10_000, 128, 4, 0.05);

    const fidArgs = ['metrics', '--real', file('fid-real'), '--fake', file('fid-fake'), '--metrics', 'fid', '--json'];
    const fidFiles = [file('fid-real'), file('fid-fake')];
    if (python) {
      const fid = sideBySide(fidArgs, [
        ['fid-cholesky', ...fidFiles],
        ['fid', ...fidFiles],
      ]);
      const [cholesky, eigh] = fid.references;
      const ours = (fid.ours.value as { fid: number }).fid;
      const name = 'FID 10,000 × 2,048 (whole command)';
      log(
        `  ${name}: wall ours ${secondsList(fid.ours.all)} s; numpy Cholesky+eigvalsh ${secondsList(cholesky!.all)} s; scipy eigh(type=2) ${secondsList(eigh!.all)} s`,
      );
      log(
        `    medians${cpuRatio(fid.ours.cpuSeconds, cholesky!.cpuSeconds)} against Cholesky+eigvalsh; ${eigh!.cpuSeconds?.toFixed(2)} for eigh`,
      );
      rows.push({
        name,
        oursSeconds: fid.ours.seconds,
        ours,
        reference: `numpy: load, np.cov, cholesky, eigvalsh(LᵀΣ2L) (in-process ${cholesky!.inner.toFixed(2)} s)`,
        referenceSeconds: cholesky!.seconds,
        referenceValue: cholesky!.value,
        targetRatio: TARGETS.fid,
      });
      rows.push({
        name,
        oursSeconds: fid.ours.seconds,
        ours,
        reference: `numpy/scipy: load, np.cov, eigh(type=2) (in-process ${eigh!.inner.toFixed(2)} s)`,
        referenceSeconds: eigh!.seconds,
        referenceValue: eigh!.value,
      });
      const sqrtmRef = runReference(['fid-sqrtm', ...fidFiles]);
      rows.push({
        name,
        oursSeconds: fid.ours.seconds,
        ours,
        reference: 'pytorch-fid (scipy sqrtm), in-process time',
        referenceSeconds: sqrtmRef.seconds,
        referenceValue: sqrtmRef.value,
      });
    } else {
      const fid = wholeCommand(process.execPath, [BIN, ...fidArgs]);
      rows.push({
        name: 'FID 10,000 × 2,048 (whole command)',
        oursSeconds: fid.seconds,
        ours: (fid.value as { fid: number }).fid,
        reference: '',
        referenceSeconds: null,
        referenceValue: null,
        targetRatio: TARGETS.fid,
      });
    }

    const prdcArgs = [
      'metrics',
      '--real',
      file('knn-real'),
      '--fake',
      file('knn-fake'),
      '--metrics',
      'precision,recall,density,coverage',
      '--pr-k',
      '5',
      '--prdc-k',
      '5',
      '--json',
    ];
    const prdcName = 'PRDC 10,000 × 10,000, d = 128, k = 5 (whole command)';
    if (python) {
      const prdc = sideBySide(prdcArgs, [['prdc', file('knn-real'), file('knn-fake')]]);
      const [ref] = prdc.references;
      log(`  ${prdcName}: wall ours ${secondsList(prdc.ours.all)} s; clovaai prdc ${secondsList(ref!.all)} s`);
      log(`    medians${cpuRatio(prdc.ours.cpuSeconds, ref!.cpuSeconds)}`);
      rows.push({
        name: prdcName,
        oursSeconds: prdc.ours.seconds,
        ours: prdc.ours.value,
        reference: `clovaai prdc (sklearn, n_jobs=8) (in-process ${ref!.inner.toFixed(2)} s)`,
        referenceSeconds: ref!.seconds,
        referenceValue: ref!.value,
        targetRatio: TARGETS.prdc,
      });
    } else {
      const prdc = wholeCommand(process.execPath, [BIN, ...prdcArgs]);
      rows.push({
        name: prdcName,
        oursSeconds: prdc.seconds,
        ours: prdc.value,
        reference: '',
        referenceSeconds: null,
        referenceValue: null,
        targetRatio: TARGETS.prdc,
      });
    }

    const real = readFeatureFile(file('knn-real')).features;
    const fake = readFeatureFile(file('knn-fake')).features;
    const kid = timed(() => kidFromFeatures(real, fake, { seed: 0, subsets: 100, subsetSize: 1000 }));
    const kidRef = python ? runReference(['kid', file('knn-real'), file('knn-fake'), '100', '1000']) : null;
    rows.push({
      name: 'KID 100 subsets × 1,000, d = 128 (in-process)',
      oursSeconds: kid.seconds,
      ours: { mean: kid.value.mean, std: kid.value.std },
      reference: 'torch-fidelity loop (numpy), load included; other subsets',
      referenceSeconds: kidRef?.seconds ?? null,
      referenceValue: kidRef?.value,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const r of rows) {
    const ratio =
      r.referenceSeconds === null ? '' : `  ours/reference ${(r.oursSeconds / r.referenceSeconds).toFixed(2)}`;
    const ref = r.referenceSeconds === null ? '' : `; ${r.reference} ${r.referenceSeconds.toFixed(2)} s`;
    log(`  ${r.name.padEnd(40)} ours ${r.oursSeconds.toFixed(2).padStart(6)} s${ref}${ratio}`);
    if (r.targetRatio !== undefined)
      log(`    issue 29 target: ${targetVerdict(r.oursSeconds, r.referenceSeconds, r.targetRatio)}`);
    log(
      `    values: ours ${JSON.stringify(r.ours)}${r.referenceSeconds === null ? '' : `, reference ${JSON.stringify(r.referenceValue)}`}`,
    );
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMetrics();

/** "met" or by how much a target ratio ours / reference is missed. */
export function targetVerdict(ours: number, reference: number | null, target: number): string {
  if (reference === null) return `≤ ${target}× the reference: no reference to compare with`;
  const ratio = ours / reference;
  return `≤ ${target}× the reference: ${ratio <= target ? 'met' : `missed by ${((ratio / target - 1) * 100).toFixed(0)}%`} (${ratio.toFixed(2)}×)`;
}
