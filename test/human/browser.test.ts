/**
 * The rating page in real Chromium through Puppeteer: two raters complete a
 * small session with the keyboard (one at phone width), one stops half way
 * and resumes from the same link; the answers on disk match the keys pressed.
 * Screenshots go to $RATE_SCREENSHOTS when set, to look at.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { HEADLESS_ARGS, resolveBrowser } from '../../src/render/browser.ts';
import { readRatings, RatingsStore } from '../../src/human/ratings.ts';
import { createRatingServer } from '../../src/human/server.ts';
import { RATINGS_FILE } from '../../src/human/session.ts';
import { writeFixtureSession } from './session-fixture.ts';

const browserPath = resolveBrowser();
const SHOTS = process.env.RATE_SCREENSHOTS;

const KEYS = {
  single: [
    ['r', 'real'],
    ['g', 'generated'],
    ['c', 'unsure'],
  ],
  pair: [
    ['ArrowLeft', 'left'],
    ['ArrowRight', 'right'],
    ['c', 'unsure'],
  ],
} as const;

async function screen(page: Page): Promise<{ state: string; item: string; kind: 'single' | 'pair'; count: string }> {
  await page.waitForFunction(() => ['ready', 'done'].includes(document.body.dataset.state ?? ''), { timeout: 10_000 });
  return page.evaluate(() => ({
    state: document.body.dataset.state!,
    item: document.body.dataset.item!,
    kind: (document.querySelectorAll('#images img').length === 2 ? 'pair' : 'single') as 'single' | 'pair',
    count: document.getElementById('count')!.textContent!,
  }));
}

const kinds = new Map<string, string>();

/** Answer `limit` screens (or all) by keyboard; returns item → answer as pressed. */
async function answerScreens(
  page: Page,
  pressed: Map<string, string>,
  limit = Infinity,
  shot?: (kind: string) => Promise<void>,
): Promise<void> {
  for (let k = 0; k < limit; k++) {
    const s = await screen(page);
    if (s.state === 'done') return;
    await shot?.(s.kind);
    // Each kind cycles through its three keys, so every key is pressed.
    const seen = [...pressed.keys()].filter((item) => kinds.get(item) === s.kind).length;
    const [key, answer] = KEYS[s.kind][seen % 3]!;
    kinds.set(s.item, s.kind);
    await page.keyboard.press(key);
    pressed.set(s.item, answer);
    await page.waitForFunction(
      (item) => document.body.dataset.item !== item || document.body.dataset.state === 'done',
      { timeout: 10_000 },
      s.item,
    );
  }
}

test('two raters complete a session with the keyboard in Chromium; one stops and resumes', {
  skip: 'missing' in browserPath ? browserPath.missing : false,
  timeout: 180_000,
}, async () => {
  const { dir, plan } = await writeFixtureSession({ perSource: 2, pairs: 3, raters: 2 });
  const store = new RatingsStore(join(dir, RATINGS_FILE));
  const server = createRatingServer({ dir, plan, store });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const [one, two] = plan.raters.map((r) => `${base}/r/${r.token}/`);
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  let browser: Browser | undefined;
  const offsite: string[] = [];
  try {
    browser = await puppeteer.launch({
      executablePath: 'path' in browserPath ? browserPath.path : undefined,
      headless: true,
      args: HEADLESS_ARGS,
    });
    const open = async (url: string, viewport: { width: number; height: number; isMobile?: boolean }) => {
      const page = await browser!.newPage();
      page.on('request', (r) => {
        if (!r.url().startsWith(base)) offsite.push(r.url());
      });
      await page.setViewport({ ...viewport, deviceScaleFactor: 1 });
      await page.goto(url, { waitUntil: 'load' });
      return page;
    };
    const shots = new Set<string>();
    const shooter = (page: Page, label: string) => async (kind: string) => {
      if (!SHOTS || shots.has(`${label}-${kind}`)) return;
      shots.add(`${label}-${kind}`);
      await page.screenshot({ path: join(SHOTS, `${label}-${kind}.png`) });
    };

    // Rater 1 at phone width: three screens, then the page is closed.
    const pressed1 = new Map<string, string>();
    let page = await open(one!, { width: 390, height: 844, isMobile: true });
    await answerScreens(page, pressed1, 3, shooter(page, 'phone'));
    await page.close();
    // Rater 2 on a desktop, all the way through.
    const pressed2 = new Map<string, string>();
    const page2 = await open(two!, { width: 1280, height: 800 });
    await answerScreens(page2, pressed2, Infinity, shooter(page2, 'desktop'));
    assert.equal((await screen(page2)).count, `${plan.items.length} / ${plan.items.length}`);
    if (SHOTS) await page2.screenshot({ path: join(SHOTS, 'desktop-done.png') });
    // Rater 1 comes back with the same link and carries on from screen 4.
    page = await open(one!, { width: 390, height: 844, isMobile: true });
    const resumed = await screen(page);
    assert.equal(resumed.count, `3 / ${plan.items.length}`);
    assert.equal(resumed.item, plan.raters[0]!.order[3]!.item);
    await answerScreens(page, pressed1, Infinity, shooter(page, 'phone'));
    assert.equal((await screen(page)).state, 'done');

    for (const [rater, pressed] of [
      ['rater-1', pressed1],
      ['rater-2', pressed2],
    ] as const) {
      const onDisk = readRatings(join(dir, RATINGS_FILE)).ratings.filter((r) => r.rater === rater);
      assert.equal(onDisk.length, plan.items.length);
      assert.deepEqual(
        new Map(onDisk.map((r) => [r.item, r.answer])),
        pressed,
        `${rater}: answers on disk are the keys pressed`,
      );
      // Each rater met every kind of key.
      assert.equal(new Set(pressed.values()).size, 5, [...pressed.values()].join(','));
    }
    assert.deepEqual(offsite, [], 'the page asked for nothing outside the server');
  } finally {
    await browser?.close();
    await new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
