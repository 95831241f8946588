/**
 * Golden files: a committed report.json goes through the view model, the
 * Markdown and the LaTeX writers, and each result must equal its committed
 * golden, with numbers rounded and times, versions and embedded images masked
 * so the goldens only move when what a reader sees moves.
 *
 * Regenerate after an intended change: UPDATE_GOLDEN=1 node --import tsx --test test/render/golden.test.ts
 * (this also rewrites report-data.json from fixture-report.ts), then review the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { parseReportData } from '../../src/assemble/report-schema.ts';
import type { ReportData } from '../../src/assemble/report-data.ts';
import { CHROMIUM_ARGS, resolveBrowser } from '../../src/render/browser.ts';
import { renderHtml } from '../../src/render/html.ts';
import { renderLatex } from '../../src/render/latex.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { toViewModel } from '../../src/render/view-model.ts';
import { buildFixtureReport } from './fixture-report.ts';

const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));
const REPORT_FILE = join(GOLDEN_DIR, 'report-data.json');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

if (UPDATE) {
  mkdirSync(GOLDEN_DIR, { recursive: true });
  writeFileSync(
    REPORT_FILE,
    `${JSON.stringify(await buildFixtureReport({ prdc: true, likelihood: true, differences: true }), null, 2)}\n`,
  );
}

/** The committed report, with what changes from run to run replaced by fixed values. */
function goldenReport(): ReportData {
  const data = parseReportData(JSON.parse(readFileSync(REPORT_FILE, 'utf8')), REPORT_FILE);
  return {
    ...data,
    createdAt: '2000-01-01T00:00:00.000Z',
    tool: { ...data.tool, version: '<version>' },
    run: { ...data.run, timings: data.run.timings.map((t) => ({ ...t, seconds: 1 })) },
  };
}

/** Numbers to 6 significant digits; chart SVG and image data reduced to a marker (vega and sharp own their bytes). */
function masked(value: unknown): unknown {
  if (typeof value === 'number') return Number(value.toPrecision(6));
  if (typeof value === 'string') {
    if (value.startsWith('<svg')) return '<svg…>';
    if (value.startsWith('data:image/')) return `${value.slice(0, value.indexOf(',') + 1)}…`;
    return value;
  }
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
  return value;
}

function checkGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (UPDATE) writeFileSync(file, actual);
  assert.equal(
    actual,
    readFileSync(file, 'utf8'),
    `${name} differs from its golden; if intended, rerun with UPDATE_GOLDEN=1 and review the diff`,
  );
}

test('view model of the golden report', () => {
  checkGolden('view-model.json', `${JSON.stringify(masked(toViewModel(goldenReport())), null, 2)}\n`);
});

test('report.md of the golden report', () => {
  checkGolden('report.md', renderMarkdown(goldenReport()));
});

test('table.tex of the golden report', () => {
  checkGolden('table.tex', renderLatex(goldenReport()));
});

const browser = resolveBrowser();

test('the HTML opens in Chromium with scripts off: no console error, every image loaded, no request but the page', {
  skip: 'missing' in browser ? browser.missing : false,
}, async () => {
  if ('missing' in browser) return;
  const dir = mkdtempSync(join(tmpdir(), 'genreport-golden-'));
  const chromium = await puppeteer.launch({
    executablePath: browser.path,
    headless: true,
    args: [...CHROMIUM_ARGS, `--user-data-dir=${join(dir, 'profile')}`],
  });
  try {
    const htmlPath = join(dir, 'report.html');
    writeFileSync(htmlPath, await renderHtml(goldenReport()));
    const page = await chromium.newPage();
    // The report must read without script: any it needed would fail to run here.
    await page.setJavaScriptEnabled(false);
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url().slice(0, 80)}`));
    page.on('request', (r) => !r.url().startsWith('data:') && requests.push(r.url()));
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    const images = await page.$$eval('img', (all) =>
      all.map((i) => ({ alt: i.alt, complete: i.complete, width: i.naturalWidth })),
    );
    const counts = await page.evaluate(() => ({
      scripts: document.scripts.length,
      svgs: document.querySelectorAll('svg').length,
    }));
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [pathToFileURL(htmlPath).href], 'the page loads nothing but itself');
    assert.equal(images.length, 2);
    for (const image of images) assert.ok(image.complete && image.width > 0, `image loaded: ${image.alt}`);
    // FID/KID, fidelity-diversity, truncation, and bits/dim in the density section.
    assert.deepEqual(counts, { scripts: 0, svgs: 4 });
  } finally {
    await chromium.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
