/**
 * The rules of docs/architecture.md as data: the test reads them from here,
 * and the doc lists the same (the test checks that it does).
 */

export interface Stage {
  folders: readonly string[];
  /** What the stage does, in a few words. */
  does: string;
}

/**
 * The folders of src/ in stage order, first to last. A file may import files
 * of its own folder and of folders in earlier stages; folders that share a
 * stage do not import each other. `pipeline` is src/pipeline.ts with
 * src/pipeline/. Type-only imports count: a type belongs to a stage too.
 */
export const STAGES: readonly Stage[] = [
  {
    folders: ['core'],
    does: 'errors, logger, seeded random numbers, image and feature types, the tfjs backend and its kernels',
  },
  { folders: ['config'], does: 'the YAML run configuration, read and checked' },
  { folders: ['data'], does: 'real images: MNIST, CIFAR-10, IDX, .npy/.npz, image folders' },
  {
    folders: ['likelihood'],
    does: 'likelihood mathematics below the models: pixel forms, data spaces, dequantization, importance weighting, comparability',
  },
  { folders: ['models'], does: 'model bundles, runtimes and family adapters with their capabilities' },
  { folders: ['sample'], does: 'samples as a stream of batches, whatever the family' },
  { folders: ['features'], does: 'feature extractors and cached reference statistics' },
  { folders: ['metrics'], does: 'the metric registry and its numeric kernels, float64' },
  {
    folders: ['density', 'invertibility', 'truncation', 'diagnostics', 'human'],
    does: 'per-capability evaluations (GAN truncation among them), training-log diagnostics, human judgments',
  },
  { folders: ['assemble'], does: 'ReportData, the one contract, and its only writer' },
  { folders: ['render'], does: 'charts, HTML, PDF, Markdown and LaTeX from ReportData' },
  { folders: ['history', 'gate'], does: 'the trend across runs; `check` rules over reports' },
  { folders: ['pipeline'], does: 'one call per stage, top to bottom' },
  {
    folders: ['cli', 'api'],
    does: 'the command line (the only caller of process.exit); the library entry points of package.json `exports`',
  },
];

/**
 * Imports against the stage order that stand today, each with why, so that
 * none is added unnoticed. The test fails on an entry that no longer exists:
 * mend the code, then strike the line here and in the doc.
 */
export const KNOWN_EXCEPTIONS: ReadonlyArray<{ from: string; to: string; why: string }> = [
  {
    from: 'src/config/config.ts',
    to: 'src/diagnostics/thresholds.ts',
    why: 'the config checks the diagnostics thresholds with their own schema and default',
  },
  {
    from: 'src/features/reference-cache.ts',
    to: 'src/metrics/reference-stats.ts',
    why: 'the cache of reference features stores them as metric statistics',
  },
  {
    from: 'src/features/reference-cache.ts',
    to: 'src/metrics/stats/moments.ts',
    why: 'the cache of reference features stores them as metric statistics',
  },
  {
    from: 'src/features/provenance.ts',
    to: 'src/metrics/reference-stats.ts',
    why: "an extractor's provenance is written as the statistics file's provenance",
  },
];

/** Every folder of src/, in stage order. */
const FOLDERS = STAGES.flatMap((s) => s.folders);

function at(folder: string): number {
  const i = FOLDERS.indexOf(folder);
  if (i < 0) throw new Error(`no folder "${folder}" in STAGES`);
  return i;
}

/** The folders from `first` to `last`, both included, in stage order (up to 'cli' leaves out api, the last one). */
function foldersFrom(first: string, last: string): string[] {
  return FOLDERS.slice(at(first), at(last) + 1);
}

/** The compute stages: every folder before assemble. */
const COMPUTE = FOLDERS.slice(0, at('assemble'));

/** Never, and no exception above may say otherwise. The folder lists are read off STAGES, so they keep its order. */
export const NEVER: ReadonlyArray<{ from: readonly string[]; to: readonly string[]; why: string }> = [
  {
    from: ['assemble'],
    to: foldersFrom('render', 'cli'),
    why: 'ReportData and the types it names import nothing from later stages',
  },
  {
    from: ['models'],
    to: ['density', 'invertibility'],
    why: 'the adapters take their likelihood mathematics from likelihood/, below both',
  },
  {
    from: COMPUTE,
    to: ['assemble'],
    why: 'compute stages return their own results; assemble alone turns them into report rows',
  },
  { from: COMPUTE, to: ['render'], why: 'numbers do not know how they are drawn' },
  { from: ['core'], to: foldersFrom('config', 'cli'), why: 'core is the ground every stage stands on' },
  {
    from: FOLDERS.filter((f) => f !== 'pipeline' && f !== 'cli'),
    to: ['pipeline', 'cli'],
    why: 'only the command line runs the pipeline, and only bin/ starts the command line',
  },
];

/**
 * Where charts are built: the renderer and the Vega packages are imported by
 * the files of this folder and by the renderer itself, nowhere else, so no
 * stage draws a chart (or writes its caption) on the side.
 */
export const CHARTS = {
  folder: 'src/render/charts/',
  renderer: 'src/render/chart.ts',
  packages: ['vega', 'vega-lite'],
} as const;

/** Where image grids are drawn: one `grids(…)` stage after assemble, the only importer of the grid drawer. */
export const GRIDS = { stage: 'src/render/grids.ts', drawer: 'src/render/image-grid.ts' } as const;

/**
 * Who knows the run config's shape: config/ reads it, cli/ hands it on and
 * pipeline/ takes it apart into the few options each stage uses. No other
 * folder imports its type (by name, namespace or `import('…')`): a stage
 * receives its options, never the whole config.
 */
export const RUN_CONFIG = {
  type: 'RunConfig',
  file: 'src/config/config.ts',
  folders: ['config', 'cli', 'pipeline'],
} as const;

/**
 * Packages that take a noticeable part of a second to load: imported only
 * inside the commands that need them (a dynamic import), so that --help,
 * check and metrics on feature files start fast. Matched as a prefix.
 */
export const HEAVY_PACKAGES: readonly string[] = [
  '@tensorflow/',
  'vega',
  'vega-lite',
  'puppeteer',
  'puppeteer-core',
  'sharp',
  'onnxruntime-node',
  'handlebars',
];

/**
 * The data-flow line at the top of docs/architecture.md, made from STAGES so
 * the order is written once: core below everything, likelihood beneath the
 * models (the doc draws it there), pipeline and the command line around them.
 */
export function flowLine(): string {
  const shown = STAGES.filter((s) => !s.folders.some((f) => ['core', 'likelihood', 'pipeline', 'cli'].includes(f)));
  return shown.map((s) => s.folders.join(' / ')).join(' ─► ');
}

/** The rules above as the Markdown that docs/architecture.md carries, word for word. */
export function rulesAsMarkdown(): string {
  const stages = STAGES.map((s, i) => `| ${i + 1} | ${s.folders.map((f) => `\`${f}/\``).join(', ')} | ${s.does} |`);
  const exceptions = KNOWN_EXCEPTIONS.map((e) => `| \`${e.from}\` | \`${e.to}\` | ${e.why} |`);
  const never = NEVER.map((n) => `| ${n.from.join(', ')} | ${n.to.join(', ')} | ${n.why} |`);
  return [
    '| stage | folders | what it does |',
    '|---|---|---|',
    ...stages,
    '',
    'Known exceptions (debts to pay, not permissions):',
    '',
    '| file | imports | why it does today |',
    '|---|---|---|',
    ...exceptions,
    '',
    'Never, whatever the exceptions say:',
    '',
    '| from | to | why |',
    '|---|---|---|',
    ...never,
    '',
    `Charts are built in \`${CHARTS.folder}\` alone, one file per chart with its id, title and caption, by one \`charts(data, …)\` call after assemble: only its files and the renderer \`${CHARTS.renderer}\` import the renderer, ${CHARTS.packages.map((p) => `\`${p}\``).join(' or ')}.`,
    '',
    `Image grids are drawn in \`${GRIDS.stage}\` alone, by one \`grids(…)\` call after assemble, from the few images the per-model stages keep for them: no other file imports the drawer \`${GRIDS.drawer}\`.`,
    '',
    `Only ${RUN_CONFIG.folders
      .map((f) => `\`${f}/\``)
      .join(', ')
      .replace(
        /, ([^,]*)$/,
        ' and $1',
      )} import the \`${RUN_CONFIG.type}\` type of \`${RUN_CONFIG.file}\`: pipeline.ts picks out of it the few options each stage uses, and the stage receives those.`,
    '',
    `Loaded only by the commands that need them (never by a static import reachable from \`src/cli/main.ts\`): ${HEAVY_PACKAGES.map((p) => `\`${p}\``).join(', ')}.`,
  ].join('\n');
}
