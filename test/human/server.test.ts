/**
 * The rating server over real HTTP on 127.0.0.1 (ephemeral ports): blind
 * responses, 4xx that change nothing, and a server child process killed with
 * SIGKILL mid-session that loses no acknowledged answer and resumes each rater.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRatings, RatingsStore } from '../../src/human/ratings.ts';
import { createRatingServer, MAX_BODY_BYTES, type RaterState } from '../../src/human/server.ts';
import { RATINGS_FILE, type SessionPlan } from '../../src/human/session.ts';
import { MODEL_NAMES, writeFixtureSession } from './session-fixture.ts';

const BIN = fileURLToPath(new URL('../../bin/genreport.js', import.meta.url));

async function startServer(dir: string, plan: SessionPlan) {
  const store = new RatingsStore(join(dir, RATINGS_FILE));
  const server = createRatingServer({ dir, plan, store });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    store,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
        store.close();
      }),
  };
}

function answerFor(kind: 'single' | 'pair', k: number): string {
  return kind === 'single' ? ['real', 'generated', 'unsure'][k % 3]! : ['left', 'right', 'unsure'][k % 3]!;
}

test('the blind API never names a model, in any response, for a whole session', async () => {
  const { dir, plan } = await writeFixtureSession();
  const server = await startServer(dir, plan);
  try {
    const bodies: string[] = [];
    const fetchText = async (url: string, init?: RequestInit) => {
      const r = await fetch(url, init);
      const text = Buffer.from(await r.arrayBuffer()).toString('latin1');
      bodies.push(text, JSON.stringify([...r.headers]));
      return { status: r.status, text };
    };
    for (const rater of plan.raters) {
      const root = `${server.base}/r/${rater.token}/`;
      const page = await fetchText(root);
      assert.equal(page.status, 200);
      assert.match(page.text, /^<!doctype html>/);
      assert.doesNotMatch(
        page.text,
        /<script[^>]+src=|<link[^>]+href=|https?:\/\//,
        'the page loads nothing from anywhere',
      );
      let state = JSON.parse((await fetchText(`${root}api/state`)).text) as RaterState;
      let k = 0;
      while (state.item) {
        assert.deepEqual(Object.keys(state.item).sort(), ['id', 'images', 'kind']);
        for (const src of state.item.images) {
          assert.match(src, new RegExp(`^/r/${rater.token}/img/[A-Za-z0-9_-]{12}\\.png$`));
          const png = await fetch(`${server.base}${src}`);
          assert.equal(png.headers.get('content-type'), 'image/png');
          bodies.push(Buffer.from(await png.arrayBuffer()).toString('latin1'));
        }
        const r = await fetchText(`${root}api/answer`, {
          method: 'POST',
          body: JSON.stringify({ item: state.item.id, answer: answerFor(state.item.kind, k++) }),
        });
        assert.equal(r.status, 200, r.text);
        state = JSON.parse(r.text);
      }
      assert.equal(state.done, plan.items.length);
    }
    for (const body of bodies) {
      for (const name of [...MODEL_NAMES, 'gan', 'vae', 'source'])
        assert.ok(!body.includes(name), `a response mentions ${name}`);
      assert.ok(!/"(real|generated)"\s*:/.test(body));
    }
    // The plan stays on the server.
    for (const path of [
      '/session.json',
      `/r/${plan.raters[0]!.token}/session.json`,
      `/r/${plan.raters[0]!.token}/img/../session.json`,
      `/r/${plan.raters[0]!.token}/ratings.jsonl`,
    ]) {
      assert.equal((await fetch(`${server.base}${path}`)).status, 404, path);
    }
    // Every answer is on disk, with the model behind each image.
    const ratings = readRatings(join(dir, RATINGS_FILE)).ratings;
    assert.equal(ratings.length, plan.items.length * plan.raters.length);
    assert.ok(ratings.some((r) => r.kind === 'single' && r.source === 'gan-alpha'));
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad requests get 4xx and change nothing on disk', async () => {
  const { dir, plan } = await writeFixtureSession();
  const server = await startServer(dir, plan);
  const file = join(dir, RATINGS_FILE);
  try {
    const root = `${server.base}/r/${plan.raters[0]!.token}/`;
    const state = (await (await fetch(`${root}api/state`)).json()) as RaterState;
    const first = state.item!;
    const ok = await fetch(`${root}api/answer`, {
      method: 'POST',
      body: JSON.stringify({ item: first.id, answer: first.kind === 'single' ? 'real' : 'left' }),
    });
    assert.equal(ok.status, 200);
    const before = readFileSync(file);
    assert.equal(before.toString().split('\n').filter(Boolean).length, 1);
    const next = ((await ok.json()) as RaterState).item!;
    const wrongKind = next.kind === 'single' ? 'left' : 'real';
    const cases: [string, string, RequestInit, number][] = [
      ['unknown token, state', `${server.base}/r/not-a-token-at-all/api/state`, {}, 404],
      [
        'unknown token, answer',
        `${server.base}/r/not-a-token-at-all/api/answer`,
        { method: 'POST', body: JSON.stringify({ item: next.id, answer: 'real' }) },
        404,
      ],
      ['no token', `${server.base}/api/state`, {}, 404],
      [
        'unknown item',
        `${root}api/answer`,
        { method: 'POST', body: JSON.stringify({ item: 'nope', answer: 'real' }) },
        404,
      ],
      [
        'repeated answer',
        `${root}api/answer`,
        {
          method: 'POST',
          body: JSON.stringify({ item: first.id, answer: first.kind === 'single' ? 'generated' : 'right' }),
        },
        409,
      ],
      [
        'answer that does not fit the item',
        `${root}api/answer`,
        { method: 'POST', body: JSON.stringify({ item: next.id, answer: wrongKind }) },
        400,
      ],
      [
        'unknown answer',
        `${root}api/answer`,
        { method: 'POST', body: JSON.stringify({ item: next.id, answer: 'maybe' }) },
        400,
      ],
      ['not JSON', `${root}api/answer`, { method: 'POST', body: '{item:' }, 400],
      ['JSON of the wrong shape', `${root}api/answer`, { method: 'POST', body: '[1,2]' }, 400],
      [
        'oversized body',
        `${root}api/answer`,
        { method: 'POST', body: JSON.stringify({ item: next.id, answer: 'real', pad: 'x'.repeat(MAX_BODY_BYTES) }) },
        413,
      ],
      ['wrong method on answer', `${root}api/answer`, { method: 'GET' }, 405],
      ['wrong method on state', `${root}api/state`, { method: 'POST', body: '{}' }, 405],
      ['wrong method on the page', root, { method: 'DELETE' }, 405],
      ['unknown image', `${root}img/AAAAAAAAAAAA.png`, {}, 404],
      [
        "another rater's item answered by token of an unknown rater",
        `${server.base}/r/${plan.raters[1]!.token.slice(1)}/api/answer`,
        { method: 'POST', body: JSON.stringify({ item: next.id, answer: 'real' }) },
        404,
      ],
    ];
    for (const [what, url, init, status] of cases) {
      const r = await fetch(url, init);
      assert.equal(r.status, status, what);
      const body = await r.text();
      if (status !== 405) assert.match(body, /"error"/, what);
      assert.deepEqual(readFileSync(file), before, `${what} changed ratings.jsonl`);
    }
    // An oversized body sent in chunks without a length is cut off too.
    const chunked = await fetch(`${root}api/answer`, {
      method: 'POST',
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 8; i++) c.enqueue(new TextEncoder().encode('x'.repeat(1024)));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413);
    assert.deepEqual(readFileSync(file), before);
    // The rater is still where they were.
    const after = (await (await fetch(`${root}api/state`)).json()) as RaterState;
    assert.equal(after.done, 1);
    assert.equal(after.item!.id, next.id);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cut-short last line is left out on reading and cut off before the next answer', async () => {
  const { dir, plan } = await writeFixtureSession();
  const file = join(dir, RATINGS_FILE);
  try {
    let server = await startServer(dir, plan);
    const root = `${server.base}/r/${plan.raters[0]!.token}/`;
    const s = (await (await fetch(`${root}api/state`)).json()) as RaterState;
    await fetch(`${root}api/answer`, {
      method: 'POST',
      body: JSON.stringify({ item: s.item!.id, answer: s.item!.kind === 'single' ? 'real' : 'left' }),
    });
    await server.close();
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"v":1,"kind":"sin`);
    assert.equal(readRatings(file).ratings.length, 1);
    server = await startServer(dir, plan);
    const s2 = (await (
      await fetch(`${root.replace(/:\d+\//, `:${new URL(server.base).port}/`)}api/state`)
    ).json()) as RaterState;
    assert.equal(s2.done, 1);
    await server.close();
    assert.equal(readFileSync(file, 'utf8').split('\n').length, 2, 'the partial line is gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Child {
  process: ChildProcess;
  links: Map<string, string>;
}

async function startChild(dir: string): Promise<Child> {
  const config = join(dir, 'config.yaml');
  if (!existsSync(config))
    writeFileSync(config, 'models: [./not-loaded-the-session-exists]\ndata: { real: mnist:test }\n');
  const child = spawn(process.execPath, [BIN, 'rate', config, '--out', dir, '--port', '0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const links = new Map<string, string>();
  let out = '';
  await new Promise<void>((done, fail) => {
    child.stdout!.on('data', (d) => {
      out += d;
      for (const m of out.matchAll(/^(rater-\d+): (http:\/\/127\.0\.0\.1:\d+\/r\/[\w-]+\/)/gm)) links.set(m[1]!, m[2]!);
      if (links.size === 2) done();
    });
    child.on('exit', (code) => fail(new Error(`rate exited ${code}: ${stderr}`)));
  });
  return { process: child, links };
}

test('a server child killed with SIGKILL mid-session loses no acknowledged answer; a restart resumes each rater', {
  timeout: 120_000,
}, async () => {
  const { dir, plan } = await writeFixtureSession({ perSource: 4, pairs: 3 });
  const file = join(dir, RATINGS_FILE);
  try {
    const first = await startChild(dir);
    const acknowledged: { rater: string; item: string; answer: string }[] = [];
    // Two raters answer as fast as they can; the server is killed while they do.
    const rate = async (rater: string) => {
      const root = first.links.get(rater)!;
      let state = (await (await fetch(`${root}api/state`)).json()) as RaterState;
      for (let k = 0; state.item; k++) {
        const answer = answerFor(state.item.kind, k);
        let r: Response;
        try {
          r = await fetch(`${root}api/answer`, {
            method: 'POST',
            body: JSON.stringify({ item: state.item.id, answer }),
          });
        } catch {
          return; // the server is gone
        }
        if (r.status !== 200) return;
        acknowledged.push({ rater, item: state.item.id, answer });
        state = (await r.json()) as RaterState;
        if (rater === 'rater-1' && k === 5) first.process.kill('SIGKILL');
      }
    };
    const exited = new Promise((done) => first.process.once('exit', done));
    await Promise.all([rate('rater-1'), rate('rater-2')]);
    await exited;
    assert.equal(first.process.signalCode, 'SIGKILL');
    const onDisk = readRatings(file).ratings;
    assert.ok(acknowledged.length >= 6, `${acknowledged.length} answers acknowledged`);
    for (const a of acknowledged) {
      assert.ok(
        onDisk.some((r) => r.rater === a.rater && r.item === a.item && r.answer === a.answer),
        `acknowledged ${a.rater} ${a.item} is on disk`,
      );
    }
    const done = (rater: string) => onDisk.filter((r) => r.rater === rater).length;
    assert.ok(done('rater-1') < plan.items.length, 'killed mid-session');

    const second = await startChild(dir);
    try {
      for (const rater of plan.raters) {
        const state = (await (await fetch(`${second.links.get(rater.name)!}api/state`)).json()) as RaterState;
        assert.equal(state.done, done(rater.name), `${rater.name} resumes with their answers counted`);
        const expected = rater.order.find((e) => !onDisk.some((r) => r.rater === rater.name && r.item === e.item));
        assert.equal(state.item?.id, expected?.item, `${rater.name} resumes at their next unanswered screen`);
      }
      // The same links work after the restart (tokens are kept in session.json).
      assert.equal(new URL(second.links.get('rater-1')!).pathname, new URL(first.links.get('rater-1')!).pathname);
    } finally {
      const gone = new Promise((done) => second.process.once('exit', done));
      second.process.kill('SIGTERM');
      await gone;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
