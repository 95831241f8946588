/**
 * Nearest-neighbour metrics at scale (issue 26): precision/recall/density/
 * coverage, nearest-real distances and memorisation at n × n for n = 10,000
 * and 50,000, d = 128 and 2,048; each computation in a process of its own
 * (bench/nearest-neighbours-case.ts) so that its peak memory is its own.
 * Beside them, at 10,000 only, a clovaai-prdc-style computation with
 * sklearn's full distance matrices (bench/prdc_sklearn.py; at 50,000 one
 * such matrix alone is 20 GB). The scaling exponent is
 * log(t₅₀ₖ / t₁₀ₖ) / log 5: 2 for an n² computation.
 *
 * Sizes and dimensions: BENCH_NN_SIZES (default 10000,50000) and
 * BENCH_NN_DIMS (default 128,2048). The 50,000 × 2,048 case alone takes tens
 * of minutes on two cores; run it with `nice`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFeatures } from './metrics.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PYTHON = '/usr/bin/python3';
const CASE = join(ROOT, 'bench/nearest-neighbours-case.ts');
const REFERENCE = join(ROOT, 'bench/prdc_sklearn.py');
/** The reference runs where its matrices fit: three n × n float64 matrices. */
const REFERENCE_MAX_ROWS = 10_000;
const METRICS = ['prdc', 'nearest-real', 'memorisation'] as const;

export interface CaseResult {
  seconds: number;
  inputRssMiB: number;
  peakRssMiB: number;
  value: unknown;
}

export interface NearestNeighbourRow {
  metric: (typeof METRICS)[number];
  n: number;
  d: number;
  ours: CaseResult;
  reference: CaseResult | null;
}

function listFromEnv(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const values = raw.split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 10))
    throw new Error(`${name}: expected whole numbers ≥ 10 separated by commas, got "${raw}"`);
  return values;
}

function hasSklearn(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy, sklearn'], { stdio: 'ignore' }).status === 0;
}

function runJson(command: string, args: string[]): CaseResult {
  const out = execFileSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

export async function benchNearestNeighbours(
  log: (line: string) => void = console.log,
): Promise<NearestNeighbourRow[]> {
  const sizes = listFromEnv('BENCH_NN_SIZES', [10_000, 50_000]);
  const dims = listFromEnv('BENCH_NN_DIMS', [128, 2048]);
  const python = hasSklearn();
  const dir = mkdtempSync(join(tmpdir(), 'genreport-bench-nn-'));
  const rows: NearestNeighbourRow[] = [];
  log(
    `\nnearest-neighbour metrics at scale (each in its own process; peak = maxRSS; reference: ${python ? 'clovaai-prdc-style with sklearn pairwise_distances' : 'none (no numpy/sklearn)'})`,
  );
  try {
    for (const d of dims) {
      for (const n of sizes) {
        const file = (name: string) => join(dir, `${name}-${n}-${d}.npy`);
        writeFeatures(file('real'), n, d, 3, 0);
        writeFeatures(file('fake'), n, d, 4, 0.05);
        writeFeatures(file('train'), n, d, 5, 0);
        for (const metric of METRICS) {
          const args = [
            '--import',
            'tsx',
            CASE,
            metric,
            file('real'),
            file('fake'),
            ...(metric === 'memorisation' ? [file('train')] : []),
          ];
          const ours = runJson(process.execPath, args);
          const reference =
            python && n <= REFERENCE_MAX_ROWS && metric !== 'memorisation'
              ? runJson(PYTHON, [REFERENCE, metric, file('real'), file('fake'), '5'])
              : null;
          const row = { metric, n, d, ours, reference };
          rows.push(row);
          log(formatRow(row));
        }
        for (const name of ['real', 'fake', 'train']) rmSync(file(name), { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const line of scalingLines(rows)) log(line);
  return rows;
}

function formatRow(r: NearestNeighbourRow): string {
  const size = `${r.n.toLocaleString('en')} × ${r.n.toLocaleString('en')}, d = ${r.d}`;
  const ours = `ours ${r.ours.seconds.toFixed(2).padStart(8)} s, peak ${mib(r.ours.peakRssMiB)} (inputs ${mib(r.ours.inputRssMiB)}, +${mib(r.ours.peakRssMiB - r.ours.inputRssMiB)})`;
  const ref = r.reference
    ? `; sklearn ${r.reference.seconds.toFixed(2)} s, peak ${mib(r.reference.peakRssMiB)} (+${mib(r.reference.peakRssMiB - r.reference.inputRssMiB)}); ours/sklearn time ${(r.ours.seconds / r.reference.seconds).toFixed(2)}, memory ${(r.ours.peakRssMiB / r.reference.peakRssMiB).toFixed(2)}`
    : '';
  const values = `    values: ours ${JSON.stringify(r.ours.value)}${r.reference ? `, sklearn ${JSON.stringify(r.reference.value)}` : ''}`;
  return `  ${r.metric.padEnd(13)} ${size.padEnd(28)} ${ours}${ref}\n${values}`;
}

function mib(v: number): string {
  return v >= 1024 ? `${(v / 1024).toFixed(2)} GiB` : `${v.toFixed(0)} MiB`;
}

/** Time and extra memory exponents between the smallest and largest size, per metric and d. */
function scalingLines(rows: NearestNeighbourRow[]): string[] {
  const lines: string[] = [];
  for (const metric of METRICS) {
    for (const d of [...new Set(rows.map((r) => r.d))]) {
      const at = rows.filter((r) => r.metric === metric && r.d === d).sort((a, b) => a.n - b.n);
      if (at.length < 2) continue;
      const [small, large] = [at[0]!, at[at.length - 1]!];
      const ratio = Math.log(large.n / small.n);
      const time = Math.log(large.ours.seconds / small.ours.seconds) / ratio;
      const extra = (r: NearestNeighbourRow) => Math.max(1, r.ours.peakRssMiB - r.ours.inputRssMiB);
      const memory = Math.log(extra(large) / extra(small)) / ratio;
      lines.push(
        `  scaling ${metric.padEnd(13)} d = ${String(d).padEnd(5)} ${small.n} → ${large.n}: time ∝ n^${time.toFixed(2)}, memory beyond the inputs ∝ n^${memory.toFixed(2)}`,
      );
    }
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchNearestNeighbours();
