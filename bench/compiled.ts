/**
 * Whole-command timings must time what a user runs: the compiled dist/, not
 * src/ through tsx. bin/genreport.js falls back to tsx when src/ is newer
 * than dist/cli/main.js; this runs `npm run build` first in that case.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let checked = false;

/** Same test as bin/genreport.js: dist/cli/main.js at least as new as everything under src/. */
function distIsCurrent(): boolean {
  const compiled = `${ROOT}dist/cli/main.js`;
  if (!existsSync(compiled)) return false;
  let newest = statSync(`${ROOT}src`).mtimeMs;
  for (const name of readdirSync(`${ROOT}src`, { recursive: true }))
    newest = Math.max(newest, statSync(`${ROOT}src/${name}`).mtimeMs);
  return statSync(compiled).mtimeMs >= newest;
}

export function ensureCompiled(log: (line: string) => void = console.log): void {
  if (checked) return;
  checked = true;
  if (distIsCurrent()) return;
  log('dist/ is missing or older than src/: running `npm run build` so whole commands time the compiled code');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}
