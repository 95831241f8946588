/**
 * genreport's command line. The only place that calls process.exit:
 * 0 success, 1 an internal fault, 2 bad input (file, config, model output).
 */
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { RunConfig } from '../config/config.ts';
import { BACKEND_CHOICES, type BackendPreference } from '../core/backend.ts';
import { GenreportError, inputError, MESSAGES } from '../core/errors.ts';
import { ChecksFailed } from './checks-failed.ts';
import { addLazyCommands, CONFIG_REFERENCE } from './command-list.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import type { RunResult } from '../pipeline.ts';
import { wholeNumber } from './number-flags.ts';
import { lockOutputFolder } from './output-lock.ts';

/** The shipped demos: `genreport demo` (MNIST) and `genreport demo cifar10`, each a config under samples/<dataset>/ and its own output folder. */
const DEMOS = {
  mnist: {
    config: 'samples/mnist/demo.yaml',
    out: join('reports', 'demo'),
    what: 'the MNIST sample models on MNIST test',
    ready: async () => {},
  },
  cifar10: {
    config: 'samples/cifar10/demo.yaml',
    out: join('reports', 'demo-cifar10'),
    what: "the CIFAR-10 zoo on CIFAR-10 test, in the CIFAR-10 classifier's features",
    // The data is a devDependency: where it is missing, say how to get it before installing anything else.
    ready: async () => void (await import('../data/cifar10.ts')).cifar10DataDir(),
  },
} as const;
type DemoName = keyof typeof DEMOS;
const demoConfig = (name: DemoName) => fileURLToPath(new URL(`../../${DEMOS[name].config}`, import.meta.url));

interface RunFlags {
  out?: string;
  backend: BackendPreference;
  seed?: unknown;
  samples?: unknown;
  pdf: boolean;
  paper?: 'A4' | 'Letter';
  template?: string;
  history?: string;
  cache: boolean;
  fresh: boolean;
  quiet: boolean;
  shard?: unknown;
  shards?: unknown;
}

/** What shapes a report however its numbers were made: paper, templates and history (run, demo and merge). */
function reportOptions<T>(y: Argv<T>) {
  return y
    .option('paper', { choices: ['A4', 'Letter'] as const, describe: 'PDF paper size (overrides the config)' })
    .option('template', {
      type: 'string',
      describe: 'folder whose report.hbs, report.css and partials/ replace the built-in templates',
    })
    .option('history', {
      type: 'string',
      describe: 'JSON-lines history: the report shows the trend from it, and this run is appended',
    });
}

function runOptions(y: Argv): Argv<RunFlags> {
  return reportOptions(
    y
      .option('out', { type: 'string', describe: 'output folder for report.html, report.pdf and report.json' })
      .option('backend', {
        choices: BACKEND_CHOICES,
        default: 'auto' as BackendPreference,
        describe: 'TensorFlow.js backend: auto tries tensorflow (tfjs-node-gpu), then wasm, then cpu',
      })
      // No `type: 'number'`: yargs would turn "abc" into NaN; runCommand parses them (number-flags.ts).
      .option('seed', {
        requiresArg: true,
        describe: 'seed for latents, subsets and resamples (overrides the config) [number]',
      })
      .option('samples', {
        requiresArg: true,
        describe: "generated images per model (overrides the config's samples and every model's own) [number]",
      })
      .option('pdf', { type: 'boolean', default: true, describe: 'print report.pdf with Chromium (--no-pdf to skip)' }),
  )
    .option('cache', {
      type: 'boolean',
      default: true,
      describe:
        'reuse per-model results kept in <out>/.genreport-cache for the same config, seed and bundle, so a rerun after a crash resumes (--no-cache: neither read nor write them)',
    })
    .option('fresh', {
      type: 'boolean',
      default: false,
      describe: 'measure every model again, ignoring cached results (new results are still kept)',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'print only warnings and the result' })
    .option('shard', {
      requiresArg: true,
      describe:
        'i/n: do shard i (0 to n-1) of a run split across n machines: the samples with index ≡ i (mod n) of every model, the same share of the real images, ' +
        'and density, invertibility and truncation of the models at config positions ≡ i (mod n). Writes a partial into --out, not a report; ' +
        '"genreport merge" makes the report from all n (docs/sharding.md) [string]',
    })
    .option('shards', {
      requiresArg: true,
      describe:
        'n: as --shard, with i read from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm job array) [number]',
    }) as Argv<RunFlags>;
}

// Each command imports what it needs when it runs: tfjs, vega, sharp and
// puppeteer are not loaded for --help, check or metrics.
async function runCommand(configPath: string, flags: RunFlags, defaultOut: string, logger: Logger): Promise<void> {
  // A bad --shard stops before anything loads.
  const { parseShard } = await import('../pipeline/shard.ts');
  const shard = parseShard(flags);
  const [{ readConfig }, { METRICS }, { runPipeline }, { assertEnoughSamples }] = await Promise.all([
    import('../config/config.ts'),
    import('../metrics/registry.ts'),
    import('../pipeline.ts'),
    import('../pipeline/check-inputs.ts'),
  ]);
  const { config } = readConfig(configPath);
  const unknown = (config.metrics ?? []).filter((id) => !METRICS.some((m) => m.id === id));
  if (unknown.length > 0) {
    throw inputError(
      configPath,
      MESSAGES.unknownMetrics(
        unknown,
        METRICS.map((m) => m.id),
      ),
      'metrics',
    );
  }
  const merged: RunConfig = {
    ...config,
    seed: flags.seed === undefined ? config.seed : wholeNumber('--seed', 0)(flags.seed),
    samples: flags.samples === undefined ? config.samples : wholeNumber('--samples', 1)(flags.samples),
    // --samples sets every model's count, its own `samples` included.
    models:
      flags.samples === undefined
        ? config.models
        : config.models.map((m) => (typeof m === 'string' ? m : { ...m, samples: undefined })),
    output: { pdf: flags.pdf && config.output.pdf, paper: flags.paper ?? config.output.paper },
  };
  // Everything that needs no model is checked before any work.
  assertEnoughSamples(merged, merged.metrics ?? METRICS.map((m) => m.id), {
    file: configPath,
    samplesField: flags.samples === undefined ? 'samples' : '--samples',
  });
  if (shard) {
    if (flags.history)
      throw inputError(
        undefined,
        'goes with "genreport merge": a shard writes a partial, not a report, so it has no run to append',
        '--history',
      );
    const out = resolve(flags.out ?? join(defaultOut, `part-${shard.index}`));
    const release = lockOutputFolder(out, logger);
    try {
      const { runShard } = await import('../pipeline.ts');
      const { files } = await runShard(merged, {
        out,
        shard,
        backend: flags.backend,
        command: `genreport ${process.argv.slice(2).join(' ')}`,
        logger,
        configFile: configPath,
      });
      process.stderr.write(
        `wrote shard ${shard.index} of ${shard.count} into ${out} (${files.length} files); merge all ${shard.count} with: genreport merge <partial folders> --out <report folder>\n`,
      );
    } finally {
      release();
    }
    return;
  }
  const out = resolve(flags.out ?? defaultOut);
  const release = lockOutputFolder(out, logger);
  try {
    const result = await runPipeline(merged, {
      out,
      backend: flags.backend,
      command: `genreport ${process.argv.slice(2).join(' ')}`,
      logger,
      templateDir: flags.template,
      history: flags.history,
      cache: !flags.cache ? 'off' : flags.fresh ? 'fresh' : 'reuse',
      configFile: configPath,
    });
    report(result, logger);
  } finally {
    release();
  }
}

function report(result: RunResult, logger: Logger): void {
  for (const w of result.data.warnings) logger.warn(w);
  process.stderr.write(`wrote ${result.files.join(', ')}\n`);
  if (result.pdfSkipped) process.stderr.write(`PDF skipped: ${result.pdfSkipped}\n`);
}

async function mergeCommand(
  dirs: string[],
  flags: { out?: string; pdf: boolean; paper?: 'A4' | 'Letter'; template?: string; history?: string; quiet: boolean },
): Promise<void> {
  const logger = createLogger({ quiet: flags.quiet });
  const { mergePartials } = await import('../pipeline.ts');
  const out = resolve(flags.out ?? join('reports', 'merged'));
  const release = lockOutputFolder(out, logger);
  try {
    const result = await mergePartials(dirs, {
      out,
      command: `genreport ${process.argv.slice(2).join(' ')}`,
      logger,
      templateDir: flags.template,
      history: flags.history,
      output: { ...(flags.pdf ? {} : { pdf: false }), ...(flags.paper ? { paper: flags.paper } : {}) },
    });
    report(result, logger);
  } finally {
    release();
  }
}

async function renderCommand(
  jsonPath: string,
  flags: { out?: string; pdf: boolean; paper?: 'A4' | 'Letter'; template?: string },
): Promise<void> {
  const { parseReportData } = await import('../assemble/report-schema.ts');
  const { readJsonInput } = await import('../core/input-file.ts');
  const [{ renderHtml }, { outputPaths, writeRendered }] = await Promise.all([
    import('../render/html.ts'),
    import('../pipeline/write-outputs.ts'),
  ]);
  const data = parseReportData(readJsonInput(jsonPath, 'report file not found'), jsonPath);
  const out = resolve(flags.out ?? join(resolve(jsonPath, '..')));
  const release = lockOutputFolder(out, createLogger({ quiet: true }));
  try {
    // The same writer as `run`: staged, renamed only once the PDF printed.
    const paths = outputPaths(out, basename(jsonPath, extname(jsonPath)));
    const written = await writeRendered(data, await renderHtml(data, { templateDir: flags.template }), paths, {
      pdf: flags.pdf,
      paper: flags.paper ?? 'A4',
    });
    if (written.pdfSkipped) process.stderr.write(`PDF skipped: ${written.pdfSkipped}\n`);
    process.stderr.write(`wrote ${written.files.join(', ')}\n`);
  } finally {
    release();
  }
}

export async function main(argv: string[]): Promise<number> {
  const commandsAbove = yargs(argv)
    .scriptName('genreport')
    .usage(
      'genreport — compare deep generative image models (GAN, VAE, flow, autoregressive;\n' +
        'TensorFlow.js, ONNX or samples) and write the comparison as HTML, PDF, JSON, Markdown and LaTeX.\n\n' +
        'Usage: $0 <command> [options]',
    )
    .command(
      'run <config>',
      'run the comparison a YAML config describes',
      (y) =>
        runOptions(y)
          .positional('config', { type: 'string', describe: 'YAML config: models, real data, samples, seed, metrics' })
          .epilogue(CONFIG_REFERENCE),
      async (args) => {
        const config = args.config as string;
        await runCommand(
          config,
          args,
          join('reports', basename(config, extname(config))),
          createLogger({ quiet: args.quiet }),
        );
      },
    )
    .command(
      'demo [data]',
      'compare the shipped sample models: on MNIST test (writes reports/demo/), or with `demo cifar10` the CIFAR-10 zoo on CIFAR-10 test (writes reports/demo-cifar10/)',
      (y) =>
        runOptions(y)
          .positional('data', {
            choices: Object.keys(DEMOS) as DemoName[],
            default: 'mnist' as DemoName,
            describe: Object.entries(DEMOS)
              .map(([name, demo]) => `${name}: ${demo.what} (${demo.config})`)
              .join('; '),
          })
          .option('install', {
            type: 'boolean',
            default: true,
            describe: 'install missing system parts (Chromium for the PDF, OpenBLAS) when run as root',
          }),
      async (args) => {
        const logger = createLogger({ quiet: args.quiet });
        const demo = args.data as DemoName;
        await DEMOS[demo].ready();
        if (args.install) (await import('./system-packages.ts')).ensureSystemPackages(logger, { pdf: args.pdf });
        await runCommand(demoConfig(demo), args, DEMOS[demo].out, logger);
      },
    )
    .command(
      'render <report>',
      're-render report.html, .pdf, .md and table.tex from a report.json (checked against schema/report.schema.json)',
      (y) =>
        y
          .positional('report', { type: 'string', describe: 'a report.json written by genreport' })
          .option('out', { type: 'string', describe: 'output folder (default: beside the report)' })
          .option('pdf', { type: 'boolean', default: true })
          .option('paper', { choices: ['A4', 'Letter'] as const })
          .option('template', {
            type: 'string',
            describe:
              'folder with any of report.hbs, report.css, partials/*.hbs: each replaces the built-in one of that name',
          }),
      async (args) => renderCommand(args.report as string, args),
    )
    .command(
      'merge <partials..>',
      'make the report of a run split across machines from its partials (genreport run --shard i/n)',
      (y) =>
        reportOptions(
          y
            .positional('partials', {
              type: 'string',
              array: true,
              describe:
                'the folders the n shards wrote (--out of each "run --shard i/n"), every shard once, in any order',
            })
            .option('out', { type: 'string', describe: 'output folder for the report (default reports/merged)' })
            .option('pdf', {
              type: 'boolean',
              default: true,
              describe:
                "print report.pdf with Chromium (--no-pdf to skip; the config's output.pdf: false also skips it)",
            }),
        )
          .option('quiet', { type: 'boolean', default: false, describe: 'print only warnings and the result' })
          .example(
            '$0 run my.yaml --shard 0/3 --out parts/part-0',
            'shard 0 of 3 on one machine (1/3 and 2/3 on others)',
          )
          .example('$0 merge parts/part-*/ --out report/', "once all 3 are done: the report, equal to a single run's")
          .epilogue(
            'Checks that the partials are every shard of one run, once each (same config hash, seed, samples, bundles, extractors, backend, genreport source and ' +
              'real images; else exit 2 naming the file and field), puts the features back in global index order and computes every metric from them: report.json ' +
              "equals a single-process run's. Needs the real (and training) images and the extractors the config names, not the models (docs/sharding.md).",
          ),
      async (args) => mergeCommand(args.partials as string[], args),
    );
  // check, metrics, stats, features, rate, sample, init: only the one named is loaded.
  const parser = (await addLazyCommands(commandsAbove, argv))
    .example('$0 demo', 'sample models side by side on MNIST')
    .example('$0 demo cifar10', 'the CIFAR-10 zoo (GANs, VAE, flow, PixelCNN) side by side on CIFAR-10')
    .example('$0 init', 'a commented starter config to edit')
    .example('$0 run my.yaml --samples 5000', 'your models, more samples')
    .example('$0 render report.json --paper Letter', 'Letter PDF from a report')
    .example('$0 run my.yaml --shard 0/4 --out part-0', 'shard 0 of 4 (then 1/4, 2/4, 3/4 elsewhere; docs/sharding.md)')
    .example('$0 merge part-*/ --out report/', 'the report from the 4 partials')
    .epilogue(
      'Exit codes: 0 success; 1 an internal fault, or (check) a gate rule failed; 2 bad input (the message names the file and field).',
    )
    .demandCommand(
      1,
      'name a command: run, demo, merge, render, check, metrics, stats, features, sample, rate or init (see --help)',
    )
    .strict()
    .help()
    .alias('help', 'h')
    .version()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((message, error) => {
      // Throwing stops yargs from running the command after a usage error.
      throw error ?? new GenreportError({ field: 'usage', message: `${message}\nRun "genreport --help" for usage.` });
    });
  try {
    await parser.parseAsync();
  } catch (e) {
    if (e instanceof ChecksFailed) {
      process.stderr.write(`genreport: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof GenreportError) {
      process.stderr.write(`genreport: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`genreport: internal error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
  return 0;
}

process.exitCode = await main(hideBin(process.argv));
