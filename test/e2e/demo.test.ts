/**
 * End to end, as a user runs it: the CLI on the shipped sample bundles, a
 * small sample count, real Chromium printing a real PDF, read back with
 * poppler. PDF checks are skipped (with a note) only where no browser exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { ReportData } from '../../src/assemble/report-data.ts';
import { resolveBrowser } from '../../src/render/browser.ts';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'genreport-e2e-'));
const out = join(work, 'report');
const hasBrowser = 'path' in resolveBrowser();
const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;

function genreport(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin/genreport.js'), ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 300_000,
  });
}

const config = join(work, 'small.yaml');
writeFileSync(
  config,
  [
    'title: "End-to-end check <script>"',
    'data: { real: mnist:test, count: 1000 }',
    `models: [${join(root, 'samples/mnist/gan-dcgan')}, ${join(root, 'samples/mnist/gan-dcgan-ema')}]`,
    'samples: 300',
    'seed: 3',
    'batchSize: 100',
    'kid: { subsets: 20, subsetSize: 100 }',
  ].join('\n'),
);

test('genreport run writes report.html, report.json and a readable report.pdf', async () => {
  const run = genreport('run', config, '--out', out);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /backend: wasm/);

  const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData;
  assert.equal(data.format, 'genreport-report/1');
  assert.deepEqual(
    data.models.map((m) => m.name),
    ['dcgan', 'dcgan-ema'],
  );
  assert.equal(data.extractor.id, 'mnist-classifier');
  assert.equal(data.run.backend.name, 'wasm');
  for (const model of data.models) {
    const fid = data.results[model.name]!.fid;
    const kid = data.results[model.name]!.kid;
    assert.ok(fid?.kind === 'value' && fid.value > 0 && fid.n === 300, JSON.stringify(fid));
    assert.ok(kid?.kind === 'value' && kid.std !== undefined && kid.std > 0, JSON.stringify(kid));
  }
  assert.ok(data.charts.some((c) => c.svg.startsWith('<svg')));
  assert.equal(data.images.filter((i) => i.id.startsWith('samples-')).length, 2);
  assert.equal(data.images.filter((i) => i.id.startsWith('nearest-real-')).length, 2);
  assert.ok(data.charts.some((c) => c.id === 'mode-coverage'));

  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.ok(html.includes('End-to-end check &lt;script&gt;'));
  assert.ok(!/<script/i.test(html));

  if (!hasBrowser || !hasPoppler) {
    test.skip?.('no Chromium or poppler: PDF checks skipped (scripts/install-system-deps.sh installs them)');
    return;
  }
  const pdf = join(out, 'report.pdf');
  const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
  for (const needle of ['dcgan', 'dcgan-ema', 'FID', 'KID', 'mnist:test', 'MNIST domain classifier']) {
    assert.ok(text.includes(needle), `PDF text lacks ${needle}`);
  }
  const pages = join(work, 'pages');
  mkdirSync(pages);
  assert.equal(spawnSync('pdftoppm', ['-r', '30', '-png', pdf, join(pages, 'p')]).status, 0);
  const files = readdirSync(pages).filter((f) => f.endsWith('.png'));
  assert.ok(files.length >= 1);
  for (const f of files) {
    const { data: pixels } = await sharp(join(pages, f)).greyscale().raw().toBuffer({ resolveWithObject: true });
    // The running header and footer alone darken well under 0.1% of a page.
    const dark = pixels.filter((v) => v < 200).length;
    assert.ok(dark > pixels.length * 0.002, `page ${f} is blank`);
  }
});

test('bad input exits 2 with the file and field named, and leaves the earlier report alone', () => {
  const before = readFileSync(join(out, 'report.json'));
  const bad = join(work, 'bad.yaml');
  writeFileSync(bad, 'models: [does-not-exist]\nsamples: 0\n');
  const run = genreport('run', bad, '--out', out);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /bad\.yaml: samples: /);
  assert.deepEqual(readFileSync(join(out, 'report.json')), before);

  const missingModel = join(work, 'missing-model.yaml');
  writeFileSync(missingModel, 'models: [does-not-exist]\nsamples: 10\n');
  const run2 = genreport('run', missingModel, '--out', out);
  assert.equal(run2.status, 2);
  assert.match(run2.stderr, /does-not-exist\/genmodel\.json: model bundle manifest not found/);
  assert.deepEqual(readFileSync(join(out, 'report.json')), before);

  const unknownMetric = join(work, 'unknown-metric.yaml');
  writeFileSync(unknownMetric, `models: [${join(root, 'samples/mnist/gan-dcgan')}]\nmetrics: [fid, fidd]\n`);
  const run3 = genreport('run', unknownMetric, '--out', out);
  assert.equal(run3.status, 2);
  assert.match(
    run3.stderr,
    /unknown-metric\.yaml: metrics: unknown metric "fidd"; known: fid, fid-mean-term, fid-cov-term, kid, cmmd, /,
  );
});

test('--help teaches the commands, and an unknown option is bad input', () => {
  const help = genreport('--help');
  assert.equal(help.status, 0);
  for (const word of ['run <config>', 'demo', 'render <report>', 'Exit codes'])
    assert.ok(help.stdout.includes(word), word);
  assert.equal(genreport('run', config, '--bogus').status, 2);
});

test('genreport render re-makes the HTML from report.json alone', () => {
  const copy = join(work, 'copy');
  mkdirSync(copy);
  writeFileSync(join(copy, 'report.json'), readFileSync(join(out, 'report.json')));
  const run = genreport('render', join(copy, 'report.json'), '--no-pdf');
  assert.equal(run.status, 0, run.stderr);
  assert.ok(existsSync(join(copy, 'report.html')));
  assert.ok(readFileSync(join(copy, 'report.html'), 'utf8').includes('dcgan-ema'));
});
