/**
 * The starter config `genreport init` writes is the schema's defaults, shows
 * every field, and stays valid when its commented-out fields are switched on;
 * docs/configuration.md is the same text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { configSchema, validateConfig } from '../../src/config/config.ts';
import { configReferencePage, EXAMPLES, starterConfig } from '../../src/config/starter-config.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('the starter config parses to exactly the defaults', () => {
  const text = starterConfig();
  const fromStarter = validateConfig(parse(text), 'genreport.yaml', '/base');
  const fromNothing = validateConfig(
    { models: ['my-gan', { path: 'samples.npz', name: 'my-samples' }] },
    'genreport.yaml',
    '/base',
  );
  assert.deepEqual(fromStarter, fromNothing);
});

test('the starter config names every field of the schema', () => {
  const text = starterConfig();
  type Node = { def: { type: string; innerType?: Node; shape?: Record<string, Node> } };
  const shape = (n: Node | undefined): Record<string, Node> | undefined => {
    while (n && n.def.type !== 'object') n = n.def.innerType;
    return n?.def.shape;
  };
  const walk = (s: Record<string, Node>, path: string): string[] =>
    Object.entries(s).flatMap(([k, n]) => {
      const inner = shape(n);
      return [`${path}${k}`, ...(inner ? walk(inner, `${path}${k}.`) : [])];
    });
  const fields = walk((configSchema as unknown as Node).def.shape!, '');
  assert.ok(fields.length > 40, `${fields.length} fields`);
  for (const field of fields) {
    const key = field.split('.').pop()!;
    assert.match(text, new RegExp(`^\\s*(#\\s+)?${key}:`, 'm'), `${field} missing`);
  }
});

test('switching on the commented-out fields gives a valid config with the examples', () => {
  const keys = new Set(Object.keys(EXAMPLES).map((k) => k.split('.').pop()!));
  keys.add('ratings').add('resamples');
  const on = starterConfig().replace(/^(\s*)#( +)(\w+):/gm, (line, indent: string, spaces: string, key: string) =>
    keys.has(key) ? `${indent}${spaces.slice(1)}${key}:` : line,
  );
  const config = validateConfig(parse(on), 'genreport.yaml', '/base');
  assert.equal(config.data.count, EXAMPLES['data.count']);
  assert.equal(config.data.stats, '/base/real-stats.npz');
  assert.deepEqual(config.metrics, EXAMPLES.metrics);
  assert.equal(config.human?.ratings, '/base/ratings.jsonl');
  assert.deepEqual(config.features, [{ spec: 'mnist-classifier' }]);
});

test('docs/configuration.md is the starter config (scripts/write-config-reference.ts)', () => {
  assert.equal(readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8'), configReferencePage());
});

test('genreport init writes the starter config and never overwrites one without --force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-init-'));
  const init = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/genreport.js'), 'init', dir, ...args], { encoding: 'utf8' });
  const first = init();
  assert.equal(first.status, 0, first.stderr);
  const path = join(dir, 'genreport.yaml');
  assert.equal(readFileSync(path, 'utf8'), starterConfig());
  writeFileSync(path, 'models: [mine]\n');
  const again = init();
  assert.equal(again.status, 2);
  assert.match(again.stderr, /genreport\.yaml: exists already/);
  assert.equal(readFileSync(path, 'utf8'), 'models: [mine]\n');
  assert.equal(init('--force').status, 0);
  assert.equal(readFileSync(path, 'utf8'), starterConfig());
});
