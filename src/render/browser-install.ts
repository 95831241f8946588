/**
 * Getting a browser when none is found, for the demo's one-command promise:
 * Debian's chromium when we are root and apt-get exists, else Puppeteer's
 * managed Chrome where the network allows. Every step is announced.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Logger } from '../core/logger.ts';
import { resolveBrowser, type BrowserResolution } from './browser.ts';

export function ensureBrowser(logger: Logger): BrowserResolution {
  const found = resolveBrowser();
  if ('path' in found) return found;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    logger.info('no browser found for the PDF: installing Debian chromium (apt-get install -y chromium)');
    let ok = run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
    if (!ok) ok = run('apt-get', ['update']) && run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
    const after = resolveBrowser();
    if ('path' in after) return after;
  }
  logger.info("no browser found for the PDF: trying Puppeteer's managed Chrome (npx puppeteer browsers install chrome)");
  run('npx', ['--no-install', 'puppeteer', 'browsers', 'install', 'chrome']);
  return resolveBrowser();
}

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}
