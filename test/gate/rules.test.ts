import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenreportError } from '../../src/core/errors.ts';
import { DEFAULT_RULE, readRules, ruleFor, validateRules } from '../../src/gate/rules.ts';

const dir = mkdtempSync(join(tmpdir(), 'genreport-rules-'));

test('a rules file overrides per metric; unlisted metrics use the default, and beyondUncertainty defaults to true', () => {
  const path = join(dir, 'gates.yaml');
  writeFileSync(
    path,
    'default: { relative: 0.1 }\nmetrics:\n  fid: { absolute: 1.5 }\n  precision: { absolute: 0.02, beyondUncertainty: false }\n',
  );
  const rules = readRules(path);
  assert.deepEqual(ruleFor(rules, 'fid'), { absolute: 1.5, beyondUncertainty: true });
  assert.deepEqual(ruleFor(rules, 'precision'), { absolute: 0.02, beyondUncertainty: false });
  assert.deepEqual(ruleFor(rules, 'kid'), { relative: 0.1, beyondUncertainty: true });
});

test('an empty rules file means the built-in default', () => {
  assert.deepEqual(ruleFor(validateRules(null, 'gates.yaml'), 'fid'), DEFAULT_RULE);
});

test('every problem in a rules file is reported together, with file and field', () => {
  assert.throws(
    () =>
      validateRules(
        { metrics: { fid: { absolute: 1, relative: 0.1 }, kid: { relative: -1 } }, extra: 1 },
        'gates.yaml',
      ),
    (e: unknown) => {
      assert.ok(e instanceof GenreportError);
      assert.equal(e.exitCode, 2);
      const fields = e.problems.map((p) => `${p.file}: ${p.field}`);
      assert.ok(fields.includes('gates.yaml: metrics.fid'), fields.join('; '));
      assert.ok(fields.includes('gates.yaml: metrics.kid.relative'), fields.join('; '));
      assert.match(e.message, /metrics\.fid: give exactly one of absolute or relative/);
      assert.match(e.message, /extra/);
      return true;
    },
  );
});

test('a missing or malformed rules file is bad input naming the file', () => {
  assert.throws(() => readRules(join(dir, 'absent.yaml')), /absent\.yaml: rules file not found/);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'metrics: [unclosed\n');
  assert.throws(() => readRules(bad), /bad\.yaml: is not valid YAML/);
});
