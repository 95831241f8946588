import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.ts';

test('the same seed gives the same stream; another seed another', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xs = Array.from({ length: 5 }, () => a.nextUint32());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b.nextUint32()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 5 }, () => c.nextUint32()),
  );
});

test('normals have mean 0 and variance 1 (n = 200,000; 5 standard errors)', () => {
  const rng = new Rng(1);
  const n = 200_000;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  const variance = sq / n - mean * mean;
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 5 * Math.sqrt(2 / n), `variance ${variance}`);
});

test('uniform lies in [0, 1) and int(n) covers [0, n) evenly', () => {
  const rng = new Rng(9);
  const counts = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    counts[rng.int(10)]++;
  }
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `bucket ${c}`);
});

test('choose draws distinct indices; forks are stable and independent', () => {
  const picked = new Rng(5).choose(100, 30);
  assert.equal(new Set(picked).size, 30);
  assert.ok(picked.every((i) => i >= 0 && i < 100));
  assert.equal(new Rng(5).fork('kid').uniform(), new Rng(5).fork('kid').uniform());
  assert.notEqual(new Rng(5).fork('kid').uniform(), new Rng(5).fork('bootstrap').uniform());
});

test('a clone continues the stream exactly, including a pending normal, and independently', () => {
  const rng = new Rng(3);
  rng.normal(); // leaves the second Box–Muller value pending
  const copy = rng.clone();
  const expected = [rng.normal(), rng.uniform(), rng.nextUint32()];
  assert.deepEqual([copy.normal(), copy.uniform(), copy.nextUint32()], expected);
  copy.uniform();
  assert.notEqual(copy.uniform(), rng.uniform(), 'the copy advanced on its own');
});
