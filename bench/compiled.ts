/**
 * Whole-command timings must time what a user runs: the compiled dist/, not
 * src/ through tsx. bin/genreport.js falls back to tsx when src/ is newer
 * than dist/cli/main.js; this runs `npm run build` first in that case.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from '../bin/dist-current.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let checked = false;

export function ensureCompiled(log: (line: string) => void = console.log): void {
  if (checked) return;
  checked = true;
  // The same test as bin/genreport.js.
  if (distIsCurrent(ROOT)) return;
  log('dist/ is missing or older than src/: running `npm run build` so whole commands time the compiled code');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}
