/** The message catalogue: one wording per error, held here by exact text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inputError, MESSAGES } from '../../src/core/errors.ts';

test('unknown metrics: one wording, singular and plural, with what is known', () => {
  assert.equal(MESSAGES.unknownMetrics(['fidd'], ['fid', 'kid']), 'unknown metric "fidd"; known: fid, kid');
  assert.equal(MESSAGES.unknownMetrics(['a', 'b'], ['fid']), 'unknown metrics "a", "b"; known: fid');
  assert.equal(
    inputError('run.yaml', MESSAGES.unknownMetrics(['x'], ['fid']), 'metrics').message,
    'run.yaml: metrics: unknown metric "x"; known: fid',
  );
});
