import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Browser, computeExecutablePath, detectBrowserPlatform } from '@puppeteer/browsers';
import { HOW_TO_GET_A_BROWSER, resolveBrowser } from '../../src/render/browser.ts';

const SYSTEM = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

const existing = (paths: string[]) => (path: string) => paths.includes(path);

test('GENREPORT_CHROMIUM wins over PUPPETEER_EXECUTABLE_PATH and system paths', () => {
  const env = { GENREPORT_CHROMIUM: '/opt/a', PUPPETEER_EXECUTABLE_PATH: '/opt/b' };
  assert.deepEqual(resolveBrowser(env, existing(['/opt/a', '/opt/b', '/usr/bin/chromium'])), { path: '/opt/a' });
  assert.deepEqual(resolveBrowser({ PUPPETEER_EXECUTABLE_PATH: '/opt/b' }, existing(['/opt/b', '/usr/bin/chromium'])), {
    path: '/opt/b',
  });
});

test('an env variable naming a missing file is reported, not silently replaced', () => {
  const found = resolveBrowser({ GENREPORT_CHROMIUM: '/nope/chrome' }, existing(['/usr/bin/chromium']));
  assert.deepEqual(found, { missing: 'GENREPORT_CHROMIUM is set to /nope/chrome, which does not exist' });
});

test('system paths are tried in order: Debian chromium first', () => {
  assert.deepEqual(resolveBrowser({}, existing(['/usr/bin/google-chrome', '/usr/bin/chromium'])), {
    path: '/usr/bin/chromium',
  });
  assert.deepEqual(resolveBrowser({}, existing(['/usr/bin/google-chrome-stable'])), {
    path: '/usr/bin/google-chrome-stable',
  });
});

test('with nothing found, the answer says how to get a browser', () => {
  const found = resolveBrowser({}, existing([]));
  assert.deepEqual(found, { missing: HOW_TO_GET_A_BROWSER });
  assert.match(HOW_TO_GET_A_BROWSER, /apt-get install chromium/);
  assert.match(HOW_TO_GET_A_BROWSER, /npx @puppeteer\/browsers install chrome@stable --path ~\/\.cache\/puppeteer/);
});

test("with no system browser, the newest Chrome in Puppeteer's cache is used (puppeteer-core downloads none itself)", () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'genreport-puppeteer-cache-'));
  try {
    const platform = detectBrowserPlatform()!;
    const builds = ['131.0.6778.85', '132.0.6834.57', '131.0.6778.69'];
    const paths = builds.map((buildId) =>
      computeExecutablePath({ cacheDir, browser: Browser.CHROME, buildId, platform }),
    );
    for (const path of paths) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, '');
    }
    assert.deepEqual(
      resolveBrowser({ PUPPETEER_CACHE_DIR: cacheDir }, (p) => !SYSTEM.includes(p) && existsSync(p)),
      { path: paths[1] },
    );
    // A system browser still comes first.
    assert.deepEqual(
      resolveBrowser({ PUPPETEER_CACHE_DIR: cacheDir }, (p) => p === '/usr/bin/chromium' || existsSync(p)),
      { path: '/usr/bin/chromium' },
    );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
