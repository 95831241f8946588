/**
 * bin/genreport.js runs dist/ only where it is current: a checkout whose src/
 * changed after the build (an edited, added or removed file, however deep)
 * runs src/ through tsx instead, never stale compiled code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distIsCurrent } from '../../bin/dist-current.js';

/** A checkout with src/a.ts, src/deep/b.ts and dist/cli/main.js, every file and folder at time 1000 s but main.js at 2000 s. */
function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'genreport-dist-current-'));
  mkdirSync(join(root, 'src', 'deep'), { recursive: true });
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  for (const file of ['src/a.ts', 'src/deep/b.ts', 'dist/cli/main.js']) writeFileSync(join(root, file), '');
  for (const path of ['src', 'src/deep', 'src/a.ts', 'src/deep/b.ts']) utimesSync(join(root, path), 1000, 1000);
  utimesSync(join(root, 'dist/cli/main.js'), 2000, 2000);
  return root;
}

test('dist/ is current when nothing under src/ is newer than its main.js', () => {
  const root = checkout();
  try {
    assert.equal(distIsCurrent(root), true);
    rmSync(join(root, 'src'), { recursive: true });
    assert.equal(distIsCurrent(root), true, 'an installed package has no src/');
    rmSync(join(root, 'dist'), { recursive: true });
    assert.equal(distIsCurrent(root), false, 'no dist/');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an edited file deep in src/, or a folder whose entries changed, makes dist/ stale', () => {
  for (const changed of ['src/deep/b.ts', 'src/a.ts', 'src/deep', 'src']) {
    const root = checkout();
    try {
      utimesSync(join(root, changed), 3000, 3000);
      assert.equal(distIsCurrent(root), false, changed);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
});
