import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import { trainGan, type GanTrainOptions } from '../../training/mnist/gan/train.ts';

await initBackend('wasm');

/** A tiny DCGAN run: 8 feature maps, 4 images a step. */
function tiny(out: string, overrides: Partial<GanTrainOptions> = {}): GanTrainOptions {
  return {
    out,
    name: 'tiny',
    seed: 3,
    steps: 6,
    batchSize: 4,
    learningRate: 2e-4,
    emaDecay: 0.999,
    width: 8,
    backend: 'wasm',
    shipEma: false,
    ...overrides,
  };
}

const collapse = { fromStep: 4, generatorLearningRate: 2e-3, generatorSteps: 3 };

/**
 * Every file of a bundle folder, by name, except the card (it records seconds).
 * Layer names lose their numbers: tfjs counts layers per process, and these
 * runs share one (train:mnist gives each run a process of its own).
 */
function bundleFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'card.json') continue;
    const content = readFileSync(join(entry.parentPath, entry.name));
    files[join(entry.parentPath, entry.name).slice(dir.length)] =
      entry.name === 'model.json' ? content.toString('utf8').replace(/\d+(?=["/])/g, '') : content.toString('base64');
  }
  return files;
}

test('a collapsed run branched off a healthy one is bit for bit the collapsed run trained alone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gan-branch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await trainGan(tiny(join(dir, 'alone'), { collapse }));
  await trainGan(tiny(join(dir, 'healthy')), tiny(join(dir, 'branched'), { collapse }));
  await trainGan(tiny(join(dir, 'healthy-alone')));

  const alone = bundleFiles(join(dir, 'alone'));
  assert.deepEqual(Object.keys(alone).sort(), [
    '/generator/model.json',
    '/generator/weights.bin',
    '/genmodel.json',
    '/train-log.csv',
  ]);
  assert.deepEqual(bundleFiles(join(dir, 'branched')), alone);
  // The healthy run is not changed by carrying a branch.
  assert.deepEqual(bundleFiles(join(dir, 'healthy')), bundleFiles(join(dir, 'healthy-alone')));
  assert.notDeepEqual(bundleFiles(join(dir, 'healthy'))['/generator/weights.bin'], alone['/generator/weights.bin']);
  // Shared steps 1-3 are logged in both; from step 4 on, the runs differ.
  const rows = (name: string) =>
    readFileSync(join(dir, name, 'train-log.csv'), 'utf8')
      .trim()
      .split('\n');
  assert.deepEqual(rows('branched').slice(0, 4), rows('healthy').slice(0, 4));
  assert.notEqual(rows('branched')[4], rows('healthy')[4]);
});

test('a branch that shares no steps with the main run is refused', async () => {
  await assert.rejects(
    trainGan(tiny('/nonexistent/a'), tiny('/nonexistent/b', { collapse, seed: 4 })),
    /differs from the main run in seed/,
  );
  await assert.rejects(trainGan(tiny('/nonexistent/a'), tiny('/nonexistent/b')), /must be the collapsing run/);
  await assert.rejects(
    trainGan(tiny('/nonexistent/a'), tiny('/nonexistent/b', { collapse: { ...collapse, fromStep: 9 } })),
    /outside both runs/,
  );
});
