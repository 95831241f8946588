/**
 * Published bits/dim are shown for scale where the density was measured on a
 * data set the papers used (CIFAR-10 test), labelled as not comparable, and
 * never enter a ranking; other data gets none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { densitySection } from '../../src/assemble/density-section.ts';
import { parseReportData } from '../../src/assemble/report-schema.ts';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { toViewModel } from '../../src/render/view-model.ts';
import { buildFixtureReport } from '../render/fixture-report.ts';

const empty = { images: 0, dimensions: 3072, models: [], reference: null };

test('CIFAR-10 test carries the published figures with their citations; MNIST and a folder carry none', () => {
  const section = densitySection({ ...empty, source: 'cifar10:test' });
  assert.deepEqual(
    section.published!.figures.map((f) => [f.model, f.bitsPerDim]),
    [
      ['PixelCNN++', 2.92],
      ['Glow', 3.35],
      ['RealNVP', 3.49],
    ],
  );
  assert.ok(
    section.published!.figures.every((f) => /\b(19|20)\d\d\b/.test(f.citation)),
    'each figure names its paper and year',
  );
  assert.match(section.published!.note, /^published, for scale \(not comparable: much larger models/);
  assert.equal(section.groups.length, 0, 'published figures are never ranked');
  for (const source of ['mnist:test', 'cifar10:train', '/data/my-cifar-folder'])
    assert.equal(densitySection({ ...empty, source }).published, undefined, source);
});

test('the report shows them apart from its own rows, in HTML view and Markdown, and the schema accepts them', async () => {
  const data = await buildFixtureReport({ likelihood: true });
  data.density!.published = densitySection({ ...empty, source: 'cifar10:test' }).published;
  assert.deepEqual(
    parseReportData(JSON.parse(JSON.stringify(data)), 'cifar.json').density!.published,
    data.density!.published,
  );
  const view = toViewModel(data).density!;
  assert.match(view.published!.heading, /^CIFAR-10 test .*: published, for scale \(not comparable/);
  assert.deepEqual(
    view.published!.rows.map((r) => r.bitsPerDim),
    ['2.92', '3.35', '3.49'],
  );
  assert.ok(!view.rows.some((r) => r.model === 'PixelCNN++'), 'not among the measured rows');
  const md = renderMarkdown(data);
  assert.match(
    md,
    /\*CIFAR-10 test .*published, for scale \(not comparable[^*]*\*\n\n\| Model \| bits\/dim \| Source \|/,
  );
  assert.match(md, /\| PixelCNN\+\+ \| 2\.92 \| Salimans/);
});
