/**
 * Train the sample flow on MNIST train by maximum likelihood at uniformly
 * dequantized pixels, y = (k + u) / 256: minimise −mean(log N(z; 0, I) + log|det|),
 * reported in bits/dim on the 8-bit scale (+8 for the [0, 1] → [0, 256) Jacobian),
 * which is the figure genreport measures.
 * Writes per-step losses (in bits/dim) to train-log.csv beside the bundle.
 *
 * Training runs in cosine cycles with warm restarts (SGDR, Loshchilov & Hutter
 * 2017): each cycle starts a fresh Adam and a fresh schedule from the last
 * cycle's weights, with its own data order. So a bundle trained through the
 * first cycles can be resumed (`resume`) and gives what one long run gives.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createLogger } from '../../../src/core/logger.ts';
import { Rng } from '../../../src/core/rng.ts';
import { loadMnist } from '../../../src/data/mnist.ts';
import { MANIFEST_FORMAT } from '../../../src/models/manifest.ts';
import { loadTfjsModel, saveLayersModel } from '../../../src/models/tfjs-files.ts';
import { MNIST_DATA_SPACE, MNIST_TRAIN_DESCRIPTION, writeCard, writeManifest } from '../lib/bundle-files.ts';
import { continueTrainingLog, earlierSeconds } from '../lib/resume.ts';
import { ShuffledBatches } from '../lib/shuffled-batches.ts';
import { TrainingLog } from '../lib/training-log.ts';
import { GradientWorkers } from '../lib/gradient-workers.ts';
import { loss as flowLoss } from './loss.ts';
import { buildFlow, describeFlow, initialiseActNorms, seedConditioners, type FlowSize } from './model.ts';

export interface FlowTrainOptions {
  out: string;
  seed: number;
  /** Steps of each cosine cycle, in order. */
  cycles: number[];
  batchSize: number;
  learningRate: number;
  /** Steps of linear learning-rate warm-up at the start of each cycle. */
  warmupSteps: number;
  size: FlowSize;
  backend: string;
  /** Continue from a bundle that finished the first `cyclesDone` cycles (its flow and train-log.csv). */
  resume?: { bundle: string; cyclesDone: number };
  /** Worker threads sharing each batch (data-parallel; one core each); 1 trains on this thread. */
  workers: number;
}

const D = 28 * 28;

export async function trainFlow(opts: FlowTrainOptions): Promise<void> {
  const log = createLogger();
  const rng = new Rng(opts.seed);
  const images = loadMnist('train').images;
  const cyclesDone = opts.resume?.cyclesDone ?? 0;
  const logPath = join(opts.out, 'train-log.csv');
  let flow: tf.LayersModel;
  let trainLog: TrainingLog;
  if (opts.resume) {
    flow = (await loadTfjsModel(join(opts.resume.bundle, 'flow', 'model.json'))) as tf.LayersModel;
    trainLog = continueTrainingLog(opts.resume.bundle, opts.out, ['nll_bpd', 'logdet_bpd']);
  } else {
    flow = buildFlow(opts.size);
    seedConditioners(flow, rng.fork('initialisation'));
    trainLog = new TrainingLog(logPath, ['nll_bpd', 'logdet_bpd']);
  }
  const bits = (nats: number) => nats / (D * Math.LN2) + 8;
  const totalSteps = opts.cycles.reduce((a, b) => a + b, 0);
  let step = opts.cycles.slice(0, cyclesDone).reduce((a, b) => a + b, 0);
  const firstStep = step;
  const started = performance.now();
  let workers: GradientWorkers | null = null;
  for (let cycle = cyclesDone + 1; cycle <= opts.cycles.length; cycle++) {
    // Cycle 1 keeps the stream names of the original single-cycle trainer.
    const suffix = cycle === 1 ? '' : `-${cycle}`;
    const batches = new ShuffledBatches(images, rng.fork(`batches${suffix}`));
    const dequantize = rng.fork(`dequantization${suffix}`);
    const nextBatch = (size: number) =>
      batches.next(size).map((v) => (Math.round(v * 255) + dequantize.uniform()) / 256);
    if (cycle === 1) {
      const first = tf.tensor4d(nextBatch(256), [256, 28, 28, 1]);
      initialiseActNorms(flow, first);
      first.dispose();
    }
    // Started after the actnorms' initialisation, so the workers begin from the same weights.
    workers ??=
      opts.workers > 1 ? GradientWorkers.start(flow, new URL('./loss.ts', import.meta.url), opts.workers) : null;
    const optimizer = tf.train.adam(opts.learningRate);
    const steps = opts.cycles[cycle - 1]!;
    const warmup = Math.min(opts.warmupSteps, steps - 1);
    for (let i = 1; i <= steps; i++) {
      step++;
      const lr =
        i <= warmup
          ? (opts.learningRate * i) / warmup
          : 0.5 * opts.learningRate * (1 + Math.cos((Math.PI * (i - 1 - warmup)) / (steps - warmup)));
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const y = nextBatch(opts.batchSize);
      let nll: number;
      let logDet: number;
      if (workers) {
        const shared = await workers.gradients(y, [opts.batchSize, 28, 28, 1]);
        optimizer.applyGradients(Object.entries(shared.gradients).map(([name, tensor]) => ({ name, tensor })));
        tf.dispose(Object.values(shared.gradients));
        workers.weightsUpdated();
        [nll, logDet] = [shared.loss, shared.figures.logDet!]; // flowLoss always reports logDet
      } else {
        const images = tf.tensor4d(y, [opts.batchSize, 28, 28, 1]);
        let meanLogDet = 0;
        const value = optimizer.minimize(() => {
          const out = flowLoss(flow, images);
          meanLogDet = out.figures.logDet!.dataSync()[0]!;
          return out.loss;
        }, true)!;
        [nll, logDet] = [value.dataSync()[0]!, meanLogDet];
        tf.dispose([images, value]);
      }
      trainLog.append(step, { nll_bpd: bits(nll), logdet_bpd: -logDet / (D * Math.LN2) });
      if (step % 50 === 0 || step === totalSteps) {
        const rate = (step - firstStep) / ((performance.now() - started) / 1000);
        log.progress(
          'flow',
          step,
          totalSteps,
          `cycle ${cycle}: NLL ${bits(nll).toFixed(3)} bits/dim ${rate.toFixed(2)} steps/s`,
        );
      }
    }
    optimizer.dispose();
  }
  await workers?.stop();
  const seconds = (performance.now() - started) / 1000 + (opts.resume ? earlierSeconds(opts.resume.bundle) : 0);
  log.info(`flow: cycles ${cyclesDone + 1}-${opts.cycles.length} (to step ${totalSteps}) in ${seconds.toFixed(0)} s`);

  await saveLayersModel(flow, join(opts.out, 'flow'));
  writeManifest(opts.out, {
    format: MANIFEST_FORMAT,
    name: 'realnvp',
    family: 'flow',
    description:
      'RealNVP/Glow-style flow (squeezes, convolutional affine couplings, invertible 1x1 convs, actnorm) trained on MNIST by training/mnist/flow/train.ts.',
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
    likelihood:
      'exact change of variables at uniformly dequantized pixels (data space uint8-28x28x1): a lower bound on the 8-bit likelihood',
    training: {
      loss: 'negative log-likelihood at y = (k + u) / 256, u ~ U[0, 1), fresh per step',
      steps: totalSteps,
      batchSize: opts.batchSize,
      optimizer:
        (opts.cycles.length === 1
          ? `adam lr ${opts.learningRate}, ${opts.warmupSteps} steps of linear warm-up, then cosine decay to 0`
          : `adam lr ${opts.learningRate} in ${opts.cycles.length} cosine cycles of ${opts.cycles.join(' + ')} steps (warm restarts: ` +
            `each cycle a fresh Adam, ${opts.warmupSteps} steps of linear warm-up, then cosine decay to 0)`) +
        (opts.workers > 1 ? `; each batch's gradient shared among ${opts.workers} worker threads` : ''),
      seed: opts.seed,
      backend: opts.backend,
      seconds: Math.round(seconds),
    },
  });
}
