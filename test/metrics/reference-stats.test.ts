import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/data/npy.ts';
import { fidFromFeatures } from '../../src/metrics/fid.ts';
import {
  provenanceMismatch,
  readReferenceStats,
  STATS_FORMAT,
  writeReferenceStats,
  type StatsProvenance,
} from '../../src/metrics/reference-stats.ts';
import { statsFromFeatures } from '../../src/metrics/stats/moments.ts';
import { loadCase } from './fixtures.ts';

const BIN = fileURLToPath(new URL('../../bin/genreport.js', import.meta.url));
const genreport = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

const provenance = (dim: number, rows: number): StatsProvenance => ({
  format: STATS_FORMAT,
  source: 'mnist:test',
  extractor: 'mnist-classifier',
  extractorHash: 'abc',
  layer: 'features',
  resize: 'none (28×28)',
  rows,
  dim,
});

test('stats files round-trip exactly; provenance mismatches are named field by field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-stats-'));
  try {
    const { real } = loadCase('gauss-n200-d16');
    const stats = statsFromFeatures(real);
    writeReferenceStats(join(dir, 'ref.npz'), { stats, provenance: provenance(16, 200) });
    const back = readReferenceStats(join(dir, 'ref.npz'));
    assert.deepEqual(back.stats, stats);
    assert.deepEqual(back.provenance, provenance(16, 200));
    assert.equal(provenanceMismatch(back.provenance, { ...provenance(16, 200) }), '');
    assert.equal(
      provenanceMismatch(back.provenance, { ...provenance(16, 200), source: 'mnist:train', resize: 'x' }),
      'source is "mnist:test", the run uses "mnist:train"; resize is "none (28×28)", the run uses "x"',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('genreport metrics --real cached.npz gives the same FID as from the features, and refuses other metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-stats-'));
  try {
    const { real, fake } = loadCase('gauss-n200-d16');
    writeReferenceStats(join(dir, 'ref.npz'), { stats: statsFromFeatures(real), provenance: provenance(16, 200) });
    writeNpy(join(dir, 'fake.npy'), { dtype: 'float64', shape: [fake.rows, fake.cols], data: fake.data });
    const r = genreport([
      'metrics',
      '--real',
      join(dir, 'ref.npz'),
      '--fake',
      join(dir, 'fake.npy'),
      '--metrics',
      'fid',
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { fid: fidFromFeatures(real, fake) });
    const refused = genreport(['metrics', '--real', join(dir, 'ref.npz'), '--fake', join(dir, 'fake.npy')]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /FID only/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('genreport stats mnist:test writes mu, sigma and the provenance numpy can read back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-stats-'));
  try {
    const out = join(dir, 'ref.npz');
    const r = genreport(['stats', 'mnist:test', '--limit', '200', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const { stats, provenance: p } = readReferenceStats(out);
    assert.equal(p.rows, 200);
    assert.equal(p.source, 'mnist:test');
    assert.equal(p.extractor, 'mnist-classifier');
    assert.match(p.extractorHash, /^[0-9a-f]{64}$/);
    assert.equal(stats.mean.length, p.dim);
    assert.equal(stats.cov.length, p.dim * p.dim);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
