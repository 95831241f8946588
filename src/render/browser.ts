/**
 * Which Chromium/Chrome prints the PDF. Nothing is downloaded at install time,
 * so we look where one usually is, in order, and otherwise say how to get one.
 */
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer';
import { OFFLINE_CHROMIUM_ARGS } from './offline-chromium.ts';

export type BrowserResolution = { path: string } | { missing: string };

const ENV_VARIABLES = ['GENREPORT_CHROMIUM', 'PUPPETEER_EXECUTABLE_PATH'] as const;

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export const HOW_TO_GET_A_BROWSER =
  'no Chromium or Chrome found for the PDF: install one (Debian/Ubuntu: apt-get install chromium; anywhere: npx puppeteer browsers install chrome) or set GENREPORT_CHROMIUM to its path';

/** `env` and `exists` are parameters so the search order can be tested without touching the machine. */
export function resolveBrowser(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): BrowserResolution {
  for (const name of ENV_VARIABLES) {
    const path = env[name];
    if (!path) continue;
    // An explicit choice that is wrong is an error to report, not a reason to pick another browser.
    return exists(path) ? { path } : { missing: `${name} is set to ${path}, which does not exist` };
  }
  for (const path of SYSTEM_PATHS) {
    if (exists(path)) return { path };
  }
  const cached = puppeteerCachedBrowser();
  if (cached && exists(cached)) return { path: cached };
  return { missing: HOW_TO_GET_A_BROWSER };
}

function puppeteerCachedBrowser(): string | undefined {
  try {
    return puppeteer.executablePath();
  } catch {
    // Puppeteer throws when its configuration names no browser: that just means "not cached".
    return undefined;
  }
}

/**
 * Flags that work headless as root in containers: no sandbox (root cannot
 * use it), no GPU, and nothing that phones home while we print (offline-chromium.ts).
 */
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', ...OFFLINE_CHROMIUM_ARGS];
