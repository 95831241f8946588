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
  if (existsSync(path) && !args.force)
    throw inputError(path, 'exists already; genreport init does not overwrite it (--force to replace it)');
  writeFileAtomic(path, starterConfig());
  const shown = relative(process.cwd(), path) || path;
  process.stderr.write(`wrote ${shown}\nNext: list your models under models:, then  npx genreport run ${shown}\n`);
  return path;
}

/** Options and work of `genreport init [dir]`; its name and one-liner are in ../command-list.ts, read without loading this file. */
export const initCommand: Required<Pick<CommandModule<object, InitArgs>, 'builder' | 'handler'>> = {
  builder: (y) =>
    y
      .positional('dir', { type: 'string', default: '.', describe: 'folder to write it in (created if missing)' })
      .option('name', { type: 'string', default: 'genreport.yaml', describe: 'file name of the config' })
      .option('force', { type: 'boolean', default: false, describe: 'replace an existing file of that name' })
      .example('$0 init experiments/cifar', 'writes experiments/cifar/genreport.yaml')
      .epilogue(
        `The same text, with every field explained, is docs/configuration.md. Paths in the config are relative to the config file.`,
      ),
  handler: (args) => {
    runInit(args);
  },
};
