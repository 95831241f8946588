/**
 * Bad hybrid bundles: each problem names the file and the field, all are
 * reported at once, and the command line exits 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/core/backend.ts';
import type { GenreportError } from '../../src/core/errors.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { modelForBundle } from '../../src/models/families.ts';
import { validateManifest } from '../../src/models/manifest.ts';
import { writeTinyHybrid } from '../helpers/tiny-hybrid.ts';

await initBackend('wasm');
const root = resolve(import.meta.dirname, '../..');

const base = {
  format: 'genreport-model/1',
  name: 'h',
  family: 'hybrid',
  image: { height: 28, width: 28, channels: 1, range: [0, 1] },
  codes: { height: 7, width: 7, size: 64 },
  likelihood: { kind: 'bound', dataSpace: 'uint8-28x28x1', form: 'discretized-logistic' },
  components: { encoder: 'e.onnx', codebook: 'c.json', decoder: 'd.onnx', prior: 'p.onnx' },
};

function problems(raw: Record<string, unknown>): string[] {
  try {
    validateManifest(raw, 'h.json');
    return [];
  } catch (e) {
    return (e as GenreportError).problems.map((p) => `${p.file}: ${p.field}: ${p.message}`);
  }
}

test('a complete hybrid manifest passes; each missing or foreign field is named', () => {
  assert.deepEqual(problems(base), []);
  const { codes: _codes, ...noCodes } = base;
  assert.deepEqual(problems(noCodes), [
    'h.json: codes: a hybrid bundle must declare its code grid: { "height", "width", "size" } (positions and codebook vectors)',
  ]);
  assert.deepEqual(problems({ ...base, components: { encoder: 'e.onnx', decoder: 'd.onnx' } }), [
    'h.json: components.codebook: a hybrid bundle needs this component',
    'h.json: components.prior: a hybrid bundle needs its prior over the code grid: components.prior, or components.priorAbove and components.priorRow',
  ]);
  assert.deepEqual(problems({ ...base, components: { ...base.components, priorRow: 'r.onnx' } }), [
    'h.json: components: a hybrid bundle declares components.prior or components.priorAbove and components.priorRow, not both',
  ]);
  const { prior: _prior, ...noPrior } = base.components;
  assert.deepEqual(problems({ ...base, components: { ...noPrior, priorAbove: 'a.onnx' } }), [
    'h.json: components.priorRow: a split prior needs both priorAbove and priorRow',
  ]);
  assert.deepEqual(problems({ ...base, components: { ...noPrior, priorAbove: 'a.onnx', priorRow: 'r.onnx' } }), []);
  assert.deepEqual(problems({ ...base, likelihood: { kind: 'exact', dataSpace: 'uint8-28x28x1' } }), [
    'h.json: likelihood.kind: a hybrid likelihood is "bound", not "exact"',
    'h.json: likelihood.form: a hybrid bundle must declare this',
  ]);
  assert.deepEqual(problems({ ...base, codes: { height: 7, width: 0, size: 1 } }), [
    'h.json: codes.width: Too small: expected number to be >0',
    'h.json: codes.size: a codebook has at least 2 vectors',
  ]);
  assert.deepEqual(problems({ ...base, latent: { dim: 4, distribution: 'normal' } }), [
    "h.json: latent: a hybrid's latent is its grid of discrete codes: declare codes (and components.codebook), not latent",
  ]);
  assert.deepEqual(
    problems({
      ...base,
      family: 'vae',
      latent: { dim: 4, distribution: 'normal' },
      components: { encoder: 'e', decoder: 'd' },
    }),
    ['h.json: codes: only hybrid bundles declare a code grid, not a vae'],
  );
});

async function loadProblem(options: Parameters<typeof writeTinyHybrid>[0]): Promise<string> {
  try {
    const bundle = await loadBundle(await writeTinyHybrid(options));
    try {
      modelForBundle(bundle);
    } finally {
      disposeBundle(bundle);
    }
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

test('a codebook that does not match codes.size, a ragged codebook, and networks that do not fit the grid are refused with file and field', async () => {
  assert.match(
    await loadProblem({ manifest: { codes: { height: 1, width: 2, size: 4 } } }),
    /genmodel\.json: codes\.size: is 4, but the codebook .*codebook\.json has 3 vectors/,
  );
  assert.match(
    await loadProblem({ codebook: { vectors: [[0.1], [0.5, 0.2], [0.9]] } }),
    /codebook\.json: vectors\.1: must have 1 values, as vector 0 has, not 2/,
  );
  assert.match(await loadProblem({ codebook: { vectors: [[0.1], ['x'], [0.9]] } }), /codebook\.json: vectors\.1\.0: /);
  assert.match(
    await loadProblem({ manifest: { codes: { height: 1, width: 3, size: 3 } } }),
    /genmodel\.json: codes\.width: is 3, but components\.decoder takes \[n, 1, 2, 1\]/,
  );
  const missing = await loadProblem({
    manifest: {
      components: {
        encoder: 'encoder/model.json',
        codebook: 'nowhere.json',
        decoder: 'decoder/model.json',
        prior: 'prior/model.json',
      },
    },
  });
  assert.match(
    missing,
    /genmodel\.json: components\.codebook: nowhere\.json is not in the bundle \(codebook file not found\)/,
  );
});

test('genreport sample on a bad hybrid bundle exits 2 naming the file and the field', async () => {
  const dir = await writeTinyHybrid({
    manifest: {
      codes: { height: 1, width: 2, size: 4 },
      likelihood: { kind: 'exact', dataSpace: 'uint8-2x2x1', form: 'discretized-logistic' },
    },
  });
  const work = mkdtempSync(join(tmpdir(), 'genreport-hybrid-cli-'));
  const run = spawnSync(
    process.execPath,
    [join(root, 'bin/genreport.js'), 'sample', dir, '--n', '2', '--out', join(work, 's.npz'), '--backend', 'wasm'],
    { cwd: work, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /genmodel\.json: likelihood\.kind: a hybrid likelihood is "bound", not "exact"/);
});
