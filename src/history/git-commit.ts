/** The commit a run was made from, for the history record: null outside a git work tree or without git. */
import { execFileSync } from 'node:child_process';

export function currentGitCommit(cwd: string = process.cwd()): string | null {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return /^[0-9a-f]{40,64}$/.test(sha) ? sha : null;
  } catch {
    return null;
  }
}
