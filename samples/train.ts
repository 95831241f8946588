/**
 * Retrain the shipped sample models with fixed seeds:
 *   npm run samples:train -- --family classifier
 *   npm run samples:train -- --family gan [--steps 2000]
 * Bundles are written under samples/ (see each family's defaults below).
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKEND_CHOICES, initBackend, type BackendPreference } from '../src/core/backend.ts';
import { trainClassifier } from './classifier/train.ts';
import { trainGan } from './gan/train.ts';

const here = dirname(fileURLToPath(import.meta.url));

const argv = await yargs(hideBin(process.argv))
  .scriptName('samples:train')
  .usage('$0 --family <name> [options]\n\nRetrain one of the shipped sample models with a fixed seed.')
  .option('family', { choices: ['classifier', 'gan'] as const, demandOption: true, describe: 'which sample to train' })
  .option('seed', { type: 'number', default: 1, describe: 'seed for initialisation, data order and latents' })
  .option('steps', { type: 'number', describe: 'GAN optimisation steps (default 2000)' })
  .option('epochs', { type: 'number', describe: 'classifier epochs over MNIST train (default 4)' })
  .option('batch-size', { type: 'number', describe: 'images per step (default: classifier 128, gan 64)' })
  .option('out', { type: 'string', describe: 'output folder (default: the shipped bundle folder under samples/)' })
  .option('backend', { choices: BACKEND_CHOICES, default: 'auto' as BackendPreference })
  .strict()
  .help()
  .parse();

const backend = await initBackend(argv.backend);
process.stderr.write(`backend: ${backend.name} (${backend.reason})\n`);

if (argv.family === 'classifier') {
  await trainClassifier({
    out: argv.out ?? join(here, 'mnist-classifier'),
    seed: argv.seed,
    epochs: argv.epochs ?? 4,
    batchSize: argv['batch-size'] ?? 128,
    backend: backend.name,
  });
} else {
  await trainGan({
    out: argv.out ?? join(here, 'gan-dcgan'),
    name: 'dcgan',
    seed: argv.seed,
    steps: argv.steps ?? 2000,
    batchSize: argv['batch-size'] ?? 64,
    learningRate: 2e-4,
    emaDecay: 0.999,
    width: 64,
    backend: backend.name,
  });
}
