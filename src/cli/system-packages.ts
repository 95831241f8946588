/**
 * The demo's one-command promise: get the system parts it uses when they are
 * missing — Debian's chromium (prints the PDF) and libopenblas0-pthread (fast
 * float64 linear algebra for the metrics) — when we are root and apt-get
 * exists; else Puppeteer's managed Chrome for the PDF where the network
 * allows. Every step is announced; nothing here is required to get a report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Logger } from '../core/logger.ts';
import { puppeteerCacheDir, resolveBrowser } from '../render/browser.ts';

export function ensureSystemPackages(logger: Logger, options: { pdf: boolean }): void {
  const missing: string[] = [];
  if (options.pdf && 'missing' in resolveBrowser()) missing.push('chromium');
  if (!hasOpenBlas()) missing.push('libopenblas0-pthread');
  if (missing.length === 0) return;

  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    logger.info(`installing ${missing.join(' and ')} with apt-get (used for ${missing.includes('chromium') ? 'the PDF' : 'fast metrics'})`);
    const install = ['install', '-y', '--no-install-recommends', ...missing];
    if (!run('apt-get', install)) run('apt-get', ['update']) && run('apt-get', install);
  }
  if (options.pdf && 'missing' in resolveBrowser()) {
    logger.info("no browser found for the PDF: trying Puppeteer's managed Chrome (npx @puppeteer/browsers install chrome@stable)");
    run('npx', ['--no-install', '@puppeteer/browsers', 'install', 'chrome@stable', '--path', puppeteerCacheDir()]);
  }
}

function hasOpenBlas(): boolean {
  const result = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  return result.status !== 0 || /libopenblas\.so\.0/.test(result.stdout);
}

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}
