/**
 * Chromium trees that a killed genreport left behind. Each print runs
 * Chromium in its own process group with a fresh profile folder
 * `<tmp>/genreport-chromium-*`, and writes there who owns it. A run killed
 * with SIGKILL cannot close its browser; the next print finds the folder,
 * sees the owner is dead, kills the browser's process group (only if that
 * process still runs with this very profile, so a recycled pid is never hit)
 * and removes the folder.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROFILE_PREFIX = 'genreport-chromium-';
const OWNER_FILE = 'genreport-owner.json';

interface Owner {
  /** The genreport process that launched the browser. */
  pid: number;
  /** The browser's pid, also its process group (puppeteer starts it detached). */
  browser?: number;
}

export function writeOwner(profileDir: string, owner: Owner): void {
  writeFileSync(join(profileDir, OWNER_FILE), JSON.stringify(owner));
}

/** Kill the browser group of every profile folder in `dir` whose owner is dead; returns the browser pids killed. */
export function killLeftoverBrowsers(dir: string = tmpdir()): number[] {
  const killed: number[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.startsWith(PROFILE_PREFIX));
  } catch {
    return killed;
  }
  for (const name of names) {
    const profile = join(dir, name);
    const owner = readOwner(profile);
    // No owner file: not ours to judge (or being set up right now); a live owner: still printing.
    if (!owner || owner.pid === process.pid || isAlive(owner.pid)) continue;
    if (owner.browser && runsWithProfile(owner.browser, profile)) {
      killGroup(owner.browser);
      killed.push(owner.browser);
    }
    rmSync(profile, { recursive: true, force: true });
  }
  return killed;
}

/** SIGKILL the process group led by `pid`, or the process alone where the group cannot be signalled. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function readOwner(profile: string): Owner | null {
  try {
    const owner = JSON.parse(readFileSync(join(profile, OWNER_FILE), 'utf8')) as Owner;
    return Number.isInteger(owner.pid) ? owner : null;
  } catch {
    return null;
  }
}

/** Running and not a zombie (a killed child waiting for its parent counts as dead). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** The process's command line names this profile folder (Linux /proc; elsewhere we cannot tell, so no). */
function runsWithProfile(pid: number, profile: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(`--user-data-dir=${profile}`);
  } catch {
    return false;
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * While printing, a SIGINT/SIGTERM/SIGHUP runs `cleanup` (kill the browser
 * group, remove partial files) and then ends the process by the same signal,
 * so the caller still sees how it died. Returns the function that detaches.
 */
export function cleanUpOnSignals(cleanup: () => void): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    detach();
    cleanup();
    process.kill(process.pid, signal);
  };
  const detach = (): void => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return detach;
}
