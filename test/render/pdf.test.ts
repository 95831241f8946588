import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { resolveBrowser } from '../../src/render/browser.ts';
import { renderHtml } from '../../src/render/html.ts';
import { printPdf } from '../../src/render/pdf.ts';
import { buildFixtureReport } from './fixture-report.ts';

const browser = resolveBrowser();
const skip = 'missing' in browser ? `PDF tests skipped: ${browser.missing}` : false;

function withTempDir(run: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genreport-pdf-test-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'the fixture report prints to a PDF with every model, metric and section, charts as vectors, and no blank page',
  { skip },
  withTempDir(async (dir) => {
    const data = await buildFixtureReport({ prdc: true });
    writeFileSync(join(dir, 'report.html'), await renderHtml(data));
    await printPdf(join(dir, 'report.html'), join(dir, 'report.pdf'), { paper: 'A4' });

    const text = execFileSync('pdftotext', ['-layout', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' });
    const sections = [
      'Summary',
      'Scorecard',
      'Charts',
      'Fidelity against diversity',
      'Speed',
      'Samples',
      'Methods',
      'Command',
      'Models',
      'Metrics',
      'Timings',
    ];
    for (const expected of [
      'MNIST generative models',
      ...data.models.map((m) => m.name),
      ...data.metrics.map((m) => m.label),
      ...sections,
      'page 1 of',
    ]) {
      assert.ok(text.includes(expected), `PDF text contains ${expected}`);
    }
    // Vector charts keep their axis titles as text; a rasterised chart would not.
    assert.ok(text.includes('Recall (diversity)'));
    const rasters = execFileSync('pdfimages', ['-list', join(dir, 'report.pdf')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .slice(2);
    assert.equal(
      rasters.filter((line) => / image /.test(line)).length,
      data.images.length,
      'the sample grids are the only raster images',
    );
    assert.match(
      execFileSync('pdfinfo', [join(dir, 'report.pdf')], { encoding: 'utf8' }),
      /Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/,
    );

    execFileSync('pdftoppm', ['-r', '30', '-png', join(dir, 'report.pdf'), join(dir, 'page')]);
    const pages = readdirSync(dir).filter((f) => f.startsWith('page') && f.endsWith('.png'));
    assert.ok(pages.length >= 1);
    for (const page of pages) {
      // Skip the running header and footer (margins are 18 mm ≈ 21 px at 30 dpi): a page with only those is blank.
      const image = sharp(join(dir, page));
      const { width, height } = await image.metadata();
      const body = await image
        .extract({ left: 0, top: 24, width, height: height - 48 })
        .greyscale()
        .stats();
      assert.ok(body.channels[0]!.min < 128, `${page} has content in its body`);
    }
  }),
);

test(
  'a failed print leaves the earlier PDF in place',
  { skip },
  withTempDir(async (dir) => {
    const pdfPath = join(dir, 'report.pdf');
    writeFileSync(pdfPath, 'earlier pdf');
    await assert.rejects(printPdf(join(dir, 'does-not-exist.html'), pdfPath, { paper: 'A4' }));
    assert.equal(readFileSync(pdfPath, 'utf8'), 'earlier pdf');
    assert.deepEqual(readdirSync(dir), ['report.pdf'], 'no partial file is left behind');
  }),
);

test(
  'printing makes no network request and honours Letter paper',
  { skip },
  withTempDir(async (dir) => {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(request.url ?? '');
      response.end('x');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      writeFileSync(
        join(dir, 'page.html'),
        `<!doctype html><html><head><title>t</title><link rel="stylesheet" href="${origin}/style.css"></head>` +
          `<body><p>hello</p><img src="${origin}/pixel.png"><img src="file:///etc/hostname"></body></html>`,
      );
      await printPdf(join(dir, 'page.html'), join(dir, 'page.pdf'), { paper: 'Letter' });
      assert.deepEqual(requests, []);
      assert.match(
        execFileSync('pdfinfo', [join(dir, 'page.pdf')], { encoding: 'utf8' }),
        /Page size:\s+612 x 792 pts \(letter\)/,
      );
    } finally {
      server.close();
    }
  }),
);
