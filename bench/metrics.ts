/**
 * Metric speed against the Python references, on the same data in the same
 * run: `benchMetrics()` writes seeded feature files (float32 .npy), times
 * genreport on them (FID: the whole `genreport metrics --metrics fid`
 * command, process start included; KID and PRDC: the computation in this
 * process after loading) and then test/reference/bench-metrics-reference.py
 * under /usr/bin/python3 (numpy, scipy, sklearn), and prints the ratios.
 * Without that Python, only our timings are printed. Timings on a shared
 * machine are noisy: compare ratios taken in one run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.ts';
import { writeNpy } from '../src/data/npy.ts';
import { readFeatureFile } from '../src/metrics/feature-files.ts';
import { kidFromFeatures } from '../src/metrics/kid.ts';
import { prdcFromFeatures } from '../src/metrics/prdc.ts';
import { openBlas, openBlasUnavailableReason } from '../src/metrics/stats/openblas.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PYTHON = '/usr/bin/python3';
const REFERENCE = join(ROOT, 'test/reference/bench-metrics-reference.py');

export interface MetricTiming {
  name: string;
  oursSeconds: number;
  ours: unknown;
  reference: string;
  referenceSeconds: number | null;
  referenceValue: unknown;
  /** Issue 4's speed target: seconds for ours, or a ratio to the reference. */
  target?: { seconds?: number; ratio?: number };
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
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy, scipy, sklearn'], { stdio: 'ignore' }).status === 0;
}

function runReference(args: string[]): { seconds: number; value: unknown } {
  return JSON.parse(execFileSync(PYTHON, [REFERENCE, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 }));
}

function timed<T>(work: () => T): { seconds: number; value: T } {
  const start = performance.now();
  const value = work();
  return { seconds: (performance.now() - start) / 1000, value };
}

export async function benchMetrics(log: (line: string) => void = console.log): Promise<MetricTiming[]> {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-bench-metrics-'));
  const python = hasNumpy();
  const blas = openBlas();
  log(`\nmetrics (linear algebra: ${blas ? `OpenBLAS, ${blas.library}` : `plain JS: ${openBlasUnavailableReason()}`}; reference: ${python ? PYTHON : 'none (no numpy/scipy/sklearn)'})`);
  const rows: MetricTiming[] = [];
  try {
    const file = (name: string) => join(dir, `${name}.npy`);
    writeFeatures(file('fid-real'), 10_000, 2048, 1, 0);
    writeFeatures(file('fid-fake'), 10_000, 2048, 2, 0.05);
    writeFeatures(file('knn-real'), 10_000, 128, 3, 0);
    writeFeatures(file('knn-fake'), 10_000, 128, 4, 0.05);

    const cli = timed(() =>
      execFileSync(process.execPath, [join(ROOT, 'bin/genreport.js'), 'metrics', '--real', file('fid-real'), '--fake', file('fid-fake'), '--metrics', 'fid', '--json'], { encoding: 'utf8' }),
    );
    const fid = JSON.parse(cli.value).fid;
    const fidRef = python ? runReference(['fid', file('fid-real'), file('fid-fake')]) : null;
    rows.push({ name: 'FID 10,000 × 2,048 (whole command)', oursSeconds: cli.seconds, ours: fid, reference: 'numpy/scipy: load, np.cov, eigh(type=2)', referenceSeconds: fidRef?.seconds ?? null, referenceValue: fidRef?.value, target: { ratio: 1.5 } });
    const sqrtmRef = python ? runReference(['fid-sqrtm', file('fid-real'), file('fid-fake')]) : null;
    rows.push({ name: 'FID 10,000 × 2,048 (whole command)', oursSeconds: cli.seconds, ours: fid, reference: 'pytorch-fid (scipy sqrtm)', referenceSeconds: sqrtmRef?.seconds ?? null, referenceValue: sqrtmRef?.value });

    const real = readFeatureFile(file('knn-real')).features;
    const fake = readFeatureFile(file('knn-fake')).features;
    const prdc = timed(() => prdcFromFeatures(real, fake, { prK: 5, prdcK: 5 }));
    const prdcRef = python ? runReference(['prdc', file('knn-real'), file('knn-fake')]) : null;
    rows.push({ name: 'PRDC 10,000 × 10,000, d = 128, k = 5', oursSeconds: prdc.seconds, ours: prdc.value, reference: 'clovaai prdc (sklearn, n_jobs=8), load included', referenceSeconds: prdcRef?.seconds ?? null, referenceValue: prdcRef?.value, target: { seconds: 3 } });

    const kid = timed(() => kidFromFeatures(real, fake, { seed: 0, subsets: 100, subsetSize: 1000 }));
    const kidRef = python ? runReference(['kid', file('knn-real'), file('knn-fake'), '100', '1000']) : null;
    rows.push({ name: 'KID 100 subsets × 1,000, d = 128', oursSeconds: kid.seconds, ours: kid.value, reference: 'torch-fidelity loop (numpy), load included; other subsets', referenceSeconds: kidRef?.seconds ?? null, referenceValue: kidRef?.value });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const r of rows) {
    const ratio = r.referenceSeconds === null ? '' : `  ours/reference ${(r.oursSeconds / r.referenceSeconds).toFixed(2)}`;
    const ref = r.referenceSeconds === null ? '' : `; ${r.reference} ${r.referenceSeconds.toFixed(2)} s`;
    log(`  ${r.name.padEnd(40)} ours ${r.oursSeconds.toFixed(2).padStart(6)} s${ref}${ratio}`);
    if (r.target) log(`    target: ${targetVerdict(r)}`);
    log(`    values: ours ${JSON.stringify(r.ours)}${r.referenceSeconds === null ? '' : `, reference ${JSON.stringify(r.referenceValue)}`}`);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMetrics();

/** "met" or by how much a target (issue 4: FID ≤ 1.5× numpy, PRDC ≤ 3 s) is missed. */
function targetVerdict(r: MetricTiming): string {
  if (r.target?.seconds !== undefined) {
    const over = r.oursSeconds / r.target.seconds;
    return `≤ ${r.target.seconds} s: ${over <= 1 ? 'met' : `missed by ${((over - 1) * 100).toFixed(0)}%`}`;
  }
  if (r.target?.ratio !== undefined) {
    if (r.referenceSeconds === null) return `≤ ${r.target.ratio}× the reference: no reference to compare with`;
    const ratio = r.oursSeconds / r.referenceSeconds;
    return `≤ ${r.target.ratio}× the reference: ${ratio <= r.target.ratio ? 'met' : `missed by ${((ratio / r.target.ratio - 1) * 100).toFixed(0)}%`} (${ratio.toFixed(2)}×)`;
  }
  return '';
}
