/**
 * Printing reaches no network: a real print of the fixture report, with
 * outside references added (image, stylesheet, DNS prefetch, preconnect, a
 * link), runs under `strace -f -e trace=connect`, and every connect() of node
 * and Chromium must go to a Unix socket or loopback, and none to port 53.
 * Before the offline switches (src/render/offline-chromium.ts) one print made
 * about 40 DNS connects to the resolver.
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
const hasStrace = spawnSync('strace', ['-V']).status === 0;
const skip = 'missing' in browser
  ? `print trace skipped: ${browser.missing}`
  : !hasStrace
    ? 'print trace skipped: strace is not installed (apt-get install strace; scripts/install-system-deps.sh installs it)'
    : false;

/**
 * Chromium's host resolver opens a UDP socket to this address (Google DNS,
 * port 443) before any lookup, to learn whether IPv6 routes: connect() on UDP
 * only picks a route and sends no packet. It is the one outside address
 * allowed, and only as UDP to port 443; see the report in docs.
 */
const IPV6_ROUTE_PROBE = /sin6_port=htons\(443\).*"2001:4860:4860::8888"/;

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

function isLoopback(c: Connect): boolean {
  if (c.family === 'AF_UNIX') return true;
  if (c.family === 'AF_INET') return /inet_addr\("127\./.test(c.line);
  if (c.family === 'AF_INET6') return /"::1"/.test(c.line) || /"::ffff:127\./.test(c.line);
  return false;
}

test('a real print opens no connection beyond loopback: no DNS, no outside address', { skip, timeout: 180_000 }, async () => {
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
      ['-f', '-qq', '-e', 'trace=connect', '-o', log, process.execPath, '--import', 'tsx', join(root, 'test/helpers/print-page.ts'), join(dir, 'report.html'), join(dir, 'report.pdf')],
      { cwd: root, encoding: 'utf8', timeout: 170_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.ok(existsSync(join(dir, 'report.pdf')), 'the PDF was printed');

    const all = connects(readFileSync(log, 'utf8'));
    assert.ok(all.length > 0, 'strace saw the connects (puppeteer talks to Chromium over loopback)');
    const dns = all.filter((c) => /htons\(53\)/.test(c.line));
    assert.deepEqual(dns.map((c) => c.line), [], 'no DNS');
    const outsideConnects = all.filter((c) => !isLoopback(c) && !IPV6_ROUTE_PROBE.test(c.line));
    assert.deepEqual(outsideConnects.map((c) => c.line), [], 'nothing beyond loopback');
    const probes = all.filter((c) => IPV6_ROUTE_PROBE.test(c.line)).length;
    const loopback = all.filter(isLoopback).length;
    process.stderr.write(`# print trace: ${all.length} connects: ${loopback} Unix/loopback, ${probes} IPv6 route probes (no packet), 0 DNS, 0 other\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
