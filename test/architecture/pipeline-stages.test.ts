/**
 * The timed stages are listed once, in src/pipeline/stage-timer.ts; the
 * diagram that opens src/pipeline.ts names each of them, in that order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { STAGES } from '../../src/pipeline/stage-timer.ts';

test("pipeline.ts's diagram names the timed stages in the stage timer's order", () => {
  const source = readFileSync(new URL('../../src/pipeline.ts', import.meta.url), 'utf8');
  const diagram = source.slice(0, source.indexOf('*/'));
  const firstAt = STAGES.map((stage) => ({ stage, at: diagram.search(new RegExp(`\\b${stage}\\b`)) }));
  assert.deepEqual(
    firstAt.filter((s) => s.at < 0).map((s) => s.stage),
    [],
    'stages the diagram does not name',
  );
  assert.deepEqual(
    [...firstAt].sort((a, b) => a.at - b.at).map((s) => s.stage),
    [...STAGES],
    'the diagram names the stages in another order than STAGES',
  );
});

test('the report lists its timings in that order, whatever order the stages ran in', async () => {
  const { stageTimer } = await import('../../src/pipeline/stage-timer.ts');
  const { timed, timings, add } = stageTimer();
  await timed('render', async () => undefined);
  await timed('load', async () => undefined);
  add({ stage: 'sample', seconds: 2 });
  add({ stage: 'sample', seconds: 0.5 });
  await timed('human', async () => undefined);
  assert.deepEqual(
    timings().map((t) => t.stage),
    ['human', 'load', 'sample', 'render'],
  );
  assert.equal(timings().find((t) => t.stage === 'sample')!.seconds, 2.5);
  // A copy: what a caller does with it never changes the timer's.
  timings()[0]!.seconds = 99;
  assert.notEqual(timings()[0]!.seconds, 99);
});
