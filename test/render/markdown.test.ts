import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { buildFixtureReport } from './fixture-report.ts';

test('report.md: title, a verdict per axis, the scorecard with arrows, best, intervals and n/a, density and invertibility, and the warnings', async () => {
  const md = renderMarkdown(await buildFixtureReport({ likelihood: true }));
  const lines = md.split('\n');
  assert.equal(lines[0], '# MNIST generative models: weekly comparison');
  for (const axis of ['Fidelity', 'Diversity', 'Density (likelihood)', 'Invertibility', 'Speed'])
    assert.ok(
      lines.some((l) => l.startsWith(`- **${axis}**: `)),
      axis,
    );
  assert.ok(lines.includes('| Model | FID ↓ | KID ↓ | Precision ↑ | Bits/dim ↓ |'));
  assert.ok(
    lines.includes(
      '| dcgan-mnist (GAN) | **12.4** ★ [11.6, 13.4] | **0.0114 ± 0.0021** ★ | **0.812** ★ [0.797, 0.829] | n/a<sup>1</sup> |',
    ),
  );
  assert.ok(lines.includes('<sup>1</sup> n/a: Bits/dim: a GAN defines no likelihood'));
  assert.ok(md.includes('- ⚠️ Only 2,000 samples per model'));
  // Density and invertibility tables, and the GAN said plainly to have no density.
  assert.ok(lines.includes('| vae-mnist | IWAE, K = 64 | lower bound | 1.41 [1.39, 1.43] | 1,000 |'));
  assert.ok(
    lines.includes('| *independent pixels (reference)* | pixel histograms | exact | 1.62 [1.60, 1.64] | 1,000 |'),
  );
  assert.ok(lines.some((l) => l.startsWith('dcgan-mnist — no density: a GAN defines images')));
  assert.ok(lines.includes('| vae-mnist | encoder mean | MSE 0.0121 \\[0.0104, 0.0139\\] | 19.2 dB | 97% [89, 99] |'));
});

test('user text cannot break the table or inject HTML, links or mentions', async () => {
  const data = await buildFixtureReport({
    modelNames: ['gan|<img src=x onerror=alert(1)>', 'vae [x](http://e.com) @team #12\nnext'],
  });
  data.warnings.push('<script>alert(1)</script> **loud**');
  const md = renderMarkdown(data);
  const rows = md.split('\n').filter((l) => l.startsWith('| gan') || l.startsWith('| vae'));
  assert.equal(rows.length, 2, 'one line per model: the newline is folded');
  for (const row of rows)
    assert.equal(row.replaceAll('\\|', '').split('|').length, 7, 'an escaped | does not add a column');
  for (const unescaped of [
    /(^|[^\\])<img/,
    /(^|[^\\])<script/,
    /(^|[^\\])\]\(http/,
    /(^|[^\\])@team/,
    /(^|[^\\])#12/,
    /(^|[^\\])\*\*loud/,
  ]) {
    assert.doesNotMatch(md, unescaped);
  }
  assert.ok(md.includes('gan\\|\\<img src=x onerror=alert(1)\\>'));
});
