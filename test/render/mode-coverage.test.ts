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
  const values = (
    chart.spec as { data: { values: { model: string; class: string; generated: number; real: number }[] } }
  ).data.values;
  assert.equal(values.length, 20);
  const sevens = values.find((v) => v.model === 'collapsed <7s>' && v.class === '7')!;
  assert.equal(sevens.generated, 1);
  assert.equal(sevens.real, 0.1);
});

test("class names label the bars in the classifier's order, and the caption names the real data instead of digits", async () => {
  const classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  const chart = await modeCoverageChart({
    real: Array(10).fill(10),
    models: [{ model: 'gan', counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 5] }],
    classes,
    data: 'cifar10:test',
  });
  const spec = chart.spec as {
    data: { values: { class: string; generated: number }[] };
    spec: { layer: { encoding: { x: { sort: string[]; axis?: { labelAngle: number } } } }[] };
  };
  assert.equal(spec.data.values.find((v) => v.class === 'truck')!.generated, 1);
  // Without an explicit order Vega-Lite sorts the names alphabetically, not in class order.
  assert.deepEqual(spec.spec.layer[0]!.encoding.x.sort, classes);
  assert.equal(spec.spec.layer[0]!.encoding.x.axis?.labelAngle, -45);
  assert.ok(chart.svg.includes('automobile'));
  assert.match(chart.caption, /each class; black ticks: each class's share of the real images \(cifar10:test\)\./);
  assert.doesNotMatch(chart.caption, /digit/);
});
