/**
 * Files land only when complete: each is written beside its target under a
 * temporary name and renamed over it, so a crash or a failed run never leaves
 * a half file or destroys the last good one.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  renameSync(stageFile(path, data), path);
}

/** Write `data` beside `path` under a temporary name and return that name. */
export function stageFile(path: string, data: string | Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  // The extension is kept last: Chromium decides how to show a file:// page by it.
  const ext = extname(path);
  const staged = join(dirname(path), `.${basename(path, ext)}.partial-${process.pid}${ext}`);
  writeFileSync(staged, data);
  return staged;
}
