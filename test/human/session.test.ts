/**
 * The session plan (opaque ids, seeded orders, pairs across models) and the
 * drawing of images: a model's images are the run's first samples, greyscale
 * PNGs stay one channel, and `genreport rate` draws a new session from a config.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { validateConfig } from '../../src/config/config.ts';
import { initBackend } from '../../src/core/backend.ts';
import { createLogger } from '../../src/core/logger.ts';
import { Rng } from '../../src/core/rng.ts';
import { drawSources, imagePng } from '../../src/human/draw.ts';
import { planSession, readSession, withRaters } from '../../src/human/session.ts';
import { loadBundle, disposeBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import { writeTinyGan } from '../helpers/tiny-gan.ts';

const BIN = fileURLToPath(new URL('../../bin/genreport.js', import.meta.url));

function counterIds(prefix: string) {
  let k = 0;
  return () => `${prefix}${String(k++).padStart(12, '0')}`;
}

const PLAN_INPUT = {
  config: 'c.yaml',
  seed: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  sources: [
    { name: 'a', count: 4 },
    { name: 'b', count: 4 },
    { name: 'c', count: 4 },
    { name: 'real', count: 4 },
  ],
  pairs: 2,
  raters: 3,
};

test('a plan: every rater sees every screen once, in a seeded order of their own; pairs are two models', () => {
  const plan = planSession({ ...PLAN_INPUT, newId: counterIds('i'), newToken: counterIds('token-') });
  assert.equal(plan.images.length, 16);
  // 16 single screens and 2 pairs for each of the 3 couples of models.
  assert.equal(plan.items.length, 16 + 3 * 2);
  const source = new Map(plan.images.map((i) => [i.id, i.source]));
  for (const item of plan.items) {
    if (item.kind !== 'pair') continue;
    assert.notEqual(source.get(item.left), source.get(item.right));
    assert.ok(![source.get(item.left), source.get(item.right)].includes('real'));
  }
  // The images' order in the file does not follow the sources.
  assert.notDeepEqual(
    plan.images.map((i) => i.source),
    [...plan.images.map((i) => i.source)].sort(),
  );
  const orders = plan.raters.map((r) => r.order.map((e) => e.item));
  for (const order of orders) assert.deepEqual([...order].sort(), plan.items.map((i) => i.id).sort());
  assert.notDeepEqual(orders[0], orders[1]);
  // Same seed, same orders; a rater added later gets the order they would have had.
  const again = planSession({ ...PLAN_INPUT, raters: 1, newId: counterIds('i'), newToken: counterIds('token-') });
  assert.deepEqual(again.raters[0]!.order, plan.raters[0]!.order);
  assert.deepEqual(withRaters(again, 3, counterIds('other-token-')).raters[2]!.order, plan.raters[2]!.order);
  // Random ids and tokens by default: nothing in them follows the source.
  const real = planSession(PLAN_INPUT);
  for (const image of real.images) assert.match(image.id, /^[A-Za-z0-9_-]{12}$/);
  for (const rater of real.raters) assert.match(rater.token, /^[A-Za-z0-9_-]{24}$/);
});

test("a model's session images are the run's first samples; real images a seeded choice; PNGs stay greyscale", async () => {
  await initBackend('cpu');
  const gan = await writeTinyGan({ name: 'tiny' });
  try {
    const config = validateConfig({ models: [gan], data: { real: 'mnist:test', count: 50 }, seed: 4 }, 'c.yaml', '/');
    const sources = await drawSources(config, 5, createLogger({ quiet: true }));
    assert.deepEqual(
      sources.map((s) => [s.name, s.images.n]),
      [
        ['tiny', 5],
        ['real', 5],
      ],
    );
    const bundle = await loadBundle(gan);
    const run = await modelForBundle(bundle).sample(20, new Rng(4).fork('samples'), 250);
    disposeBundle(bundle);
    assert.deepEqual(sources[0]!.images.data, run.data.subarray(0, 5 * 64));
    const again = await drawSources(config, 5, createLogger({ quiet: true }));
    assert.deepEqual(again[1]!.images.data, sources[1]!.images.data);
    const meta = await sharp(await imagePng(sources[0]!.images, 2)).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels, meta.format], [8, 8, 1, 'png']);
  } finally {
    rmSync(gan, { recursive: true, force: true });
  }
});

test('genreport rate draws a new session from a config and prints one link per rater', {
  timeout: 120_000,
}, async () => {
  const gan = await writeTinyGan({ name: 'tiny-a' });
  const gan2 = await writeTinyGan({ name: 'tiny-b', latentDim: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'genreport-rate-cli-'));
  try {
    const config = join(dir, 'run.yaml');
    writeFileSync(config, `models: [${gan}, ${gan2}]\ndata: { real: mnist:test, count: 40 }\nseed: 2\n`);
    const child = spawn(
      process.execPath,
      [BIN, 'rate', config, '--port', '0', '--items', '3', '--pairs', '2', '--raters', '3', '--backend', 'cpu'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (d) => {
        out += d;
        if ((out.match(/^rater-\d+: http/gm) ?? []).length === 3) done();
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}: ${err}`)));
    });
    const link = /^rater-1: (http:\/\/127\.0\.0\.1:\d+\/r\/[\w-]+\/)$/m.exec(out)![1]!;
    assert.equal((await fetch(link)).status, 200);
    const gone = new Promise((done) => child.once('exit', done));
    child.kill('SIGINT');
    await gone;
    assert.equal(child.exitCode, 0, err);
    const session = join(dir, 'run-rating');
    const plan = readSession(session)!;
    assert.deepEqual(plan.sources, ['tiny-a', 'tiny-b', 'real']);
    assert.equal(plan.items.length, 9 + 2);
    assert.equal(plan.raters.length, 3);
    assert.equal(readdirSync(join(session, 'images')).length, 9);
    assert.match(err, /new rating session in .*run-rating: 11 screens per rater/);
  } finally {
    for (const d of [gan, gan2, dir]) rmSync(d, { recursive: true, force: true });
  }
});

test('genreport rate refuses bad flags with exit 2 and names the flag', async () => {
  const r = await new Promise<{ code: number | null; err: string }>((done) => {
    const child = spawn(process.execPath, [BIN, 'rate', 'whatever.yaml', '--items', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => done({ code, err }));
  });
  assert.equal(r.code, 2);
  assert.match(r.err, /--items: must be a whole number ≥ 1, got 0/);
});
