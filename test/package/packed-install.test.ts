/**
 * genreport as an npm user gets it: `npm pack`, installed into an empty
 * project (packages from the npm cache or registry, nothing else), then the
 * installed command and library entry points are used as a user would.
 * Slow (an install), so it is one test with several checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeNpy } from '../../src/data/npy.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const npm = (cwd: string, ...args: string[]) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    timeout: 600_000,
  });

test('the packed package installs into an empty project and runs help, metrics and a two-model run', {
  timeout: 900_000,
}, () => {
  const work = mkdtempSync(join(tmpdir(), 'genreport-pack-'));
  // `npm pack` runs `prepare`, so dist/ is compiled from the current src/.
  npm(ROOT, 'pack', '--pack-destination', work);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  const listing = execFileSync('tar', ['tzf', join(work, tarball)], { encoding: 'utf8' }).split('\n');
  assert.ok(
    listing.includes('package/dist/cli/main.js') && listing.includes('package/dist/api/metrics.d.ts'),
    'compiled code and types',
  );
  assert.ok(listing.includes('package/templates/report.hbs') && listing.includes('package/schema/report.schema.json'));
  assert.deepEqual(
    listing.filter((f) =>
      /^package\/(test|bench|src|scripts|training|\.ci)\/|^package\/(samples|extractors)\/.*\.(ts|py|mjs|pt)$/.test(f),
    ),
    [],
    'no tests, bench, sources, scripts, CI or training code',
  );
  for (const file of ['extractors/mnist-classifier/model.json', 'samples/mnist/demo.yaml', 'samples/cifar10/demo.yaml'])
    assert.ok(listing.includes(`package/${file}`), file);

  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }),
  );
  npm(app, 'install', '--prefer-offline', join(work, tarball));
  const genreport = (...args: string[]) =>
    spawnSync('npx', ['--no-install', 'genreport', ...args], { cwd: app, encoding: 'utf8', timeout: 600_000 });

  const help = genreport('--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Commands:[\s\S]*genreport run <config>/);

  // Two feature matrices whose FID is known in closed form: same spread, means 0.5 apart in each of 4 dims.
  const rows = 400;
  const a = new Float32Array(rows * 4);
  const b = new Float32Array(rows * 4);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < 4; j++) {
      const v = ((i * 7 + j * 13) % 20) / 10 - 0.95;
      a[i * 4 + j] = v;
      b[((i + 5) % rows) * 4 + j] = v + 0.5;
    }
  writeNpy(join(app, 'a.npy'), { shape: [rows, 4], dtype: 'float32', data: a });
  writeNpy(join(app, 'b.npy'), { shape: [rows, 4], dtype: 'float32', data: b });
  const metrics = genreport('metrics', '--real', 'a.npy', '--fake', 'b.npy', '--metrics', 'fid', '--json');
  assert.equal(metrics.status, 0, metrics.stderr);
  assert.ok(Math.abs((JSON.parse(metrics.stdout) as { fid: number }).fid - 4 * 0.25) < 1e-4, metrics.stdout);

  // The library entry point, as a user's script imports it.
  writeFileSync(
    join(app, 'use.js'),
    "import { METRICS } from 'genreport/metrics';\nconsole.log(METRICS.some((m) => m.id === 'fid'));\n",
  );
  assert.equal(execFileSync(process.execPath, ['use.js'], { cwd: app, encoding: 'utf8' }).trim(), 'true');

  const config = [
    'models:',
    '  - node_modules/genreport/samples/mnist/gan-dcgan',
    '  - node_modules/genreport/samples/mnist/vae-conv',
    'data: { real: mnist:test, count: 300, trainCount: 300 }',
    'samples: 100',
    'metrics: [fid, precision, recall]',
    'density: { images: 20, referenceTrainImages: 1000 }',
    'bootstrap: { resamples: 5 }',
    'invertibility: { images: 4, steps: 5, restarts: 1 }',
    'truncation: { psi: [0.5, 1], samples: 100 }',
    'output: { pdf: false }',
  ].join('\n');
  writeFileSync(join(app, 'two.yaml'), config);
  const run = genreport('run', 'two.yaml', '--out', 'report', '--quiet');
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(readFileSync(join(app, 'report/report.json'), 'utf8')) as { models: { name: string }[] };
  assert.deepEqual(report.models.map((m) => m.name).sort(), ['dcgan', 'vae-conv']);
});
