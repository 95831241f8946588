#!/usr/bin/env node
// The CLI is written in TypeScript and run through tsx, so a checkout works
// right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
