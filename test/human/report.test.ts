/**
 * The Human judgments section: assembled from ratings into report.json (and
 * two metric columns `check` can gate on), kept by the schema, rendered into
 * HTML and Markdown, and read by a run from `human.ratings` in its config.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleReport } from '../../src/assemble/assemble.ts';
import { HUMAN_FOOL_RATE, HUMAN_PREFERENCE } from '../../src/assemble/human-section.ts';
import type { ReportData } from '../../src/assemble/report-data.ts';
import { parseReportData } from '../../src/assemble/report-schema.ts';
import { validateConfig } from '../../src/config/config.ts';
import { GenreportError } from '../../src/core/errors.ts';
import { analyseRatings } from '../../src/human/analysis.ts';
import type { Rating } from '../../src/human/ratings.ts';
import { renderHtml } from '../../src/render/html.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { buildFixtureReport } from '../render/fixture-report.ts';
import { AT, syntheticRatings } from './synthetic-ratings.ts';

const BIN = fileURLToPath(new URL('../../bin/genreport.js', import.meta.url));

function assembled(ratings: Rating[], models = ['dcgan-mnist', 'vae-mnist', 'unrated']): ReportData {
  return assembleReport({
    title: 't',
    createdAt: AT,
    tool: { name: 'genreport', version: '0.1.0' },
    command: 'genreport run x.yaml',
    seed: 1,
    samples: 100,
    backend: { name: 'cpu', reason: 'test' },
    timings: [],
    dataset: { name: 'mnist:test', split: 'test', count: 10, shape: [28, 28, 1] },
    extractor: { id: 'x', name: 'x', layer: 'l', dim: 2, hash: 'h' },
    metrics: [],
    models: models.map((name) => ({
      entry: { name, family: 'gan', bundle: name, hash: 'h', parameters: 1, status: 'ok' },
      cells: {},
    })),
    human: { ratings: 'session/ratings.jsonl', analysis: analyseRatings(ratings, { seed: 1, resamples: 200 }) },
  });
}

test('assemble: the section, and fool rate and preference as metric cells for the scorecard and check', () => {
  const data = assembled(syntheticRatings());
  const h = data.human!;
  assert.equal(h.raters, 5);
  assert.deepEqual(h.answers, { single: 300, pair: 100, unsure: 5 });
  assert.deepEqual(
    h.foolRates.map((f) => [f.source, f.share.value, f.n]),
    [
      ['dcgan-mnist', 0.4, 100],
      ['vae-mnist', 20 / 95, 95],
    ],
  );
  assert.equal(h.real!.share.value, 0.8);
  const gan = data.results['dcgan-mnist']![HUMAN_FOOL_RATE]!;
  assert.ok(gan.kind === 'value' && gan.value! === 0.4 && gan.interval![0] < 0.4 && gan.best! === true);
  const preferred = data.results['dcgan-mnist']![HUMAN_PREFERENCE]!;
  assert.ok(
    preferred.kind === 'value' && preferred.interval![0] <= 0.7 && 0.7 <= preferred.interval![1],
    JSON.stringify(preferred),
  );
  assert.equal(data.results.unrated![HUMAN_FOOL_RATE]!.kind, 'not-applicable');
  assert.deepEqual(
    data.metrics.map((m) => m.id),
    [HUMAN_FOOL_RATE, HUMAN_PREFERENCE],
  );
  assert.ok(h.agreement && h.agreement.statistic === 'fleiss-kappa');
  // It survives report.json and the schema.
  const raw = JSON.parse(JSON.stringify(data));
  assert.deepEqual(parseReportData(raw, 'report.json').human, raw.human);
  // Ratings of a model the run does not have are shown, and said.
  assert.match(
    assembled(syntheticRatings(), ['dcgan-mnist']).warnings.join('\n'),
    /rates "vae-mnist", not in this run/,
  );
});

test('HTML and Markdown show the Human judgments section', async () => {
  const data = await buildFixtureReport();
  const human = assembled(
    syntheticRatings(),
    data.models.map((m) => m.name),
  );
  data.human = human.human;
  data.metrics.push(...human.metrics);
  for (const m of data.models) Object.assign(data.results[m.name]!, human.results[m.name]);
  const html = await renderHtml(data);
  assert.match(html, /<h2>Human judgments<\/h2>/);
  assert.match(
    html,
    /<td class="model-name">dcgan-mnist<\/td><td class="num">40% \[31, 50\]<\/td><td class="num">40 of 100<\/td>/,
  );
  assert.match(
    html,
    /<tr class="reference"><td class="model-name">real images \(reference\)<\/td><td class="num">80% \[/,
  );
  assert.match(
    html,
    /Fleiss&#x27; κ &#x3D; 0\.\d\d \((slight|fair|moderate|substantial|almost perfect)\), over 59 images/,
  );
  assert.match(html, /Bradley–Terry strength \[95%\]/);
  assert.match(html, /Judged real \(human\)/);
  const md = renderMarkdown(data);
  assert.match(md, /## Human judgments/);
  assert.match(md, /\| dcgan-mnist \| 40% \[31, 50\] \| 40 of 100 \| 0 \|/);
  assert.match(md, /\| \*real images \(reference\)\* \| 80% \[/);
  // Without ratings there is no section.
  assert.doesNotMatch(await renderHtml(await buildFixtureReport()), /Human judgments/);
});

test('config: human.ratings resolves beside the config; a bad field is named', () => {
  const config = validateConfig({ models: ['m'], human: { ratings: 'session/ratings.jsonl' } }, 'run.yaml', '/work/x');
  assert.equal(config.human!.ratings, '/work/x/session/ratings.jsonl');
  assert.equal(config.human!.resamples, 1000);
  assert.throws(
    () => validateConfig({ models: ['m'], human: { ratings: 3 } }, 'run.yaml', '/'),
    (e: unknown) => e instanceof GenreportError && /run\.yaml: human\.ratings: /.test(e.message),
  );
});

test('genreport check gates on the human fool rate by its metric id', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-human-check-'));
  try {
    writeFileSync(join(dir, 'baseline.json'), JSON.stringify(assembled(syntheticRatings())));
    // The candidate's GAN fools raters 10% of the time instead of 40%.
    writeFileSync(
      join(dir, 'current.json'),
      JSON.stringify(assembled(syntheticRatings('dcgan-mnist', 'vae-mnist', 2))),
    );
    writeFileSync(join(dir, 'gates.yaml'), `metrics:\n  ${HUMAN_FOOL_RATE}: { absolute: 0.05 }\n`);
    const run = (rules: string[]) =>
      spawnSync(
        process.execPath,
        [BIN, 'check', '--current', join(dir, 'current.json'), '--baseline', join(dir, 'baseline.json'), ...rules],
        { encoding: 'utf8' },
      );
    const failed = run(['--rules', join(dir, 'gates.yaml')]);
    assert.equal(failed.status, 1, failed.stderr);
    assert.match(failed.stdout, /dcgan-mnist.*Judged real \(human\).*fail/i);
    const same = spawnSync(
      process.execPath,
      [BIN, 'check', '--current', join(dir, 'baseline.json'), '--baseline', join(dir, 'baseline.json')],
      { encoding: 'utf8' },
    );
    assert.equal(same.status, 0, same.stdout + same.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
