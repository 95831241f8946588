/**
 * Printing reaches no network: a real print of the fixture report, with
 * outside references added (image, stylesheet, DNS prefetch, preconnect, a
 * link), runs under `strace -f -e trace=connect`, and every connect() of node
 * and Chromium must go to a Unix socket: none to port 53, none to any outside
 * address, not even a UDP one that sends no packet, and (puppeteer talks to
 * the browser over a pipe) none to loopback either. Before the
 * offline switches (src/render/offline-chromium.ts) one print made about 40
 * DNS connects to the resolver; with the resolver rule spelt "~NOTFOUND" it
 * still made 2-5 UDP connects to [2001:4860:4860::8888]:443 (Chromium's IPv6
 * reachability probe, run before every host resolution).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveBrowser } from '../../src/render/browser.ts';
import { renderHtml } from '../../src/render/html.ts';
import { buildFixtureReport } from './fixture-report.ts';

const root = resolve(import.meta.dirname, '../..');
const browser = resolveBrowser();
const browserPath = 'path' in browser ? browser.path : '';
const hasStrace = spawnSync('strace', ['-V']).status === 0;
const skip =
  'missing' in browser
    ? `print trace skipped: ${browser.missing}`
    : !hasStrace
      ? 'print trace skipped: strace is not installed (apt-get install strace; scripts/install-system-deps.sh installs it)'
      : false;

interface Connect {
  line: string;
  family: string;
}

function connects(log: string): Connect[] {
  return log
    .split('\n')
    .filter((line) => /\bconnect\(\d+, \{/.test(line))
    .map((line) => ({ line, family: /sa_family=(\w+)/.exec(line)?.[1] ?? '?' }));
}

test('a real print opens no network socket: no DNS, no outside address, not even loopback', {
  skip,
  timeout: 180_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-print-trace-'));
  try {
    const outside = [
      '<link rel="dns-prefetch" href="//dns-prefetch.example.org">',
      '<link rel="preconnect" href="https://preconnect.example.org">',
      '<link rel="stylesheet" href="https://fonts.example.com/style.css">',
      '<img src="https://images.example.com/pixel.png">',
      '<img src="http://203.0.113.7/by-address.png">',
      '<a href="https://link.example.net/">a link</a>',
    ].join('');
    const html = (await renderHtml(await buildFixtureReport({ prdc: true }))).replace('</body>', `${outside}</body>`);
    writeFileSync(join(dir, 'report.html'), html);
    const log = join(dir, 'connect.log');
    const run = spawnSync(
      'strace',
      [
        '-f',
        '-qq',
        '-e',
        'trace=connect,execve',
        '-o',
        log,
        process.execPath,
        '--import',
        'tsx',
        join(root, 'test/helpers/print-page.ts'),
        join(dir, 'report.html'),
        join(dir, 'report.pdf'),
      ],
      { cwd: root, encoding: 'utf8', timeout: 170_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.ok(existsSync(join(dir, 'report.pdf')), 'the PDF was printed');

    const trace = readFileSync(log, 'utf8');
    // The trace followed node into the browser it started, so a clean connect list speaks for the browser too.
    assert.ok(trace.includes(`execve("${browserPath}"`), `strace followed the print into ${browserPath}`);
    const all = connects(trace);
    const dns = all.filter((c) => /htons\(53\)/.test(c.line));
    assert.deepEqual(
      dns.map((c) => c.line),
      [],
      'no DNS',
    );
    const network = all.filter((c) => c.family !== 'AF_UNIX');
    assert.deepEqual(
      network.map((c) => c.line),
      [],
      'no connect() but to Unix sockets: no outside address, not even a UDP one, and no loopback',
    );
    process.stderr.write(`# print trace: ${all.length} connects, all to Unix sockets: 0 DNS, 0 outside, 0 loopback\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
