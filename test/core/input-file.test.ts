import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenreportError } from '../../src/core/errors.ts';
import { readJsonInput, readYamlInput } from '../../src/core/input-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'genreport-input-file-'));

function inputErrorMessage(work: () => unknown): string {
  try {
    work();
  } catch (e) {
    assert.ok(e instanceof GenreportError && e.exitCode === 2, `an input error, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected an input error');
}

test('a missing file, a folder, bad JSON and bad YAML each give one message naming the file', () => {
  const missing = join(dir, 'nope.yaml');
  assert.equal(
    inputErrorMessage(() => readYamlInput(missing, 'config file not found')),
    `${missing}: config file not found`,
  );
  assert.equal(
    inputErrorMessage(() => readJsonInput(dir, 'report file not found')),
    `${dir}: is a folder, not a file`,
  );
  const json = join(dir, 'bad.json');
  writeFileSync(json, '{"a": 1,');
  assert.match(
    inputErrorMessage(() => readJsonInput(json, 'x')),
    new RegExp(`^${json}: is not valid JSON \\(`),
  );
  const yaml = join(dir, 'bad.yaml');
  writeFileSync(yaml, 'a: [1, 2\nb: 3\n');
  const message = inputErrorMessage(() => readYamlInput(yaml, 'x'));
  // The whole explanation, not cut at the colon that introduced the excerpt, and where.
  assert.equal(
    message,
    `${yaml}: is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (line 2, column 1: "b: 3")`,
  );
  assert.ok(!message.includes('\n'), 'one line: the excerpt is quoted, not printed');
});

test('good files parse', () => {
  const yaml = join(dir, 'ok.yaml');
  writeFileSync(yaml, 'a: [1, 2]\n');
  assert.deepEqual(readYamlInput(yaml, 'x'), { a: [1, 2] });
  const json = join(dir, 'ok.json');
  writeFileSync(json, '{"a": [1, 2]}');
  assert.deepEqual(readJsonInput(json, 'x'), { a: [1, 2] });
});
