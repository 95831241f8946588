/**
 * The one installer of the system parts genreport uses, from Debian, for its
 * two users: `genreport demo` (the one-command promise: chromium prints the
 * PDF, libopenblas0-pthread is the fast float64 linear algebra) and the test
 * suite (scripts/install-system-deps.sh: also poppler-utils, whose pdftoppm
 * and pdftotext read the PDFs back, and strace, which proves printing opens no
 * outside connection). It installs only what is missing, with apt-get as root
 * or through sudo; else Puppeteer's managed Chrome for the PDF where the
 * network allows. Every step is announced; nothing here is required to get a report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Logger } from '../core/logger.ts';
import { puppeteerCacheDir, resolveBrowser } from '../render/browser.ts';

/** Each Debian package, and how to tell that what it gives is already here. */
const PACKAGES = {
  chromium: () => !('missing' in resolveBrowser()),
  'libopenblas0-pthread': hasOpenBlas,
  'poppler-utils': () => onPath('pdftoppm'),
  strace: () => onPath('strace'),
} as const;
type Package = keyof typeof PACKAGES;

/** What each user of the installer needs. */
export const SYSTEM_NEEDS = {
  demo: ['chromium', 'libopenblas0-pthread'],
  tests: ['chromium', 'libopenblas0-pthread', 'poppler-utils', 'strace'],
} as const satisfies Record<string, readonly Package[]>;

export function missingSystemPackages(need: readonly Package[]): Package[] {
  return need.filter((name) => !PACKAGES[name]());
}

export function ensureSystemPackages(logger: Logger, options: { pdf: boolean; need?: readonly Package[] }): void {
  const missing = missingSystemPackages(
    (options.need ?? SYSTEM_NEEDS.demo).filter((name) => options.pdf || name !== 'chromium'),
  );
  if (missing.length === 0) return;

  const sudo = process.getuid?.() === 0 ? [] : onPath('sudo') ? ['sudo'] : null;
  if (sudo && existsSync('/usr/bin/apt-get')) {
    logger.info(`installing ${missing.join(', ')} with apt-get (${missing.map(useOf).join('; ')})`);
    const apt = (args: string[]) => (sudo.length ? run('sudo', ['-E', 'apt-get', ...args]) : run('apt-get', args));
    const install = ['install', '-y', '--no-install-recommends', ...missing];
    if (!apt(install)) apt(['update']) && apt(install);
  } else {
    logger.warn(`missing ${missing.join(', ')}: install them with apt-get as root (${missing.map(useOf).join('; ')})`);
  }
  if (options.pdf && 'missing' in resolveBrowser()) {
    logger.info(
      "no browser found for the PDF: trying Puppeteer's managed Chrome (npx @puppeteer/browsers install chrome@stable)",
    );
    run('npx', ['--no-install', '@puppeteer/browsers', 'install', 'chrome@stable', '--path', puppeteerCacheDir()]);
  }
}

function useOf(name: Package): string {
  return {
    chromium: 'chromium prints the PDF',
    'libopenblas0-pthread': 'OpenBLAS: fast float64 metrics',
    'poppler-utils': 'poppler reads PDFs back in tests',
    strace: 'strace proves printing stays offline in tests',
  }[name];
}

function hasOpenBlas(): boolean {
  const result = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  return result.status !== 0 || /libopenblas\.so\.0/.test(result.stdout);
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}
