/**
 * What package.json promises an npm user: each `exports` entry is built from
 * a module of src/api/ that exports what its name says, and `files` names
 * only paths that exist, among them every bundle the demo compares and the
 * built-in extractor's weights, and no code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
  files: string[];
};

/** ./dist/api/x.js (or .d.ts) is compiled from src/api/x.ts. */
const sourceOf = (target: string) => target.replace(/^\.\/dist\//, 'src/').replace(/\.(d\.ts|js)$/, '.ts');

const ENTRY_POINTS: Record<string, string[]> = {
  './report': ['loadReport', 'parseReportData', 'REPORT_FORMAT'],
  './metrics': ['computeMetrics', 'featureMatrix', 'METRICS', 'fidFromFeatures', 'statsFromFeatures'],
  './render': ['renderHtml', 'renderMarkdown', 'renderLatex', 'printPdf'],
};

test('each library entry point has types and a module of src/api/ that exports its functions', async () => {
  const entries = Object.entries(pkg.exports).filter(([name]) => name !== './package.json');
  assert.deepEqual(entries.map(([name]) => name).sort(), Object.keys(ENTRY_POINTS).sort());
  for (const [name, target] of entries) {
    assert.ok(typeof target === 'object', `${name}: give types and default`);
    assert.equal(sourceOf(target.types), sourceOf(target.default), name);
    const source = sourceOf(target.default);
    assert.match(source, /^src\/api\//, name);
    assert.ok(existsSync(`${ROOT}${source}`), `${name}: ${source} is missing`);
    const module = (await import(`${ROOT}${source}`)) as Record<string, unknown>;
    for (const exported of ENTRY_POINTS[name]!)
      assert.notEqual(module[exported], undefined, `${name} exports ${exported}`);
  }
});

/** A path the package ships: a `files` entry names it or a folder above it. */
const shipped = (path: string) => pkg.files.some((f) => f === path || (f.endsWith('/') && path.startsWith(f)));

test('files names only what exists, no tests, bench or training code, and every bundle of both demos', () => {
  for (const path of pkg.files) assert.ok(existsSync(`${ROOT}${path}`), `files: ${path} does not exist`);
  assert.deepEqual(
    pkg.files.filter((p) => /^(test|bench|src|\.ci|scripts)\b|train/.test(p)),
    [],
  );
  // Whole folders are shipped (samples/mnist/, extractors/): nothing in them may be code or a checkpoint.
  for (const folder of pkg.files.filter((f) => /^(samples|extractors)\//.test(f) && f.endsWith('/'))) {
    const code = readdirSync(`${ROOT}${folder}`, { recursive: true })
      .map(String)
      .filter((f) => /\.(ts|py|mjs|pt)$/.test(f));
    assert.deepEqual(code, [], `${folder} holds bundles only`);
  }
  assert.ok(shipped('extractors/mnist-classifier/model.json'), "files lacks the built-in extractor's weights");
  for (const config of ['samples/mnist/demo.yaml', 'samples/cifar10/demo.yaml']) {
    assert.ok(shipped(config), `files lacks ${config}`);
    const folder = config.replace(/demo\.yaml$/, '');
    const demo = parse(readFileSync(`${ROOT}${config}`, 'utf8')) as {
      models: (string | { path: string })[];
      features?: string | string[];
    };
    const models = demo.models.map((m) => (typeof m === 'string' ? m : m.path));
    // A feature space that is a file of the package (not the built-in classifier, nor a commented-out export of the user's).
    const extractors = [demo.features ?? []]
      .flat()
      .filter((f) => f.endsWith('.onnx'))
      .map((f) => f.replace(/\/[^/]+$/, ''));
    for (const bundle of [...models, ...extractors])
      assert.ok(
        shipped(`${folder}${bundle}/genmodel.json`) || shipped(`${folder}${bundle}/`),
        `files lacks ${config}'s bundle ${folder}${bundle}/`,
      );
  }
});
