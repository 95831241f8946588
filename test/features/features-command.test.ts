/**
 * `genreport features` and `genreport metrics --extractor` with an ONNX
 * file (and the same network as a tfjs LayersModel), end to end through the CLI, against PyTorch's features and numpy's
 * FID of them (test/fixtures/features, scripts/reference/make-feature-fixtures.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../../src/data/npy.ts';
import { readNpz } from '../../src/data/npz.ts';
import { maxRelative } from '../helpers/relative-error.ts';

const BIN = fileURLToPath(new URL('../../bin/genreport.js', import.meta.url));
const FIX = fileURLToPath(new URL('../fixtures/features/', import.meta.url));
const NET = join(FIX, 'tiny-inception.onnx');
const reference = JSON.parse(readFileSync(join(FIX, 'reference.json'), 'utf8'));

function genreport(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("genreport features writes PyTorch's features (1e-5 relative) as float32 n × d .npy", () => {
  const out = join(mkdtempSync(join(tmpdir(), 'genreport-features-')), 'b.npy');
  const r = genreport(['features', join(FIX, 'images-b'), '--extractor', NET, '--out', out, '--batch-size', '10']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /features: ONNX tiny-inception\.onnx \[onnx\], output features .*16-d.*onnxruntime-node 1\.30\.0, cpu/,
  );
  assert.match(r.stderr, /wrote .*b\.npy: 24 × 16 float32 features/);
  const ours = readNpy(out);
  const theirs = readNpy(join(FIX, 'features-b.npy'));
  assert.equal(ours.dtype, 'float32');
  assert.deepEqual(ours.shape, [24, 16]);
  const rel = maxRelative(ours.data as Float32Array, theirs.data as Float32Array, 16);
  process.stderr.write(`genreport features vs PyTorch: max relative error ${rel.toExponential(2)}\n`);
  assert.ok(rel <= 1e-5, `max relative error ${rel}`);
});

test("genreport metrics --extractor net.onnx gives the FID of PyTorch's features (1e-6 relative), and its two terms and CMMD", () => {
  const r = genreport([
    'metrics',
    '--real',
    join(FIX, 'images-a'),
    '--fake',
    join(FIX, 'images-b'),
    '--extractor',
    NET,
    '--metrics',
    'fid,fid-mean-term,fid-cov-term,cmmd',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  process.stderr.write(
    `FID ${json.fid} vs numpy ${reference.fid}: relative ${rel(json.fid, reference.fid).toExponential(2)}\n`,
  );
  assert.ok(rel(json.fid, reference.fid) <= 1e-6, `FID ${json.fid} vs ${reference.fid}`);
  assert.ok(rel(json.fid_mean_term + json.fid_cov_term, json.fid) < 1e-12);
  assert.ok(rel(json.fid_mean_term, reference.fid_mean_term) <= 1e-5);
  assert.ok(rel(json.cmmd, reference.cmmd_features) <= 1e-4);
});

test("the same network as a tfjs LayersModel: genreport metrics gives the FID of PyTorch's features (1e-6 relative), genreport features its features (1e-5)", () => {
  const tfjs = join(FIX, 'tiny-inception-tfjs', 'model.json');
  const r = genreport([
    'metrics',
    '--real',
    join(FIX, 'images-a'),
    '--fake',
    join(FIX, 'images-b'),
    '--extractor',
    tfjs,
    '--metrics',
    'fid,fid-mean-term',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  process.stderr.write(
    `tfjs FID ${json.fid} vs numpy ${reference.fid}: relative ${rel(json.fid, reference.fid).toExponential(2)}\n`,
  );
  assert.ok(rel(json.fid, reference.fid) <= 1e-6, `FID ${json.fid} vs ${reference.fid}`);
  assert.ok(rel(json.fid_mean_term, reference.fid_mean_term) <= 1e-5);
  const out = join(mkdtempSync(join(tmpdir(), 'genreport-features-')), 'a.npz');
  const f = genreport(['features', join(FIX, 'images-a'), '--extractor', tfjs, '--out', out]);
  assert.equal(f.code, 0, f.stderr);
  assert.match(f.stderr, /features: tiny Inception \(tfjs\) \[tfjs\], output pool .*16-d/);
  const arrays = readNpz(out);
  assert.ok(
    maxRelative(arrays.features!.data as Float32Array, readNpy(join(FIX, 'features-a.npy')).data as Float32Array, 16) <=
      1e-5,
  );
  assert.deepEqual(arrays.probabilities!.shape, [24, 3]);
});

test('genreport features .npz holds features and class probabilities', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-features-'));
  const model = join(dir, 'classifier.onnx');
  copyFileSync(join(FIX, 'classifier.onnx'), model);
  writeFileSync(
    `${model}.extractor.json`,
    JSON.stringify({ features: 'embedding', probabilities: 'probs', classes: ['x', 'y', 'z'] }),
  );
  const out = join(dir, 'f.npz');
  const r = genreport(['features', join(FIX, 'images-a'), '--extractor', model, '--out', out, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const arrays = readNpz(out);
  assert.deepEqual(arrays.features!.shape, [24, 6]);
  assert.deepEqual(arrays.probabilities!.shape, [24, 3]);
  assert.equal(arrays.probabilities!.dtype, 'float32');
});

test('bad input exits 2 naming the file and field, and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-features-'));
  const model = join(dir, 'net.onnx');
  copyFileSync(NET, model);
  writeFileSync(`${model}.extractor.json`, JSON.stringify({ layout: 'NCHW', colours: 3 }));
  const out = join(dir, 'f.npy');
  const r = genreport(['features', join(FIX, 'images-a'), '--extractor', model, '--out', out]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /net\.onnx\.extractor\.json: colours: unknown field/);
  assert.equal(existsSync(out), false);
  const preset = genreport([
    'metrics',
    '--real',
    join(FIX, 'images-a'),
    '--fake',
    join(FIX, 'images-b'),
    '--extractor',
    `inception-fid=${NET}`,
  ]);
  assert.equal(preset.code, 2);
  assert.match(preset.stderr, /tiny-inception\.onnx: preset: .*preset "inception-fid" needs 2048/);
});

test('metrics refuses cached statistics made with another extractor, naming the field', async () => {
  const { runStats } = await import('../../src/cli/commands/stats.ts');
  const { runMetrics } = await import('../../src/cli/commands/metrics.ts');
  const { GenreportError } = await import('../../src/core/errors.ts');
  const dir = mkdtempSync(join(tmpdir(), 'genreport-features-'));
  const ref = join(dir, 'ref.npz');
  await runStats({ source: join(FIX, 'images-a'), extractor: NET, out: ref, 'batch-size': 8 });
  const other = join(dir, 'other.onnx');
  copyFileSync(join(FIX, 'classifier.onnx'), other);
  const args = {
    real: ref,
    fake: join(FIX, 'images-b'),
    metrics: ['fid'],
    json: true,
    extractor: other,
    'kid-subsets': 100,
    'kid-subset-size': 1000,
    'pr-k': 3,
    'prdc-k': 5,
    seed: 0,
    bootstrap: 0,
    'batch-size': 8,
  };
  await assert.rejects(
    runMetrics(args),
    (e: unknown) =>
      e instanceof GenreportError &&
      e.exitCode === 2 &&
      /ref\.npz: provenance\.extractorHash: was made with extractorHash "1b12300a/.test(e.message),
  );
});
