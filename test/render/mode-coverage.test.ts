import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modeCoverageChart } from '../../src/render/charts/mode-coverage.ts';
import { isInlineSafeSvg } from '../../src/render/svg-guard.ts';

test('the mode-coverage chart has one panel per model, bars as shares and the real shares as ticks', async () => {
  const chart = await modeCoverageChart({
    real: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
    models: [
      { model: 'healthy', counts: [9, 11, 10, 10, 10, 10, 10, 10, 10, 10] },
      { model: 'collapsed <7s>', counts: [0, 0, 0, 0, 0, 0, 0, 100, 0, 0] },
    ],
  });
  assert.ok(isInlineSafeSvg(chart.svg));
  assert.ok(chart.svg.includes('healthy') && chart.svg.includes('collapsed &lt;7s&gt;'));
  const values = (chart.spec as { data: { values: { model: string; class: string; generated: number; real: number }[] } }).data.values;
  assert.equal(values.length, 20);
  const sevens = values.find((v) => v.model === 'collapsed <7s>' && v.class === '7')!;
  assert.equal(sevens.generated, 1);
  assert.equal(sevens.real, 0.1);
});
