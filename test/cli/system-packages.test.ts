import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missingSystemPackages, SYSTEM_NEEDS } from '../../src/cli/system-packages.ts';

test('the tests need what the demo needs and the PDF readers; a tool off PATH counts as missing', () => {
  for (const name of SYSTEM_NEEDS.demo) assert.ok((SYSTEM_NEEDS.tests as readonly string[]).includes(name), name);
  const path = process.env.PATH;
  try {
    process.env.PATH = '/nonexistent';
    assert.deepEqual(missingSystemPackages(['poppler-utils', 'strace']), ['poppler-utils', 'strace']);
  } finally {
    process.env.PATH = path;
  }
});
