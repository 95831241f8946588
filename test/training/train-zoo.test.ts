import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { trainZoo } from '../../training/mnist/lib/train-zoo.ts';

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

const before = (events: string[], a: string, b: string) =>
  events.indexOf(a) >= 0 && events.indexOf(a) < events.indexOf(b);

const MEASURES = ['gan-dcgan', 'gan-dcgan-ema', 'gan-collapsed', 'flow-realnvp', 'vae-conv', 'ar-pixelcnn'].map(
  (bundle) => `${bundle} measure`,
);

test('the zoo trains every family, two at a time, and measures each bundle only after the classifier is retrained', async () => {
  const { runner, events, mostAtOnce } = fakeRunner({ classifier: 40, vae: 20, gans: 5 });
  await trainZoo({ seed: 7, backend: 'wasm', measure: true }, runner);
  for (const label of ['classifier', 'gans', 'flow', 'vae', 'autoregressive', ...MEASURES])
    assert.ok(events.includes(`end ${label}`), label);
  assert.equal(mostAtOnce(), 2, 'both cores, never more');
  assert.deepEqual(events.slice(0, 2).sort(), ['start classifier', 'start gans'], 'the lanes start at once');
  // The GANs finished first (5 ms < 40 ms) but are measured only once the classifier is done.
  assert.ok(before(events, 'end gans', 'end classifier'));
  assert.ok(before(events, 'end classifier', 'start vae'), 'lane 2: the classifier, then the VAE');
  for (const label of MEASURES) assert.ok(before(events, 'end classifier', `start ${label}`), label);
  assert.ok(before(events, 'end gans', 'start gan-collapsed measure'));
  assert.ok(before(events, 'end flow', 'start flow-realnvp measure'));
});

test('without measuring, nothing is measured; a failure in one lane is reported after the other lane ends', async () => {
  const { runner, events } = fakeRunner({ vae: 1, autoregressive: 30, flow: 1 }, 'vae');
  await assert.rejects(trainZoo({ seed: 7, backend: 'wasm', measure: false }, runner), /vae failed/);
  for (const label of MEASURES) assert.ok(!events.includes(`start ${label}`), label);
  assert.ok(!events.includes('start autoregressive'), 'the failed lane stops');
  assert.ok(events.includes('end flow'), 'the other lane runs to its end');
});
