/**
 * Writes docs/configuration.md from the config schema (the starter config
 * `genreport init` writes). test/config/starter-config.test.ts fails when the
 * committed page and the schema part.
 */
import { writeFileSync } from 'node:fs';
import { configReferencePage } from '../src/config/starter-config.ts';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), configReferencePage());
