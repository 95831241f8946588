/**
 * Train the sample PixelCNN on MNIST train by maximum likelihood: the mean
 * cross-entropy of each pixel's 256-way softmax against its 8-bit level,
 * which is exactly the negative log-likelihood genreport evaluates.
 * Writes per-step losses (in bits/dim) to train-log.csv beside the bundle.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createLogger } from '../../../src/core/logger.ts';
import { Rng } from '../../../src/core/rng.ts';
import { loadMnist } from '../../../src/data/mnist.ts';
import { MANIFEST_FORMAT } from '../../../src/models/manifest.ts';
import { saveLayersModel } from '../../../src/models/tfjs-files.ts';
import { MNIST_DATA_SPACE, MNIST_TRAIN_DESCRIPTION, writeCard, writeManifest } from '../lib/bundle-files.ts';
import { continueTrainingLog, earlierSeconds } from '../lib/resume.ts';
import { ShuffledBatches } from '../lib/shuffled-batches.ts';
import { TrainingLog } from '../lib/training-log.ts';
import { aboveReach, buildRowCachedPixelCnn, loadRowCachedPixelCnn, type RowCachedSize } from './row-cached-model.ts';

export interface PixelCnnTrainOptions {
  out: string;
  seed: number;
  /** Steps of each cosine cycle, in order (warm restarts, as the flow trains). */
  cycles: number[];
  batchSize: number;
  learningRate: number;
  /** Steps of linear learning-rate warm-up at the start of every cycle after the first. */
  restartWarmupSteps: number;
  size: RowCachedSize;
  backend: string;
  /** Continue from a bundle that finished the first `cyclesDone` cycles (its above, row and train-log.csv). */
  resume?: { bundle: string; cyclesDone: number };
}

export async function trainPixelCnn(opts: PixelCnnTrainOptions): Promise<void> {
  const log = createLogger();
  const rng = new Rng(opts.seed);
  const images = loadMnist('train').images;
  const cyclesDone = opts.resume?.cyclesDone ?? 0;
  const { model, above, row } = opts.resume
    ? await loadRowCachedPixelCnn(opts.resume.bundle)
    : buildRowCachedPixelCnn(opts.seed, opts.size);
  const trainLog = opts.resume
    ? continueTrainingLog(opts.resume.bundle, opts.out, ['nll_bpd'])
    : new TrainingLog(join(opts.out, 'train-log.csv'), ['nll_bpd']);
  const totalSteps = opts.cycles.reduce((a, b) => a + b, 0);
  let step = opts.cycles.slice(0, cyclesDone).reduce((a, b) => a + b, 0);
  const firstStep = step;
  const started = performance.now();

  for (let cycle = cyclesDone + 1; cycle <= opts.cycles.length; cycle++) {
    // Cycle 1 keeps the stream name of the original single-cycle trainer.
    const batches = new ShuffledBatches(images, rng.fork(cycle === 1 ? 'batches' : `batches-${cycle}`));
    const optimizer = tf.train.adam(opts.learningRate);
    const steps = opts.cycles[cycle - 1]!;
    const warmup = cycle === 1 ? 0 : Math.min(opts.restartWarmupSteps, steps - 1);
    for (let i = 1; i <= steps; i++) {
      step++;
      const lr =
        i <= warmup
          ? (opts.learningRate * i) / warmup
          : 0.5 * opts.learningRate * (1 + Math.cos((Math.PI * (i - 1 - warmup)) / (steps - warmup)));
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const pixels = batches.next(opts.batchSize);
      const x = tf.tensor4d(pixels, [opts.batchSize, 28, 28, 1]);
      const levels = tf.tensor1d(
        Int32Array.from(pixels, (v) => Math.round(v * 255)),
        'int32',
      );
      const loss = optimizer.minimize(() => {
        const logits = tf.reshape(model.apply(x, { training: true }) as tf.Tensor, [-1, 256]);
        const logProbabilities = tf.logSoftmax(logits);
        return tf.neg(tf.mean(tf.sum(tf.mul(logProbabilities, tf.oneHot(levels, 256)), 1))) as tf.Scalar;
      }, true)!;
      const bitsPerDim = loss.dataSync()[0]! / Math.LN2;
      tf.dispose([x, levels, loss]);
      trainLog.append(step, { nll_bpd: bitsPerDim });
      if (step % 50 === 0 || step === totalSteps) {
        const rate = (step - firstStep) / ((performance.now() - started) / 1000);
        log.progress(
          'pixelcnn',
          step,
          totalSteps,
          `cycle ${cycle}: NLL ${bitsPerDim.toFixed(3)} bits/dim ${rate.toFixed(2)} steps/s`,
        );
      }
    }
    optimizer.dispose();
  }
  const seconds = (performance.now() - started) / 1000 + (opts.resume ? earlierSeconds(opts.resume.bundle) : 0);
  log.info(
    `pixelcnn: cycles ${cyclesDone + 1}-${opts.cycles.length} (to step ${totalSteps}) in ${seconds.toFixed(0)} s`,
  );

  await saveLayersModel(above, join(opts.out, 'above'));
  await saveLayersModel(row, join(opts.out, 'row'));
  writeManifest(opts.out, {
    format: MANIFEST_FORMAT,
    name: 'pixelcnn',
    family: 'autoregressive',
    description:
      'Small PixelCNN in two parts (rows above, then the row itself; 256-way softmax per pixel) trained on MNIST by training/mnist/pixelcnn/train.ts.',
    image: { height: 28, width: 28, channels: 1, range: [0, 1] },
    latent: null,
    likelihood: { kind: 'exact', dataSpace: MNIST_DATA_SPACE, form: 'categorical-256' },
    components: { above: 'above/model.json', row: 'row/model.json' },
    training: { log: 'train-log.csv', card: 'card.json' },
  });
  const { filters, aboveBlocks, columnKernel: k, rowBlocks, head } = opts.size;
  const reach = aboveReach(opts.size);
  writeCard(opts.out, {
    name: 'pixelcnn',
    family: 'autoregressive',
    architecture:
      `above: image shifted down one row, causal conv${k}x${k} (${filters})-relu, ${aboveBlocks} x residual [causal conv${k}x1 (${filters})-relu, conv1x${k} (${filters})-relu] ` +
      `(sees ${reach.rows} rows up, ${reach.columns} columns each side); ` +
      `row: image shifted right one column, causal conv1x${k} (${filters}) + 1x1(above), relu, ${rowBlocks} x residual [causal conv1x3 (${filters}) + 1x1(above), relu], ` +
      `conv1x1(${head})-relu, conv1x1(256) = logits per pixel; raster order without a blind spot (vertical and horizontal stacks, van den Oord et al. 2016)`,
    parameters: model.countParams(),
    data: MNIST_TRAIN_DESCRIPTION,
    likelihood: 'exact: sum of 784 categorical-256 conditionals (data space uint8-28x28x1)',
    training: {
      loss: 'negative log-likelihood (cross-entropy per pixel)',
      steps: totalSteps,
      batchSize: opts.batchSize,
      optimizer:
        opts.cycles.length === 1
          ? `adam lr ${opts.learningRate}, cosine decay to 0`
          : `adam lr ${opts.learningRate} in ${opts.cycles.length} cosine cycles of ${opts.cycles.join(' + ')} steps (warm restarts: ` +
            `each cycle a fresh Adam and cosine decay to 0, after ${opts.restartWarmupSteps} steps of linear warm-up from the second on)`,
      seed: opts.seed,
      backend: opts.backend,
      seconds: Math.round(seconds),
    },
  });
}
