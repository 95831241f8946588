/**
 * The commands that live in commands/, by name and one-liner, each with the
 * import that loads its options and work. main registers every command from
 * this list for --help, and loads only the one the command line names, so
 * that `genreport --help` or `genreport check` do not compile zod schemas,
 * YAML, the metric registry or the extractors of the other commands.
 */
import type { Argv, CommandModule } from 'yargs';

/** A command's options (builder) and work (handler): what commands/<name>.ts exports. */
export type CommandParts<A> = Required<Pick<CommandModule<object, A>, 'builder' | 'handler'>>;

export interface LazyCommand {
  /** The yargs command string: the name, then its positionals. */
  command: string;
  describe: string;
  /** Loads the command's file and adds the command, options and work, to the parser. */
  addTo: (parser: Argv) => Promise<Argv>;
}

function lazy<A>(command: string, describe: string, load: () => Promise<CommandParts<A>>): LazyCommand {
  return {
    command,
    describe,
    addTo: async (parser) => parser.command({ command, describe, ...(await load()) }) as unknown as Argv,
  };
}

export const LAZY_COMMANDS: readonly LazyCommand[] = [
  lazy(
    'check',
    'gate a release: compare a report.json with a baseline under regression rules',
    async () => (await import('./commands/check.ts')).checkCommand,
  ),
  lazy(
    'metrics',
    'compute metrics from two feature files (.npy/.npz from any framework), or from images with --extractor',
    async () => (await import('./commands/metrics.ts')).metricsCommand,
  ),
  lazy(
    'stats <source>',
    'cache reference statistics (mean, covariance, provenance) of real images for FID',
    async () => (await import('./commands/stats.ts')).statsCommand,
  ),
  lazy(
    'features <source>',
    'write the feature matrix of images (float32 n × d) as .npy, or .npz with class probabilities',
    async () => (await import('./commands/features.ts')).featuresCommand,
  ),
  lazy(
    'rate <config>',
    'serve a blind rating page (real or generated? which looks more real?) on 127.0.0.1 for the models of a run config',
    async () => (await import('./commands/rate.ts')).rateCommand,
  ),
  lazy(
    'sample <bundle>',
    'write the samples (and latents) a run with this seed draws from one model, as .npz',
    async () => (await import('./commands/sample.ts')).sampleCommand,
  ),
  lazy(
    'init [dir]',
    'write a commented starter config (every field, its default, what it does)',
    async () => (await import('./commands/init.ts')).initCommand,
  ),
];

/** The name a command line asks for: its first word that is not an option (yargs' global options, --help and --version, take no value). */
export function invokedCommand(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}

/** The name of a yargs command string ('stats <source>' → 'stats'). */
export const commandName = (command: string): string => command.split(' ')[0] ?? command;

/** Where a config's fields are documented, for run --help. */
export const CONFIG_REFERENCE =
  'Every config field, its default and what it does: `genreport init` writes them all (the same text is docs/configuration.md); samples/mnist/demo.yaml is a short example.';

/** Registers the commands of LAZY_COMMANDS: the invoked one with its options and work, the others by name and one-liner only (all --help needs). */
export async function addLazyCommands(parser: Argv, argv: readonly string[]): Promise<Argv> {
  const invoked = invokedCommand(argv);
  let y = parser;
  for (const c of LAZY_COMMANDS) {
    // A command listed but not loaded must never run as a silent no-op.
    const notLoaded = () => {
      throw new Error(
        `command "${commandName(c.command)}" ran without its module: the command line was read as naming "${invoked}"`,
      );
    };
    y = commandName(c.command) === invoked ? await c.addTo(y) : y.command(c.command, c.describe, {}, notLoaded);
  }
  return y;
}
