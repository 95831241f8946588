/**
 * The house's import rules, checked on the code of src/: no circle between
 * files or between folders, the stage order of docs/architecture.md (with
 * its known exceptions, each still standing), and its never-rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { circles, importGraph, importsOf, type ImportEdge } from './import-graph.ts';
import {
  CHARTS,
  flowLine,
  GRIDS,
  HEAVY_PACKAGES,
  KNOWN_EXCEPTIONS,
  NEVER,
  RUN_CONFIG,
  rulesAsMarkdown,
  STAGES,
} from './stages.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const edges = importGraph(ROOT).filter((e) => e.to.startsWith('src/'));

/** src/pipeline.ts and src/pipeline/x.ts are both the folder `pipeline`. */
const folderOf = (path: string) =>
  path
    .replace(/^src\//, '')
    .replace(/\.ts$/, '')
    .split('/')[0]!;
const stageOf = (folder: string) => STAGES.findIndex((s) => s.folders.includes(folder));
const show = (e: ImportEdge) => `${e.from}:${e.line} -> ${e.to}${e.typeOnly ? ' (type only)' : ''}`;
const betweenFolders = edges.filter((e) => folderOf(e.from) !== folderOf(e.to));

test('the reader sees static, type-only and dynamic imports, and none in comments or template strings', () => {
  const source = [
    "import { a } from './a.ts';",
    "import type { B } from './b.ts';",
    "import { type C, type D } from './c.ts';",
    "export { e } from './e.ts';",
    'import {',
    '  f,',
    "} from './f.ts';",
    "import './g.ts';",
    "// import { h } from './h.ts';",
    "/* import { i } from './i.ts'; */",
    "const boot = `import { j } from './j.ts';`;",
    "let k: typeof import('./k.ts');",
    "const l = await import('./l.ts');",
  ].join('\n');
  const found = importsOf(source).map(
    (i) => `${i.specifier}${i.typeOnly ? ' type' : ''}${i.dynamic ? ' dynamic' : ''}`,
  );
  assert.deepEqual(found.sort(), [
    './a.ts',
    './b.ts type',
    './c.ts type',
    './e.ts',
    './f.ts',
    './g.ts',
    './k.ts type',
    './l.ts dynamic',
  ]);
});

test('the reader names what each import takes, as the exporting file spells it', () => {
  const source = [
    "import D, { a, type B as C } from './a.ts';",
    "import type { E } from './e.ts';",
    "import * as ns from './ns.ts';",
    "export * from './all.ts';",
    "export { f as g } from './f.ts';",
    "let k: typeof import('./k.ts');",
  ].join('\n');
  const names = Object.fromEntries(importsOf(source).map((i) => [i.specifier, i.names]));
  assert.deepEqual(names, {
    './a.ts': ['D', 'a', 'B'],
    './e.ts': ['E'],
    './ns.ts': ['*'],
    './all.ts': ['*'],
    './f.ts': ['f'],
    './k.ts': ['*'],
  });
});

test('circles are found between files and within a longer loop', () => {
  const loop = [
    { from: 'a', to: 'b' },
    { from: 'b', to: 'c' },
    { from: 'c', to: 'a' },
    { from: 'c', to: 'd' },
  ];
  assert.deepEqual(circles(loop), [['a', 'b', 'c']]);
  assert.deepEqual(circles(loop.slice(1)), []);
});

test('no import circle between the files of src/', () => {
  assert.deepEqual(circles(edges), []);
});

test('no import circle between the folders of src/', () => {
  const found = circles(betweenFolders.map((e) => ({ from: folderOf(e.from), to: folderOf(e.to) })));
  const ties = found.flatMap((c) =>
    betweenFolders.filter((e) => c.includes(folderOf(e.from)) && c.includes(folderOf(e.to))).map(show),
  );
  assert.deepEqual(found, [], `folders in a circle, tied by:\n${ties.join('\n')}`);
});

test('every folder of src/ has its stage', () => {
  const folders = readdirSync(`${ROOT}/src`).map((name) => name.replace(/\.ts$/, ''));
  const staged = STAGES.flatMap((s) => s.folders);
  assert.deepEqual([...new Set(folders)].sort(), [...staged].sort());
});

test('a file imports only its own folder and earlier stages, but for the known exceptions', () => {
  const against = betweenFolders.filter((e) => stageOf(folderOf(e.to)) >= stageOf(folderOf(e.from)));
  const known = (e: ImportEdge) => KNOWN_EXCEPTIONS.some((k) => k.from === e.from && k.to === e.to);
  assert.deepEqual(
    against.filter((e) => !known(e)).map(show),
    [],
    'imports against the stage order of docs/architecture.md',
  );
  const stale = KNOWN_EXCEPTIONS.filter((k) => !against.some((e) => e.from === k.from && e.to === k.to));
  assert.deepEqual(
    stale,
    [],
    'known exceptions that the code no longer has: strike them in stages.ts and docs/architecture.md',
  );
});

test('the never-rules hold, exceptions or not', () => {
  for (const rule of NEVER) {
    const broken = betweenFolders.filter(
      (e) => rule.from.includes(folderOf(e.from)) && rule.to.includes(folderOf(e.to)),
    );
    assert.deepEqual(broken.map(show), [], rule.why);
  }
});

test(`only ${RUN_CONFIG.folders.join(', ')} know the run config: no other folder imports ${RUN_CONFIG.type}`, () => {
  const taking = edges.filter(
    (e) => e.to === RUN_CONFIG.file && (e.names.includes(RUN_CONFIG.type) || e.names.includes('*')),
  );
  assert.ok(taking.length > 0, 'the reader finds the files that take the run config');
  const elsewhere = taking.filter((e) => !(RUN_CONFIG.folders as readonly string[]).includes(folderOf(e.from)));
  assert.deepEqual(
    elsewhere.map(show),
    [],
    'a stage given the whole run config: hand it the few options it uses (picked out in pipeline.ts)',
  );
});

test('charts are built in render/charts/ alone: no other file imports the renderer or Vega', () => {
  const drawing = importGraph(ROOT).filter(
    (e) =>
      e.from.startsWith('src/') && (e.to === CHARTS.renderer || (CHARTS.packages as readonly string[]).includes(e.to)),
  );
  assert.ok(drawing.length > 0, 'the reader finds the chart files');
  const elsewhere = drawing.filter((e) => !e.from.startsWith(CHARTS.folder) && e.from !== CHARTS.renderer);
  assert.deepEqual(elsewhere.map(show), [], 'a chart built outside render/charts/');
});

test('image grids are drawn in render/grids.ts alone: no other file imports the grid drawer', () => {
  const drawing = importGraph(ROOT).filter((e) => e.from.startsWith('src/') && e.to === GRIDS.drawer);
  assert.deepEqual(
    drawing.map((e) => e.from),
    [GRIDS.stage],
    'a grid drawn outside the grid stage',
  );
});

test('src/ imports no code from outside it: training, tests, bench and scripts build on genreport, never the reverse', () => {
  const outside = importGraph(ROOT).filter((e) =>
    /^(\.\.\/|(training|test|bench|scripts|samples|extractors|bin)\/)/.test(e.to),
  );
  assert.deepEqual(outside.map(show), []);
});

/** What loads with src/cli/main.ts before any command runs (static, not type-only, imports), each with the edge that first reached it. */
function reachedAtStart(): Map<string, ImportEdge | null> {
  const atStart = importGraph(ROOT).filter((e) => !e.dynamic && !e.typeOnly);
  // Breadth first from the entry, keeping the way each file was reached.
  const via = new Map<string, ImportEdge | null>([['src/cli/main.ts', null]]);
  const queue = ['src/cli/main.ts'];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const e of atStart.filter((e) => e.from === file && !via.has(e.to))) {
      via.set(e.to, e);
      if (e.to.startsWith('src/')) queue.push(e.to);
    }
  }
  return via;
}

/** The chain of imports by which start-up reaches `target`. */
function route(via: Map<string, ImportEdge | null>, target: string): string {
  const steps: string[] = [];
  for (let e = via.get(target); e; e = via.get(e.from)) steps.unshift(show(e));
  return steps.join(' | ');
}

test('the command line reaches no heavy package through imports that load at start-up', () => {
  const via = reachedAtStart();
  const heavy = (pkg: string) =>
    HEAVY_PACKAGES.some((h) => (h.endsWith('/') ? pkg.startsWith(h) : pkg === h || pkg.startsWith(`${h}/`)));
  assert.deepEqual(
    [...via.keys()].filter(heavy).map((pkg) => route(via, pkg)),
    [],
  );
});

test('genreport --help loads no package but yargs: zod, yaml and the rest load with the command that needs them', () => {
  // Issue 29's 1-second start: each command's module (commands/*.ts) loads only when it is invoked (cli/command-list.ts).
  const via = reachedAtStart();
  const packages = [...via.keys()].filter((to) => !to.startsWith('src/') && !to.startsWith('node:'));
  assert.ok(packages.includes('yargs'), 'the reader follows main.ts to its packages');
  assert.deepEqual(
    packages.filter((pkg) => pkg !== 'yargs' && pkg !== 'yargs/helpers').map((pkg) => route(via, pkg)),
    [],
  );
  const commands = [...via.keys()].filter((to) => to.startsWith('src/cli/commands/'));
  assert.deepEqual(
    commands.map((file) => route(via, file)),
    [],
    'a command module that loads at start-up',
  );
});

test('docs/architecture.md lists the rules this test reads', () => {
  const doc = readFileSync(`${ROOT}/docs/architecture.md`, 'utf8');
  assert.ok(
    doc.includes(rulesAsMarkdown()),
    'docs/architecture.md differs from test/architecture/stages.ts: print rulesAsMarkdown() and paste it in',
  );
  assert.ok(
    doc.includes(`\`\`\`\n${flowLine()}\n`),
    `docs/architecture.md's data-flow line is not the stage order of stages.ts: ${flowLine()}`,
  );
});
