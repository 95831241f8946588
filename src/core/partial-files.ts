/**
 * Files staged by atomic-file.ts (and the PDF printer) are named after the pid
 * that writes them, beside their target. A run killed while writing leaves
 * them behind; the next run into the folder removes those whose writer is
 * gone (and a run removes its own when it is stopped by a signal).
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processIsAlive } from './process-alive.ts';

/** atomic-file.ts's `.report.partial-123.html`, and render/pdf.ts's `.report.pdf.123.partial`. */
const PARTIALS = [/^\..*\.partial-(\d+)(\.[A-Za-z0-9]+)?$/, /^\..*\.(\d+)\.partial$/];

/** The pid that staged `name`, or null if it is not a staged file's name. */
export function partialWriter(name: string): number | null {
  for (const pattern of PARTIALS) {
    const match = pattern.exec(name);
    if (match) return Number(match[1]);
  }
  return null;
}

/**
 * Remove the staged files in `dir` whose writer `removable(pid)` says may go
 * (default: writers no longer running). Returns the names removed.
 */
export function removePartialFiles(
  dir: string,
  removable: (pid: number) => boolean = (pid) => !processIsAlive(pid),
): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = partialWriter(name);
    if (pid === null || !removable(pid)) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
