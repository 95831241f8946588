/**
 * Start-up time of whole commands, against `node -e 0` timed in the same run
 * (a loaded machine slows both alike): `genreport --help` and `genreport
 * check` on two small reports. Issue 29's target: each under 1 second.
 * Runs are interleaved, the median is kept.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCompiled } from './compiled.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/genreport.js', import.meta.url));
const REPORTS = fileURLToPath(new URL('../test/fixtures/reports/', import.meta.url));
const TARGET_SECONDS = 1;

export interface StartTiming {
  name: string;
  medianSeconds: number;
  referenceSeconds: number;
}

const COMMANDS: ReadonlyArray<{ name: string; args: string[] }> = [
  { name: 'genreport --help', args: [BIN, '--help'] },
  {
    name: 'genreport check',
    args: [BIN, 'check', '--current', `${REPORTS}release-pass.json`, '--baseline', `${REPORTS}baseline.json`],
  },
];

const GNU_TIME = '/usr/bin/time';
const cpuDir = mkdtempSync(join(tmpdir(), 'genreport-bench-start-'));
const cpuSeconds = new Map<string, number[]>();

/** Wall seconds of one run; its CPU seconds (user + system, through GNU time where installed) go to cpuSeconds under `name`. */
function seconds(args: string[], name = ''): number {
  const cpuFile = existsSync(GNU_TIME) ? join(cpuDir, 'cpu') : null;
  const [command, commandArgs] = cpuFile
    ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args]]
    : [process.execPath, args];
  const start = performance.now();
  const run = spawnSync(command, commandArgs, {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
  });
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}`);
  const wall = (performance.now() - start) / 1000;
  if (cpuFile && name) {
    const [user, system] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    cpuSeconds.set(name, [...(cpuSeconds.get(name) ?? []), user! + system!]);
  }
  return wall;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function benchStartTime(runs = 7, log: (line: string) => void = console.log): StartTiming[] {
  ensureCompiled(log);
  seconds(COMMANDS[0]!.args); // warm the file cache
  const times = new Map<string, number[]>([
    ['node -e 0', []],
    ...COMMANDS.map((c) => [c.name, []] as [string, number[]]),
  ]);
  for (let i = 0; i < runs; i++) {
    times.get('node -e 0')!.push(seconds(['-e', '0'], 'node -e 0'));
    for (const c of COMMANDS) times.get(c.name)!.push(seconds(c.args, c.name));
  }
  rmSync(cpuDir, { recursive: true, force: true });
  const reference = median(times.get('node -e 0')!);
  const cpu = (name: string) => (cpuSeconds.has(name) ? `, CPU ${median(cpuSeconds.get(name)!).toFixed(3)} s` : '');
  log(`\nstart time (median of ${runs}; reference node -e 0: ${reference.toFixed(3)} s${cpu('node -e 0')}):`);
  return COMMANDS.map((c) => {
    const m = median(times.get(c.name)!);
    const verdict = m <= TARGET_SECONDS ? 'met' : `missed by ${((m / TARGET_SECONDS - 1) * 100).toFixed(0)}%`;
    log(
      `  ${c.name.padEnd(20)} ${m.toFixed(3).padStart(7)} s${cpu(c.name)}  (${(m / reference).toFixed(1)}x node -e 0; issue 29 target < ${TARGET_SECONDS} s: ${verdict})`,
    );
    return { name: c.name, medianSeconds: m, referenceSeconds: reference };
  });
}
