import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { trainZoo } from '../../samples/lib/train-zoo.ts';

/** A fake runner: each script "runs" for the given milliseconds; the log records starts and ends. */
function fakeRunner(durations: Record<string, number>, failing?: string) {
  const events: string[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const runner = async (label: string, script: string, args: string[]) => {
    events.push(`start ${label}`);
    mostAtOnce = Math.max(mostAtOnce, ++running);
    assert.ok(script === 'train.ts' || script === 'measure.ts', script);
    assert.ok(args.includes('--seed') && args.includes('7'), `${label} gets the seed`);
    await sleep(durations[label] ?? 1);
    running--;
    events.push(`end ${label}`);
    if (label === failing) throw new Error(`${label} failed (exit code 1)`);
  };
  return { runner, events, mostAtOnce: () => mostAtOnce };
}

const before = (events: string[], a: string, b: string) => events.indexOf(a) >= 0 && events.indexOf(a) < events.indexOf(b);

test('the zoo trains every family, two at a time, and measures only after the classifier is retrained', async () => {
  const { runner, events, mostAtOnce } = fakeRunner({ classifier: 40, flow: 20, gan: 5 });
  await trainZoo({ seed: 7, backend: 'wasm', measure: true }, runner);
  for (const label of ['classifier', 'flow', 'flow measure', 'gan-collapsed', 'gan', 'vae', 'autoregressive']) assert.ok(events.includes(`end ${label}`), label);
  assert.equal(mostAtOnce(), 2, 'both cores, never more');
  assert.deepEqual(events.slice(0, 2).sort(), ['start classifier', 'start flow'], 'the flow, the longest, starts at once');
  // The flow finished first (20 ms < 40 ms) but is measured only once the classifier is done.
  assert.ok(before(events, 'end flow', 'end classifier'));
  assert.ok(before(events, 'end classifier', 'start flow measure'));
  for (const family of ['gan', 'vae', 'autoregressive', 'gan-collapsed']) assert.ok(before(events, 'end classifier', `start ${family}`), family);
});

test('without measuring, the flow is not measured; a failure in one lane is reported after the other lane ends', async () => {
  const { runner, events } = fakeRunner({ flow: 1, autoregressive: 30 }, 'flow');
  await assert.rejects(trainZoo({ seed: 7, backend: 'wasm', measure: false }, runner), /flow failed/);
  assert.ok(!events.includes('start flow measure'));
  assert.ok(!events.includes('start gan-collapsed'), 'the failed lane stops');
  assert.ok(events.includes('end autoregressive'), 'the other lane runs to its end');
});
