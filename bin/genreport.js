#!/usr/bin/env node
// genreport is written in TypeScript. `npm ci` (prepare) compiles it to dist/,
// which starts in a fraction of a second; a checkout whose src/ changed since
// that build (or that has no dist/) runs src/ through tsx, as before, so an
// edit takes effect without a build step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = new URL('../dist/cli/main.js', import.meta.url);

/** Newest modification time of the TypeScript under src/, 0 where there is no src/ (an installed package). */
function newestSource() {
  const src = `${root}src`;
  if (!existsSync(src)) return 0;
  let newest = statSync(src).mtimeMs;
  for (const name of readdirSync(src, { recursive: true }))
    newest = Math.max(newest, statSync(`${src}/${name}`).mtimeMs);
  return newest;
}

if (existsSync(compiled) && statSync(compiled).mtimeMs >= newestSource()) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
