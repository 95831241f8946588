/**
 * Train the sample flow on MNIST train by maximum likelihood at uniformly
 * dequantized pixels, y = (k + u) / 256: minimise −mean(log N(z; 0, I) + log|det|),
 * reported in bits/dim on the 8-bit scale (+8 for the [0, 1] → [0, 256) Jacobian),
 * which is the figure genreport measures.
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
import { buildFlow, describeFlow, initialiseActNorms, seedConditioners, type FlowSize } from './model.ts';

export interface FlowTrainOptions {
  out: string;
  seed: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Steps of linear learning-rate warm-up before the cosine decay. */
  warmupSteps: number;
  size: FlowSize;
  backend: string;
}

const D = 28 * 28;

export async function trainFlow(opts: FlowTrainOptions): Promise<void> {
  const log = createLogger();
  const rng = new Rng(opts.seed);
  const batches = new ShuffledBatches(loadMnist('train').images, rng.fork('batches'));
  const dequantize = rng.fork('dequantization');
  const flow = buildFlow(opts.size);
  seedConditioners(flow, rng.fork('initialisation'));
  const nextBatch = (size: number) => {
    const pixels = batches.next(size);
    const y = pixels.map((v) => (Math.round(v * 255) + dequantize.uniform()) / 256);
    return tf.tensor4d(y, [size, 28, 28, 1]);
  };
  const first = nextBatch(256);
  initialiseActNorms(flow, first);
  first.dispose();

  const optimizer = tf.train.adam(opts.learningRate);
  const trainLog = new TrainingLog(join(opts.out, 'train-log.csv'), ['nll_bpd', 'logdet_bpd']);
  const bits = (nats: number) => nats / (D * Math.LN2) + 8;
  const started = performance.now();
  for (let step = 1; step <= opts.steps; step++) {
    const warmup = Math.min(opts.warmupSteps, opts.steps - 1);
    const lr =
      step <= warmup ? (opts.learningRate * step) / warmup : 0.5 * opts.learningRate * (1 + Math.cos((Math.PI * (step - 1 - warmup)) / (opts.steps - warmup)));
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    const y = nextBatch(opts.batchSize);
    let logDet = 0;
    const loss = optimizer.minimize(() => {
      const state = flow.apply(y, { training: true }) as tf.Tensor2D;
      const z = tf.slice(state, [0, 0], [-1, D]);
      const det = tf.slice(state, [0, D], [-1, 1]);
      logDet = tf.mean(det).dataSync()[0];
      const logPrior = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), 0.5 * D * Math.log(2 * Math.PI));
      return tf.neg(tf.mean(tf.add(logPrior, tf.reshape(det, [-1])))) as tf.Scalar;
    }, true)!;
    const nll = loss.dataSync()[0];
    tf.dispose([y, loss]);
    trainLog.append(step, { nll_bpd: bits(nll), logdet_bpd: -logDet / (D * Math.LN2) });
    if (step % 50 === 0 || step === opts.steps) {
      const rate = step / ((performance.now() - started) / 1000);
      log.progress('flow', step, opts.steps, `NLL ${bits(nll).toFixed(3)} bits/dim ${rate.toFixed(2)} steps/s`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  log.info(`flow: ${opts.steps} steps in ${seconds.toFixed(0)} s`);

  await saveLayersModel(flow, join(opts.out, 'flow'));
  writeManifest(opts.out, {
    format: MANIFEST_FORMAT,
    name: 'realnvp',
    family: 'flow',
    description: 'RealNVP/Glow-style flow (squeezes, convolutional affine couplings, invertible 1x1 convs, actnorm) trained on MNIST by samples/flow/train.ts.',
    image: { height: 28, width: 28, channels: 1, range: [0, 1] },
    latent: null,
    likelihood: { kind: 'bound', dataSpace: MNIST_DATA_SPACE, dequantization: 'uniform' },
    components: { flow: 'flow/model.json' },
    training: { log: 'train-log.csv', card: 'card.json' },
  });
  writeCard(opts.out, {
    name: 'realnvp',
    family: 'flow',
    architecture: describeFlow(opts.size),
    parameters: flow.countParams(),
    data: MNIST_TRAIN_DESCRIPTION,
    likelihood: 'exact change of variables at uniformly dequantized pixels (data space uint8-28x28x1): a lower bound on the 8-bit likelihood',
    training: {
      loss: 'negative log-likelihood at y = (k + u) / 256, u ~ U[0, 1), fresh per step',
      steps: opts.steps,
      batchSize: opts.batchSize,
      optimizer: `adam lr ${opts.learningRate}, linear warm-up over ${opts.warmupSteps} steps, then cosine decay to 0`,
      seed: opts.seed,
      backend: opts.backend,
      seconds: Math.round(seconds),
    },
  });
}
