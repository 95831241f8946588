/**
 * Train the sample PixelCNN on MNIST train by maximum likelihood: the mean
 * cross-entropy of each pixel's 256-way softmax against its 8-bit level,
 * which is exactly the negative log-likelihood genreport evaluates.
 * Writes per-step losses (in bits/dim) to train-log.csv beside the bundle.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createLogger } from '../../src/core/logger.ts';
import { Rng } from '../../src/core/rng.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { MANIFEST_FORMAT } from '../../src/models/manifest.ts';
import { saveLayersModel } from '../../src/models/tfjs-files.ts';
import { MNIST_DATA_SPACE, MNIST_TRAIN_DESCRIPTION, writeCard, writeManifest } from '../lib/bundle-files.ts';
import { ShuffledBatches } from '../lib/shuffled-batches.ts';
import { TrainingLog } from '../lib/training-log.ts';
import { buildPixelCnn, pixelCnnContext, type PixelCnnSize } from './model.ts';

export interface PixelCnnTrainOptions {
  out: string;
  seed: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  size: PixelCnnSize;
  backend: string;
}

export async function trainPixelCnn(opts: PixelCnnTrainOptions): Promise<void> {
  const log = createLogger();
  const rng = new Rng(opts.seed);
  const batches = new ShuffledBatches(loadMnist('train').images, rng.fork('batches'));
  const { model, applyMasks } = buildPixelCnn(opts.seed, opts.size);
  const optimizer = tf.train.adam(opts.learningRate);
  const trainLog = new TrainingLog(join(opts.out, 'train-log.csv'), ['nll_bpd']);
  const started = performance.now();

  for (let step = 1; step <= opts.steps; step++) {
    (optimizer as unknown as { learningRate: number }).learningRate = 0.5 * opts.learningRate * (1 + Math.cos((Math.PI * (step - 1)) / opts.steps));
    const pixels = batches.next(opts.batchSize);
    const x = tf.tensor4d(pixels, [opts.batchSize, 28, 28, 1]);
    const levels = tf.tensor1d(Int32Array.from(pixels, (v) => Math.round(v * 255)), 'int32');
    const loss = optimizer.minimize(() => {
      const logits = tf.reshape(model.apply(x, { training: true }) as tf.Tensor, [-1, 256]);
      const logProbabilities = tf.logSoftmax(logits);
      return tf.neg(tf.mean(tf.sum(tf.mul(logProbabilities, tf.oneHot(levels, 256)), 1))) as tf.Scalar;
    }, true)!;
    applyMasks();
    const bitsPerDim = loss.dataSync()[0] / Math.LN2;
    tf.dispose([x, levels, loss]);
    trainLog.append(step, { nll_bpd: bitsPerDim });
    if (step % 50 === 0 || step === opts.steps) {
      const rate = step / ((performance.now() - started) / 1000);
      log.progress('pixelcnn', step, opts.steps, `NLL ${bitsPerDim.toFixed(3)} bits/dim ${rate.toFixed(2)} steps/s`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  log.info(`pixelcnn: ${opts.steps} steps in ${seconds.toFixed(0)} s`);

  await saveLayersModel(model, join(opts.out, 'model'));
  writeManifest(opts.out, {
    format: MANIFEST_FORMAT,
    name: 'pixelcnn',
    family: 'autoregressive',
    description: 'Small PixelCNN (masked convolutions, 256-way softmax per pixel) trained on MNIST by samples/pixelcnn/train.ts.',
    image: { height: 28, width: 28, channels: 1, range: [0, 1] },
    latent: null,
    likelihood: { kind: 'exact', dataSpace: MNIST_DATA_SPACE, form: 'categorical-256' },
    context: pixelCnnContext(opts.size),
    components: { model: 'model/model.json' },
    training: { log: 'train-log.csv', card: 'card.json' },
  });
  const { filters, blocks, head } = opts.size;
  writeCard(opts.out, {
    name: 'pixelcnn',
    family: 'autoregressive',
    architecture:
      `conv7x7 mask A (${filters})-relu, ${blocks} x residual [conv3x3 mask B (${filters})-relu], conv1x1(${head})-relu, conv1x1(256) = logits per pixel; ` +
      'raster order, masks kept by zeroing masked taps after every update (vanilla PixelCNN, so it has the blind spot of stacked masked convolutions)',
    parameters: model.countParams(),
    data: MNIST_TRAIN_DESCRIPTION,
    likelihood: 'exact: sum of 784 categorical-256 conditionals (data space uint8-28x28x1)',
    training: {
      loss: 'negative log-likelihood (cross-entropy per pixel)',
      steps: opts.steps,
      batchSize: opts.batchSize,
      optimizer: `adam lr ${opts.learningRate}, cosine decay to 0`,
      seed: opts.seed,
      backend: opts.backend,
      seconds: Math.round(seconds),
    },
  });
}
