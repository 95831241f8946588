/**
 * `genreport sample <bundle> --n N --seed S --out samples.npz`: the images a
 * run with that seed draws (float32 NHWC in [0, 1], array `images`) and the
 * latents behind them (`latents`, [n, dim], where the family has a prior).
 * For looking at samples, and for comparing runtimes (tests match an ONNX
 * GAN against PyTorch with it).
 */
import type { CommandModule } from 'yargs';
import { BACKEND_CHOICES, initBackend, type BackendPreference } from '../../core/backend.ts';
import { inputError } from '../../core/errors.ts';
import type { NdArray } from '../../data/npy.ts';

interface SampleArgs {
  bundle: string;
  n: number;
  seed: number;
  out: string;
  'batch-size': number;
  backend: BackendPreference;
}

export async function runSample(args: SampleArgs): Promise<void> {
  if (!args.out.toLowerCase().endsWith('.npz'))
    throw inputError(args.out, 'the samples file must end in .npz', '--out');
  if (!Number.isInteger(args.n) || args.n < 1)
    throw inputError(undefined, `must be a positive whole number, not ${args.n}`, '--n');
  if (!Number.isInteger(args.seed) || args.seed < 0)
    throw inputError(undefined, `must be a whole number ≥ 0, not ${args.seed}`, '--seed');
  await initBackend(args.backend);
  // tfjs and onnxruntime load only here, with the bundle.
  const [{ loadModel }, { disposeBundle }, { seededSamples }, { writeNpz }] = await Promise.all([
    import('../../models/load-model.ts'),
    import('../../models/bundle.ts'),
    import('../../models/seeded-samples.ts'),
    import('../../data/npz.ts'),
  ]);
  const { bundle, model } = await loadModel(args.bundle);
  try {
    const { images, latents } = await seededSamples(model, args.n, args.seed, args['batch-size']);
    const arrays: Record<string, NdArray> = {
      images: { dtype: 'float32', shape: [images.n, images.height, images.width, images.channels], data: images.data },
    };
    if (latents) arrays.latents = { dtype: 'float32', shape: [images.n, latents.dim], data: latents.values };
    writeNpz(args.out, arrays);
    const what = latents ? ` and their ${latents.dim}-d latents` : '';
    process.stderr.write(
      `wrote ${args.out}: ${images.n} images of ${images.height}×${images.width}×${images.channels}${what} (seed ${args.seed})\n`,
    );
  } finally {
    disposeBundle(bundle);
  }
}

/** Options and work of `genreport sample <bundle>`; its name and one-liner are in ../command-list.ts, read without loading this file. */
export const sampleCommand: Required<Pick<CommandModule<object, SampleArgs>, 'builder' | 'handler'>> = {
  builder: (y) =>
    y
      .positional('bundle', {
        type: 'string',
        demandOption: true,
        describe: 'a model bundle folder (genmodel.json), or a samples-only folder or array',
      })
      .option('n', { type: 'number', demandOption: true, describe: 'how many images' })
      .option('seed', {
        type: 'number',
        default: 1,
        describe: 'the seed a run config would give (same latents as the run)',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'the .npz to write: images (float32 NHWC in [0, 1]), latents ([n, dim])',
      })
      .option('batch-size', {
        type: 'number',
        default: 250,
        describe: 'images per batch (the run config batchSize; the images do not depend on it)',
      })
      .option('backend', {
        choices: BACKEND_CHOICES,
        default: 'auto' as BackendPreference,
        describe: 'TensorFlow.js backend',
      })
      .example(
        '$0 sample samples/mnist/gan-dcgan --n 64 --seed 1 --out dcgan.npz',
        'the first 64 samples of a seed-1 run',
      ),
  handler: (args) => runSample(args),
};
