/** Writes genmodel.json for a tiny test bundle into a fresh temp folder. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FORMAT } from '../../src/models/manifest.ts';

export function tinyBundleDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `genreport-${prefix}-`));
}

export function writeManifest(dir: string, fields: Record<string, unknown>): void {
  writeFileSync(join(dir, 'genmodel.json'), JSON.stringify({ format: MANIFEST_FORMAT, ...fields }));
}
