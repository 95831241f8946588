/**
 * Measure a shipped bundle and record the figures in its card.json:
 *   node --import tsx training/mnist/measure.ts samples/mnist/vae-conv [--test-images 1000]
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { initBackend } from '../../src/core/backend.ts';
import { measureAndRecord } from './lib/measure-bundle.ts';

const argv = await yargs(hideBin(process.argv))
  .scriptName('training/mnist/measure.ts')
  .usage('$0 <bundle> [options]')
  .demandCommand(1)
  .option('samples', { type: 'number', default: 1000, describe: 'images drawn for the classifier check' })
  .option('test-images', { type: 'number', default: 1000, describe: 'MNIST test images (the first n) for bits/dim' })
  .option('draws', { type: 'number', default: 1, describe: 'K for a VAE, S for a flow' })
  .option('batch-size', { type: 'number', default: 250 })
  .option('seed', { type: 'number', default: 1 })
  .strict()
  .help()
  .parse();

await initBackend('wasm');
await measureAndRecord(String(argv._[0]), {
  samples: argv.samples,
  testImages: argv['test-images'],
  likelihoodDraws: argv.draws,
  batchSize: argv['batch-size'],
  seed: argv.seed,
});
