/**
 * Bad input through the real CLI: each case exits 2 with one message naming
 * the file and field, and (where the check can come first) before any work:
 * no backend, data or model is loaded, which the log's absent lines show.
 * Also the output folder's lock and a killed run's leftovers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeNpy } from '../../src/data/npy.ts';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'genreport-bad-input-'));

function genreport(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/genreport.js'), ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stderr: r.stderr };
}

function config(name: string, lines: string[]): string {
  const file = join(work, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A pid no process has now: one that has just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

// Ten 28×28 grey images: real data that loads in no time.
const realNpy = join(work, 'real.npy');
writeNpy(realNpy, {
  dtype: 'uint8',
  shape: [10, 28, 28],
  data: Uint8Array.from({ length: 10 * 784 }, (_, i) => (i * 37) % 256),
});
const base = [
  'data: { real: real.npy, train: real.npy }',
  'models: [no-such-bundle, nor-this-one]',
  'metrics: [fid]',
  'density: { images: 2, referenceTrainImages: 10 }',
  'output: { pdf: false }',
];

/** The log says a run started its work with this line. */
const WORK_STARTED = /backend:|real data:/;

test('--samples abc names the flag and the value, not NaN', () => {
  const r = genreport(['run', config('ok.yaml', [...base, 'samples: 10']), '--samples', 'abc']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'genreport: --samples: must be a positive whole number, got "abc"\n');
});

test('--out naming an existing file is refused before any work', () => {
  const file = join(work, 'not-a-folder');
  writeFileSync(file, 'x');
  const r = genreport(['run', config('ok.yaml', [...base, 'samples: 10']), '--out', file]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr,
    `genreport: ${file}: --out: exists and is not a folder; name the folder the report is written into (it is created if absent)\n`,
  );
  assert.equal(readFileSync(file, 'utf8'), 'x');
});

test('too few samples or real images for a metric is refused before any work, naming the field and the metric', () => {
  const one = genreport(['run', config('one.yaml', [...base, 'samples: 1'])]);
  assert.equal(one.code, 2, one.stderr);
  assert.match(
    one.stderr,
    /one\.yaml: samples: fid needs at least 2 generated images \(a covariance needs 2 rows\), got 1\n$/,
  );
  assert.doesNotMatch(one.stderr, WORK_STARTED);

  const flag = genreport([
    'run',
    config('pr.yaml', [
      ...base.filter((l) => !l.startsWith('metrics')),
      'metrics: [precision, coverage]',
      'samples: 100',
    ]),
    '--samples',
    '3',
  ]);
  assert.equal(flag.code, 2, flag.stderr);
  assert.match(
    flag.stderr,
    /pr\.yaml: --samples: precision\/coverage needs at least 4 generated images \(a k-th neighbour radius with k = 3 needs k \+ 1 rows\), got 3\n$/,
  );

  const count = genreport([
    'run',
    config('count.yaml', [...base.map((l) => l.replace('real: real.npy', 'real: real.npy, count: 1')), 'samples: 10']),
  ]);
  assert.equal(count.code, 2, count.stderr);
  assert.match(
    count.stderr,
    /count\.yaml: data\.count: fid needs at least 2 real images \(a covariance needs 2 rows\), got 1\n$/,
  );
  assert.doesNotMatch(count.stderr, WORK_STARTED);
});

test('a real data file with one image is refused naming data.real, before any model is loaded', () => {
  const oneImage = join(work, 'one.npy');
  writeNpy(oneImage, { dtype: 'uint8', shape: [1, 28, 28], data: new Uint8Array(784) });
  const r = genreport([
    'run',
    config('one-real.yaml', [...base.map((l) => l.replace('real: real.npy', 'real: one.npy')), 'samples: 10']),
    '--out',
    join(work, 'one-real'),
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /genreport: data\.real: .*one\.npy gives 1 image: fid needs at least 2 real images \(a covariance needs 2 rows\), got 1\n$/,
  );
  assert.doesNotMatch(r.stderr, /model 1\//);
});

test('a YAML syntax error is shown whole, with its line', () => {
  const r = genreport(['run', config('broken.yaml', ['models: [a, b', 'samples: 3'])]);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    `genreport: ${join(work, 'broken.yaml')}: is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (line 2, column 1: "samples: 3")\n`,
  );
});

test('a second genreport writing into the same --out refuses at start; the lock names the live pid', () => {
  const out = join(work, 'locked');
  mkdirSync(out);
  // A live pid: this test's own process.
  writeFileSync(join(out, '.genreport.lock'), `${process.pid}\n`);
  const run = genreport(['run', config('ok.yaml', [...base, 'samples: 10']), '--out', out]);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(
    run.stderr,
    `genreport: --out: another genreport (pid ${process.pid}) is writing into ${out}; wait for it or choose another --out\n`,
  );
  const report = join(work, 'report.json');
  const render = genreport(['render', join(root, 'test/fixtures/reports/baseline.json'), '--out', out, '--no-pdf']);
  assert.equal(render.code, 2, render.stderr);
  assert.match(render.stderr, /another genreport \(pid \d+\) is writing into/);
  assert.ok(!existsSync(join(out, 'baseline.html')));
  assert.ok(!existsSync(report));
});

test("a stale lock and a killed run's half-written files are cleaned up; every model failing lists only the models' reasons", () => {
  const out = join(work, 'stale');
  mkdirSync(out);
  const dead = deadPid();
  writeFileSync(join(out, '.genreport.lock'), `${dead}\n`);
  writeFileSync(join(out, `.report.partial-${dead}.html`), 'half');
  writeFileSync(join(out, `.report.pdf.${dead}.partial`), 'half');
  // Staged by a live writer: not ours to remove.
  writeFileSync(join(out, `.report.partial-${process.pid}.md`), 'live');
  const r = genreport(['run', config('fail.yaml', [...base, 'samples: 10']), '--out', out]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `warning: ${out}/\\.genreport\\.lock: took over the lock of genreport pid ${dead}, which is no longer running\\n`,
    ),
  );
  assert.match(r.stderr, new RegExp(`removed 2 half-written files left in ${out} by a run that was stopped: `));
  assert.ok(!existsSync(join(out, `.report.partial-${dead}.html`)));
  assert.ok(!existsSync(join(out, `.report.pdf.${dead}.partial`)));
  assert.ok(existsSync(join(out, `.report.partial-${process.pid}.md`)));
  assert.ok(!existsSync(join(out, '.genreport.lock')), 'the lock is released at exit');
  // One line per model, its reason alone: no sample-count warning mixed in.
  const [, reasons] = r.stderr.split('genreport: every model failed, so there is nothing to compare:\n');
  assert.deepEqual(reasons!.trimEnd().split('\n'), [
    `  no-such-bundle: ${join(work, 'no-such-bundle', 'genmodel.json')}: model bundle manifest not found (a bundle is a folder with genmodel.json)`,
    `  nor-this-one: ${join(work, 'nor-this-one', 'genmodel.json')}: model bundle manifest not found (a bundle is a folder with genmodel.json)`,
  ]);
});
