/**
 * Which Chromium/Chrome prints the PDF. Nothing is downloaded at install time,
 * so we look where one usually is, in order, and otherwise say how to get one.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Browser, computeExecutablePath, detectBrowserPlatform } from '@puppeteer/browsers';
import { OFFLINE_CHROMIUM_ARGS } from './offline-chromium.ts';

export type BrowserResolution = { path: string } | { missing: string };

const ENV_VARIABLES = ['GENREPORT_CHROMIUM', 'PUPPETEER_EXECUTABLE_PATH'] as const;

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export const HOW_TO_GET_A_BROWSER =
  'no Chromium or Chrome found for the PDF: install one (Debian/Ubuntu: apt-get install chromium; anywhere: npx @puppeteer/browsers install chrome@stable --path ~/.cache/puppeteer) or set GENREPORT_CHROMIUM to its path';

/** `env` and `exists` are parameters so the search order can be tested without touching the machine. */
export function resolveBrowser(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): BrowserResolution {
  for (const name of ENV_VARIABLES) {
    const path = env[name];
    if (!path) continue;
    // An explicit choice that is wrong is an error to report, not a reason to pick another browser.
    return exists(path) ? { path } : { missing: `${name} is set to ${path}, which does not exist` };
  }
  for (const path of SYSTEM_PATHS) {
    if (exists(path)) return { path };
  }
  const cached = puppeteerCachedBrowsers(env).find(exists);
  if (cached) return { path: cached };
  return { missing: HOW_TO_GET_A_BROWSER };
}

/**
 * Browsers that `npx @puppeteer/browsers install chrome@stable --path ~/.cache/puppeteer` (or chrome-headless-shell)
 * put in Puppeteer's cache, newest build first. We depend on puppeteer-core,
 * which downloads nothing, so this cache is only ever filled on purpose.
 */
function puppeteerCachedBrowsers(env: NodeJS.ProcessEnv): string[] {
  const cacheDir = puppeteerCacheDir(env);
  const platform = detectBrowserPlatform();
  if (!platform) return [];
  return [Browser.CHROME, Browser.CHROMEHEADLESSSHELL].flatMap((browser) => {
    let builds: string[];
    try {
      builds = readdirSync(join(cacheDir, browser)).filter((d) => d.startsWith(`${platform}-`));
    } catch {
      return [];
    }
    const buildIds = builds.map((d) => d.slice(platform.length + 1)).sort(newestFirst);
    return buildIds.map((buildId) => computeExecutablePath({ cacheDir, browser, buildId, platform }));
  });
}

/** Where Puppeteer keeps the browsers it installs. */
export function puppeteerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PUPPETEER_CACHE_DIR ?? join(homedir(), '.cache', 'puppeteer');
}

/** "131.0.6778.85" after "131.0.6778.69", "132…" first: numeric, part by part. */
function newestFirst(a: string, b: string): number {
  return b.localeCompare(a, 'en', { numeric: true });
}

/** Flags that work headless as root in containers: no sandbox (root cannot use it), no GPU. */
export const HEADLESS_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];

/** For printing: headless, and nothing that phones home while we print (offline-chromium.ts). */
export const CHROMIUM_ARGS = [...HEADLESS_ARGS, ...OFFLINE_CHROMIUM_ARGS];
