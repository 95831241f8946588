import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/render/markdown.ts';
import { buildFixtureReport } from './fixture-report.ts';

test('report.md: title, a verdict per axis, the scorecard with arrows, best, intervals and n/a, and the warnings', async () => {
  const md = renderMarkdown(await buildFixtureReport());
  const lines = md.split('\n');
  assert.equal(lines[0], '# MNIST generative models: weekly comparison');
  for (const axis of ['Fidelity', 'Diversity', 'Density (likelihood)', 'Invertibility', 'Speed']) assert.ok(lines.some((l) => l.startsWith(`- **${axis}**: `)), axis);
  assert.ok(lines.includes('| Model | FID ↓ | KID ↓ | Precision ↑ | Bits/dim ↓ |'));
  assert.ok(lines.includes('| dcgan-mnist (GAN) | **12.4** ★ [11.6, 13.4] | **0.0114 ± 0.0021** ★ | **0.812** ★ [0.797, 0.829] | n/a<sup>1</sup> |'));
  assert.ok(lines.includes('<sup>1</sup> n/a: Bits/dim: a GAN defines no likelihood'));
  assert.ok(md.includes('- ⚠️ Only 2,000 samples per model'));
});

test('user text cannot break the table or inject HTML, links or mentions', async () => {
  const data = await buildFixtureReport({ modelNames: ['gan|<img src=x onerror=alert(1)>', 'vae [x](http://e.com) @team #12\nnext'] });
  data.warnings.push('<script>alert(1)</script> **loud**');
  const md = renderMarkdown(data);
  const rows = md.split('\n').filter((l) => l.startsWith('| gan') || l.startsWith('| vae'));
  assert.equal(rows.length, 2, 'one line per model: the newline is folded');
  for (const row of rows) assert.equal(row.replaceAll('\\|', '').split('|').length, 7, 'an escaped | does not add a column');
  for (const unescaped of [/(^|[^\\])<img/, /(^|[^\\])<script/, /(^|[^\\])\]\(http/, /(^|[^\\])@team/, /(^|[^\\])#12/, /(^|[^\\])\*\*loud/]) {
    assert.doesNotMatch(md, unescaped);
  }
  assert.ok(md.includes('gan\\|\\<img src=x onerror=alert(1)\\>'));
});
