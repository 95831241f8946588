/**
 * `genreport init [dir]`: write a commented starter config, every field with
 * its default and what it does (config/starter-config.ts), for a new user to
 * edit rather than to write from the docs.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../../core/atomic-file.ts';
import { inputError } from '../../core/errors.ts';
import { starterConfig } from '../../config/starter-config.ts';

interface InitArgs {
  dir: string;
  name: string;
  force: boolean;
}

export function runInit(args: InitArgs): string {
  const path = resolve(args.dir, args.name);
  if (existsSync(path) && !args.force) throw inputError(path, 'exists already; genreport init does not overwrite it (--force to replace it)');
  writeFileAtomic(path, starterConfig());
  const shown = relative(process.cwd(), path) || path;
  process.stderr.write(`wrote ${shown}\nNext: list your models under models:, then  npx genreport run ${shown}\n`);
  return path;
}

export const initCommand: CommandModule<object, InitArgs> = {
  command: 'init [dir]',
  describe: 'write a commented starter config (every field, its default, what it does)',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', default: '.', describe: 'folder to write it in (created if missing)' })
      .option('name', { type: 'string', default: 'genreport.yaml', describe: 'file name of the config' })
      .option('force', { type: 'boolean', default: false, describe: 'replace an existing file of that name' })
      .example('$0 init experiments/cifar', 'writes experiments/cifar/genreport.yaml')
      .epilogue(`The same text, with every field explained, is docs/configuration.md. Paths in the config are relative to the config file.`),
  handler: (args) => {
    runInit(args);
  },
};

/** Where a config's fields are documented, for run --help. */
export const CONFIG_REFERENCE = 'Every config field, its default and what it does: `genreport init` writes them all (the same text is docs/configuration.md); samples/mnist/demo.yaml is a short example.';
