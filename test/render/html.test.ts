import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHtml } from '../../src/render/html.ts';
import { buildFixtureReport } from './fixture-report.ts';

const HOSTILE = '<script>alert(1)</script>';

test('a hostile model name is escaped everywhere and the page has no script', async () => {
  const data = await buildFixtureReport({ modelNames: [HOSTILE, 'vae" onmouseover="x'] });
  data.title = `Report ${HOSTILE}`;
  data.warnings.push(`<img src=x onerror=alert(1)>`);
  const html = await renderHtml(data);
  assert.ok(!/<script/i.test(html), 'no <script in the output');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(!html.includes('<img src=x'), 'warnings are escaped');
  assert.ok(!html.includes('vae" onmouseover'), 'attribute values are escaped');
});

test('the page is self-contained: inline CSS, inline SVG, data-URI images, no external references', async () => {
  const html = await renderHtml(await buildFixtureReport());
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<style>\s*\/\* genreport/);
  assert.equal((html.match(/<svg /g) ?? []).length, 1, 'the one chart is inline');
  assert.equal((html.match(/<img src="data:image\/png;base64,/g) ?? []).length, 2, 'two sample grids');
  assert.ok(!/<link|src="http|url\(http|@import/i.test(html));
  for (const text of [
    'dcgan-mnist',
    'vae-mnist',
    'FID',
    'KID',
    'Bits/dim',
    '0.0114 ± 0.0021',
    'n/a',
    'a GAN defines no likelihood',
    'sha256 9f2c4e1a',
    'genreport run --config samples/demo.yaml',
  ]) {
    assert.ok(html.includes(text), `contains ${text}`);
  }
});

test('a missing template folder fails with the path in the message', async () => {
  await assert.rejects(
    renderHtml(await buildFixtureReport(), { templateDir: '/nonexistent/templates' }),
    /\/nonexistent\/templates/,
  );
});

test('--template: a folder with only some partials replaces just those; the rest are built in', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-template-test-'));
  try {
    mkdirSync(join(dir, 'partials'));
    writeFileSync(join(dir, 'partials', 'header.hbs'), '<header class="ours"><h1>Lab report: {{title}}</h1></header>');
    const html = await renderHtml(await buildFixtureReport({ modelNames: ['<b>gan</b>', 'vae'] }), {
      templateDir: dir,
    });
    assert.ok(
      html.includes('<header class="ours"><h1>Lab report: MNIST generative models'),
      'the given partial is used',
    );
    assert.ok(!html.includes('class="report-header"'), 'the built-in header is not');
    for (const builtIn of [
      '<section class="summary">',
      '<section class="scorecard">',
      '<section class="methods">',
      '/* genreport',
    ])
      assert.ok(html.includes(builtIn), builtIn);
    assert.ok(html.includes('&lt;b&gt;gan&lt;/b&gt;') && !html.includes('<b>gan</b>'), 'user strings stay escaped');

    writeFileSync(join(dir, 'report.css'), 'body { color: teal; }');
    assert.ok(
      (await renderHtml(await buildFixtureReport(), { templateDir: dir })).includes('body { color: teal; }'),
      'a given stylesheet replaces ours',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
