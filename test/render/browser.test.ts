import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOW_TO_GET_A_BROWSER, resolveBrowser } from '../../src/render/browser.ts';

const existing = (paths: string[]) => (path: string) => paths.includes(path);

test('GENREPORT_CHROMIUM wins over PUPPETEER_EXECUTABLE_PATH and system paths', () => {
  const env = { GENREPORT_CHROMIUM: '/opt/a', PUPPETEER_EXECUTABLE_PATH: '/opt/b' };
  assert.deepEqual(resolveBrowser(env, existing(['/opt/a', '/opt/b', '/usr/bin/chromium'])), { path: '/opt/a' });
  assert.deepEqual(resolveBrowser({ PUPPETEER_EXECUTABLE_PATH: '/opt/b' }, existing(['/opt/b', '/usr/bin/chromium'])), { path: '/opt/b' });
});

test('an env variable naming a missing file is reported, not silently replaced', () => {
  const found = resolveBrowser({ GENREPORT_CHROMIUM: '/nope/chrome' }, existing(['/usr/bin/chromium']));
  assert.deepEqual(found, { missing: 'GENREPORT_CHROMIUM is set to /nope/chrome, which does not exist' });
});

test('system paths are tried in order: Debian chromium first', () => {
  assert.deepEqual(resolveBrowser({}, existing(['/usr/bin/google-chrome', '/usr/bin/chromium'])), { path: '/usr/bin/chromium' });
  assert.deepEqual(resolveBrowser({}, existing(['/usr/bin/google-chrome-stable'])), { path: '/usr/bin/google-chrome-stable' });
});

test('with nothing found, the answer says how to get a browser', () => {
  const found = resolveBrowser({}, existing([]));
  assert.deepEqual(found, { missing: HOW_TO_GET_A_BROWSER });
  assert.match(HOW_TO_GET_A_BROWSER, /apt-get install chromium/);
  assert.match(HOW_TO_GET_A_BROWSER, /npx puppeteer browsers install chrome/);
});
