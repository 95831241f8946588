/**
 * One genreport at a time per output folder. Two runs writing into the same
 * --out would interleave report.html of one with report.json of the other, so
 * a run takes `<out>/.genreport.lock` (created atomically, holding its pid)
 * before any work and the second refuses at start. The lock goes when the run
 * ends, however it ends (core/exit-cleanup.ts); a lock whose pid is no longer
 * running is taken over with a one-line notice.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../core/errors.ts';
import { onExit } from '../core/exit-cleanup.ts';
import type { Logger } from '../core/logger.ts';
import { removePartialFiles } from '../core/partial-files.ts';
import { processIsAlive } from '../core/process-alive.ts';
import { assertOutputFolder } from './output-folder.ts';

export const LOCK_FILE = '.genreport.lock';

/** A lock still empty this young may be one being written right now. */
const FRESH_MS = 10_000;

/**
 * Check `out`, lock it, and remove what a killed run left there; the returned
 * function releases the lock (and the folder, if this run made it and left it empty).
 */
export function lockOutputFolder(out: string, logger: Pick<Logger, 'info' | 'warn'>, flag = '--out'): () => void {
  assertOutputFolder(out, flag);
  const created = !existsSync(out);
  mkdirSync(out, { recursive: true });
  const lock = join(out, LOCK_FILE);
  takeLock(lock, out, logger, flag);
  const release = () => {
    // Only our own staged files: nobody else writes here while we hold the lock.
    removePartialFiles(out, (pid) => pid === process.pid);
    if (readPid(lock) === process.pid) rmSync(lock, { force: true });
    if (created) {
      try {
        rmdirSync(out);
      } catch {
        // not empty: the report is in it
      }
    }
  };
  const unregister = onExit(release);
  const leftovers = removePartialFiles(out);
  if (leftovers.length > 0)
    logger.info(
      `removed ${leftovers.length} half-written file${leftovers.length === 1 ? '' : 's'} left in ${out} by a run that was stopped: ${leftovers.join(', ')}`,
    );
  return () => {
    unregister();
    release();
  };
}

function takeLock(lock: string, out: string, logger: Pick<Logger, 'warn'>, flag: string): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(lock, out, flag)) return;
    const holder = readPid(lock);
    if (holder === undefined) continue; // gone meanwhile: try again
    if (holder === null ? isFresh(lock) : processIsAlive(holder)) {
      throw inputError(
        undefined,
        `another genreport (pid ${holder ?? 'unknown'}) is writing into ${out}; wait for it or choose another --out`,
        flag,
      );
    }
    if (takeOverStale(lock, holder))
      logger.warn(`${lock}: took over the lock of genreport pid ${holder ?? 'unknown'}, which is no longer running`);
  }
  throw inputError(
    undefined,
    `could not lock ${out} (${LOCK_FILE} keeps changing); is another genreport starting there?`,
    flag,
  );
}

/** Create the lock holding our pid; false if it exists. */
function tryCreate(lock: string, out: string, flag: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw inputError(out, `cannot create the lock file ${LOCK_FILE} (${(e as Error).message})`, flag);
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The pid in the lock; null if unreadable as one; undefined if the lock is gone. */
function readPid(lock: string): number | null | undefined {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8').trim();
  } catch {
    return undefined;
  }
  return /^\d+$/.test(text) ? Number(text) : null;
}

function isFresh(lock: string): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs < FRESH_MS;
  } catch {
    return false;
  }
}

/**
 * Move the stale lock aside atomically, then check it was the stale one: if
 * another starting run replaced it in between, put that run's lock back.
 */
function takeOverStale(lock: string, stalePid: number | null): boolean {
  const aside = `${lock}.stale-${process.pid}`;
  try {
    renameSync(lock, aside);
  } catch {
    return false; // someone else moved it first
  }
  if (readPid(aside) !== stalePid) {
    renameSync(aside, lock);
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}
