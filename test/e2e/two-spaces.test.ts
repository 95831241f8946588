/**
 * A run in two feature spaces: the MNIST classifier (plain metric ids) and a
 * small ONNX network (`<id>@tiny-inception`). Both spaces' FID appear, with
 * their labels, in report.json, the HTML, the Markdown and table.tex; class
 * metrics stay in the classifier's space only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ReportData } from '../../src/assemble/report-data.ts';
import { writeTinyGan } from '../helpers/tiny-gan.ts';
import { initBackend } from '../../src/core/backend.ts';

await initBackend('wasm');
const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'genreport-two-spaces-'));

test('features: [mnist-classifier, tiny-inception.onnx] measures every distance metric in both spaces', async () => {
  const tiny = await writeTinyGan({ name: 'tiny-gan', side: 28, manifestSide: 28 });
  const config = join(work, 'run.yaml');
  writeFileSync(
    config,
    [
      'data: { real: mnist:test, count: 200, stats: ref.npz }',
      `features: [mnist-classifier, ${join(root, 'test/fixtures/features/tiny-inception.onnx')}]`,
      `models: [${tiny}, ${join(root, 'samples/mnist/gan-dcgan')}]`,
      'samples: 100',
      'batchSize: 100',
      'metrics: [fid, kid, precision, recall, classes-covered]',
      'kid: { subsets: 10, subsetSize: 50 }',
      'bootstrap: { resamples: 5 }',
      'density: { images: 10 }',
      'invertibility: { images: 2, steps: 2, restarts: 1 }',
      'truncation: { psi: [1], samples: 100 }',
      'output: { pdf: false }',
    ].join('\n'),
  );
  const out = join(work, 'report');
  const run = spawnSync(
    process.execPath,
    [join(root, 'bin/genreport.js'), 'run', config, '--out', out, '--quiet', '--no-pdf'],
    { cwd: work, encoding: 'utf8', timeout: 300_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData;

  assert.deepEqual(
    data.extractors?.map((e) => e.space),
    ['mnist-classifier', 'tiny-inception'],
  );
  assert.equal(data.extractor.id, 'mnist-classifier');
  const ids = data.metrics.map((m) => m.id);
  assert.deepEqual(ids, [
    'fid',
    'kid',
    'precision',
    'recall',
    'classes-covered',
    'fid@tiny-inception',
    'kid@tiny-inception',
    'precision@tiny-inception',
    'recall@tiny-inception',
  ]);
  const fid2 = data.metrics.find((m) => m.id === 'fid@tiny-inception')!;
  assert.equal(fid2.label, 'FID · tiny-inception');
  assert.equal(data.metrics[0]!.label, 'FID · MNIST domain classifier');
  assert.equal(fid2.space, 'tiny-inception');
  for (const model of ['tiny-gan', 'dcgan']) {
    for (const id of ['fid', 'fid@tiny-inception'])
      assert.equal(data.results[model]![id]!.kind, 'value', `${model} ${id}`);
  }
  assert.notEqual(
    (data.results.dcgan!.fid as { value: number }).value,
    (data.results.dcgan!['fid@tiny-inception'] as { value: number }).value,
  );

  const html = readFileSync(join(out, 'report.html'), 'utf8');
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  const tex = readFileSync(join(out, 'table.tex'), 'utf8');
  for (const [what, text, dot] of [
    ['html', html, ' · '],
    ['md', md, ' · '],
    ['tex', tex, ' \\ensuremath{\\cdot} '],
  ]) {
    assert.ok(text!.includes(`FID${dot}tiny-inception`), `${what} names the second space's FID`);
    assert.ok(text!.includes(`FID${dot}MNIST domain classifier`), `${what} names the first space's FID`);
  }

  // data.stats caches the first space as named, the second beside it.
  assert.ok(existsSync(join(work, 'ref.npz')) && existsSync(join(work, 'ref.tiny-inception.npz')));

  // The scorecard groups its rows by space.
  assert.match(html, /Feature space 1: MNIST domain classifier/);
  assert.match(html, /Feature space 2: tiny-inception \(metric ids …@tiny-inception\)/);

  // Charts and summary per space: a FID/KID chart in each space, titled with it; a summary line for the later space.
  assert.deepEqual(
    data.charts.filter((c) => c.id.startsWith('fid-kid')).map((c) => c.title),
    [
      'FID and KID per model (MNIST domain classifier space)',
      'FID and KID per model (tiny-inception space, ids …@tiny-inception)',
    ],
  );
  assert.match(html, /In the tiny-inception space \(…@tiny-inception\): [a-z-]+ best on FID/);
  // Nearest neighbours are found in the first space only: the caption says which.
  assert.equal(
    data.images.find((i) => i.id === 'nearest-real-dcgan')?.caption,
    'Top: the first 8 samples; bottom: the real image nearest to each in the MNIST domain classifier feature space.',
  );
  assert.match(md, /In the tiny-inception space \(…\\?@tiny-inception\)/, 'Markdown escapes the @');

  // check and history follow the same ids.
  const report = join(out, 'report.json');
  const check = spawnSync(
    process.execPath,
    [join(root, 'bin/genreport.js'), 'check', '--current', report, '--baseline', report],
    { encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '' } },
  );
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /FID · tiny-inception/);
  assert.match(check.stdout, /FID · MNIST domain classifier/);
  const { historyRecordFromReport } = await import('../../src/history/record.ts');
  const record = historyRecordFromReport(data, null);
  assert.ok(record.metrics.some((m) => m.id === 'fid@tiny-inception'));
});

/** Runs a tiny config (`lines`, then 24 samples and the cheapest settings) into <work>/<name>-report; asserts exit 0. */
function runTiny(name: string, lines: string[]) {
  const config = join(work, `${name}.yaml`);
  const settings = [
    'samples: 24',
    'batchSize: 24',
    'bootstrap: { resamples: 0 }',
    'density: { images: 4 }',
    'invertibility: { images: 2, steps: 2, restarts: 1 }',
    'truncation: { psi: [1], samples: 24 }',
    'output: { pdf: false }',
  ];
  writeFileSync(config, [...lines, ...settings].join('\n'));
  const out = join(work, `${name}-report`);
  const run = spawnSync(process.execPath, [join(root, 'bin/genreport.js'), 'run', config, '--out', out, '--no-pdf'], {
    cwd: work,
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(run.status, 0, run.stderr);
  return { run, out };
}

test('an image folder with no features: warns that the MNIST classifier is not for this data; class metrics are n/a', async () => {
  const tiny = await writeTinyGan({ name: 'tiny-gan', side: 28, manifestSide: 28 });
  const { run, out } = runTiny('folder', [
    `data: { real: ${join(root, 'test/fixtures/features/images-a')} }`,
    `models: [${tiny}]`,
    'metrics: [fid, classes-covered]',
  ]);
  assert.match(run.stderr + run.stdout, /domain classifier for handwritten digits, not for/);
  const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData;
  assert.match(data.warnings[0]!, /domain classifier for handwritten digits/);
  assert.equal(data.results['tiny-gan']!.fid!.kind, 'value');
  const covered = data.results['tiny-gan']!['classes-covered']!;
  assert.equal(covered.kind, 'not-applicable');
  assert.match((covered as { reason: string }).reason, /^no classifier for this data/);
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /no classifier for this data/);
});

test("a later space's classifier with class names gives the class-based metrics; the first space gives distances only", async () => {
  const tiny = await writeTinyGan({ name: 'tiny-gan', side: 28, manifestSide: 28 });
  const { run, out } = runTiny('classes', [
    // A flat folder: no labels, so the classifier's own top class stands for each real image's.
    `data: { real: ${join(root, 'test/fixtures/features/images-a')} }`,
    `features: [${join(root, 'test/fixtures/features/tiny-inception.onnx')}, ${join(root, 'test/fixtures/features/tiny-inception-tfjs/model.json')}]`,
    `models: [${tiny}]`,
    'metrics: [fid, classifier-score, classes-covered, class-kl, mode-collapse]',
  ]);
  assert.match(
    run.stderr + run.stdout,
    /class-based metrics: tiny Inception \(tfjs\) \(space tiny-inception-tfjs\), its own top class standing for each real image's label/,
  );
  const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData;
  assert.deepEqual(
    data.extractors?.map((e) => e.space),
    ['tiny-inception', 'tiny-inception-tfjs'],
  );
  // Distances in both spaces; class metrics once, plain ids, in the classifier's space, after its distances.
  assert.deepEqual(
    data.metrics.map((m) => m.id),
    ['fid', 'fid@tiny-inception-tfjs', 'classifier-score', 'classes-covered', 'class-kl', 'mode-collapse'],
  );
  const covered = data.metrics.find((m) => m.id === 'classes-covered')!;
  assert.equal(covered.space, 'tiny-inception-tfjs');
  assert.equal(covered.label, 'Classes covered · tiny Inception');
  const cells = data.results['tiny-gan']!;
  for (const id of [
    'fid',
    'fid@tiny-inception-tfjs',
    'classifier-score',
    'classes-covered',
    'class-kl',
    'mode-collapse',
  ])
    assert.equal(cells[id]!.kind, 'value', `${id}: ${JSON.stringify(cells[id])}`);
  const score = (cells['classifier-score'] as { value: number }).value;
  assert.ok(score >= 1 && score <= 3, `a 3-class classifier score is in [1, 3], got ${score}`);
  assert.ok((cells['classes-covered'] as { value: number }).value <= 3);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(
    html,
    /Feature space 2: tiny Inception \(metric ids …@tiny-inception-tfjs; class-based metrics, plain ids\)/,
  );
  assert.match(html, /Feature space 1: tiny-inception \(headline\)/);
});
