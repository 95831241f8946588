#!/usr/bin/env node
// genreport is written in TypeScript. `npm ci` (prepare) compiles it to dist/,
// which starts in a fraction of a second; a checkout whose src/ changed since
// that build (or that has no dist/) runs src/ through tsx, as before, so an
// edit takes effect without a build step.
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from './dist-current.js';

if (distIsCurrent(fileURLToPath(new URL('..', import.meta.url)))) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
