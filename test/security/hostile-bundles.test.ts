/**
 * The hostile-bundle corpus (test/fixtures/hostile/cases.json): each case is
 * built in a temp folder from a tiny working bundle, then loaded. A refused
 * case must exit 2 naming its file and field, and no message may show what
 * lies outside the bundle (the outside secret's size or text). A few cases
 * also go through the real CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { ALLOW_SYMLINKS_OUT } from '../../src/core/contained-path.ts';
import { GenreportError } from '../../src/core/errors.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { writeTinyGan } from '../helpers/tiny-gan.ts';
import { writeTinyVae } from '../helpers/tiny-vae.ts';

await initBackend('wasm');
const root = resolve(import.meta.dirname, '../..');

type Step =
  | { set: string; at: string; to: unknown }
  | { write: string; text: string }
  | { truncate: string; bytes: number }
  | { symlink: string; to: string }
  | { copy: string; to: string }
  | { fifo: string };

interface HostileCase {
  id: string;
  what: string;
  base: 'gan' | 'vae';
  steps: Step[];
  open?: string;
  expect: { exit: 0 } | { exit: 2; file: string; field?: string; fields?: string[]; message: string };
  today: string;
  cli?: boolean;
  hangsToday?: boolean;
}

const { cases } = JSON.parse(readFileSync(join(root, 'test/fixtures/hostile/cases.json'), 'utf8')) as {
  cases: HostileCase[];
};

/** What lies outside every bundle; no message may show these. */
const SECRET_TEXT = 'TOP-SECRET';
const SECRET_BYTES = 4321;

const bases = {
  gan: await writeTinyGan(),
  vae: await writeTinyVae({ qMean: 0, qLogVar: 0, mixture: { weights: [1], means: [[0]], logVariances: [[0]] } }),
};
const canFifo = spawnSync('mkfifo', ['--version']).status === 0;

/**
 * <work>/bundle: the case's bundle; <work>/bundle-other: a working copy beside it
 * (the prefix-sibling trap); <work>/outside: a secret, a model, a prior, a log, a manifest.
 */
function buildCase(c: HostileCase): { work: string; bundle: string } {
  const work = realpathSync(mkdtempSync(join(tmpdir(), `genreport-hostile-${c.id}-`)));
  const bundle = join(work, 'bundle');
  cpSync(bases[c.base], bundle, { recursive: true });
  cpSync(bases[c.base], join(work, 'bundle-other'), { recursive: true });
  const outside = join(work, 'outside');
  mkdirSync(outside);
  writeFileSync(
    join(outside, 'secret.bin'),
    SECRET_TEXT.repeat(Math.ceil(SECRET_BYTES / SECRET_TEXT.length)).slice(0, SECRET_BYTES),
  );
  if (c.base === 'gan') cpSync(join(bases.gan, 'generator'), join(outside, 'model'), { recursive: true });
  if (c.base === 'vae') cpSync(join(bases.vae, 'prior.json'), join(outside, 'prior.json'));
  cpSync(join(bases[c.base], 'genmodel.json'), join(outside, 'genmodel.json'));
  writeFileSync(join(outside, 'train.csv'), 'step,g_loss,d_loss\n1,0.7,1.3\n2,0.6,1.2\n');
  for (const step of c.steps) applyStep(step, bundle, work);
  return { work, bundle: c.open ? join(work, c.open) : bundle };
}

function applyStep(step: Step, bundle: string, work: string): void {
  const at = (rel: string) => join(bundle, rel);
  if ('set' in step) {
    const json = JSON.parse(readFileSync(at(step.set), 'utf8'));
    const keys = step.at.split('.');
    let target = json;
    for (const key of keys.slice(0, -1)) target = target[key];
    target[keys.at(-1)!] = JSON.parse(JSON.stringify(step.to).replaceAll('$WORK', work));
    writeFileSync(at(step.set), JSON.stringify(json));
  } else if ('write' in step) {
    writeFileSync(at(step.write), step.text);
  } else if ('truncate' in step) {
    truncateSync(at(step.truncate), step.bytes);
  } else if ('symlink' in step) {
    rmSync(at(step.symlink), { recursive: true, force: true });
    symlinkSync(join(work, step.to), at(step.symlink));
  } else if ('copy' in step) {
    mkdirSync(dirname(join(work, step.to)), { recursive: true });
    cpSync(at(step.copy), join(work, step.to));
  } else {
    rmSync(at(step.fifo), { force: true });
    execFileSync('mkfifo', [at(step.fifo)]);
  }
}

function assertNoOutsideLeak(message: string): void {
  assert.ok(!message.includes(String(SECRET_BYTES)), `the outside file's size is not shown: ${message}`);
  assert.ok(!message.includes(SECRET_TEXT), `the outside file's text is not shown: ${message}`);
}

test('the corpus holds at least 20 hostile cases, each with an exit code and, when refused, a message', () => {
  assert.ok(cases.filter((c) => c.expect.exit !== 0).length >= 20);
  assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, 'ids are unique');
  for (const c of cases) if (c.expect.exit !== 0) assert.ok(c.expect.message && c.expect.file, c.id);
});

for (const c of cases) {
  const skip =
    'fifo' in (c.steps[0] ?? {}) && !canFifo
      ? 'mkfifo is not available'
      : process.env.HOSTILE_SKIP_HANGS && c.hangsToday
        ? 'hangs on the code before the fix'
        : false;
  test(`${c.id}: ${c.what} → exit ${c.expect.exit}`, { skip }, async () => {
    const { work, bundle } = buildCase(c);
    try {
      const expect = c.expect;
      if (expect.exit === 0) {
        disposeBundle(await loadBundle(bundle));
        return;
      }
      await assert.rejects(loadBundle(bundle), (e: unknown) => {
        assert.ok(e instanceof GenreportError, `an input error, not ${String(e)}`);
        assert.equal(e.exitCode, expect.exit);
        assert.ok(e.message.includes(expect.message), `message has "${expect.message}": ${e.message}`);
        assert.deepEqual(
          e.problems.map((p) => p.field).filter(Boolean),
          expect.fields ?? (expect.field ? [expect.field] : []),
        );
        for (const p of e.problems) assert.equal(p.file, join(work, expect.file));
        assertNoOutsideLeak(e.message);
        return true;
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

test('with GENREPORT_ALLOW_BUNDLE_SYMLINKS=1 a symlink out (a shared weights store) loads; a lexical escape is still refused', async () => {
  const byLink = cases.find((c) => c.id === 'component-symlink-folder')!;
  const byDots = cases.find((c) => c.id === 'shard-prefix-sibling')!;
  const linked = buildCase(byLink);
  const dotted = buildCase(byDots);
  process.env[ALLOW_SYMLINKS_OUT] = '1';
  try {
    disposeBundle(await loadBundle(linked.bundle));
    await assert.rejects(
      loadBundle(dotted.bundle),
      /weightsManifest\[0\]\.paths\[0\]: leads out of the bundle folder \(\.\.\/\.\.\/bundle-other/,
    );
  } finally {
    delete process.env[ALLOW_SYMLINKS_OUT];
    rmSync(linked.work, { recursive: true, force: true });
    rmSync(dotted.work, { recursive: true, force: true });
  }
});

test('through the CLI, hostile bundles fail alone with their file and field named, and the run exits 2', () => {
  const chosen = cases.filter((c) => c.cli);
  const built = chosen.map(buildCase);
  const work = mkdtempSync(join(tmpdir(), 'genreport-hostile-cli-'));
  try {
    const config = join(work, 'run.yaml');
    writeFileSync(
      config,
      [
        'data: { real: mnist:test, count: 100 }',
        `models: [${built.map((b) => JSON.stringify(b.bundle)).join(', ')}]`,
        'samples: 50',
        'batchSize: 50',
        'metrics: [fid]',
        'density: { images: 10, referenceTrainImages: 100 }',
        'invertibility: { images: 2, steps: 1, restarts: 1 }',
        'truncation: { psi: [1], samples: 50 }',
        'output: { pdf: false }',
      ].join('\n'),
    );
    const out = join(work, 'report');
    const run = spawnSync(process.execPath, [join(root, 'bin/genreport.js'), 'run', config, '--out', out, '--quiet'], {
      cwd: work,
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /every model failed/);
    chosen.forEach((c, i) => {
      const expect = c.expect as { file: string; field?: string; fields?: string[]; message: string };
      const field = expect.field ?? expect.fields![0];
      assert.ok(
        run.stderr.includes(`${join(built[i]!.work, expect.file)}: ${field}: `),
        `${c.id}: stderr names ${expect.file} and ${field}`,
      );
      assert.ok(run.stderr.includes(expect.message), `${c.id}: stderr has "${expect.message}"`);
    });
    assertNoOutsideLeak(run.stderr);
    assert.ok(!existsSync(join(out, 'report.json')), 'nothing is written');
  } finally {
    rmSync(work, { recursive: true, force: true });
    for (const b of built) rmSync(b.work, { recursive: true, force: true });
  }
});
