/**
 * Data-parallel training on worker threads. The wasm backend runs one thread
 * per process, so one training uses one core; here each worker holds a copy of
 * the model and computes the gradient of the loss on its share of the batch.
 * The main thread averages the shares (weighted by their sizes, so the result
 * is the gradient of the whole batch's mean loss), applies its optimizer to its
 * own model and sends the new weights back with the next batch. Shares are
 * cut and combined in a fixed order: the same seed and worker count give the
 * same training.
 */
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { currentBackend } from '../../../src/core/backend.ts';
import { startTsWorker } from '../../../src/core/ts-worker.ts';

/** A module the workers import: it exports `loss`, the batch mean loss and named figures to log. */
export type LossFunction = (
  model: tf.LayersModel,
  batch: tf.Tensor,
) => { loss: tf.Scalar; figures: Record<string, tf.Scalar> };

export interface GradientWorkerSetup {
  backend: string;
  /** The model's topology (model.toJSON), built again in the worker. */
  topology: string;
  /** URL of the module exporting `loss: LossFunction`. */
  lossModule: string;
}

/** Main thread → worker: the current weights (when changed) and a share of the batch. */
export interface GradientRequest {
  weights?: Float32Array[];
  batch: Float32Array;
  shape: number[];
}
export type GradientReply =
  | { loss: number; figures: Record<string, number>; gradients: Float32Array[]; tensors: number }
  | { error: string };

export interface BatchGradients {
  loss: number;
  figures: Record<string, number>;
  /** One per trainable weight, in `model.trainableWeights` order, keyed by variable name. */
  gradients: tf.NamedTensorMap;
  /** Live tensors in each worker after its share: steady from step to step unless a worker leaks. */
  workerTensors: number[];
}

export class GradientWorkers {
  private weightsChanged = true;

  private constructor(
    private readonly model: tf.LayersModel,
    private readonly workers: Worker[],
  ) {}

  static start(model: tf.LayersModel, lossModule: URL, count: number): GradientWorkers {
    const setup: GradientWorkerSetup = {
      backend: currentBackend()?.name ?? 'wasm',
      topology: JSON.stringify(model.toJSON(null, false)),
      lossModule: lossModule.href,
    };
    const workers = Array.from({ length: count }, () =>
      startTsWorker(new URL('./gradient-worker.ts', import.meta.url), setup),
    );
    return new GradientWorkers(model, workers);
  }

  get count(): number {
    return this.workers.length;
  }

  /** Call after changing the model's weights (an optimizer step): the workers get them with the next batch. */
  weightsUpdated(): void {
    this.weightsChanged = true;
  }

  /** The mean loss, figures and gradients over `batch` ([n, ...shape]), shared among the workers. */
  async gradients(batch: Float32Array, shape: number[]): Promise<BatchGradients> {
    const n = shape[0]!;
    const perImage = batch.length / n;
    const weights = this.weightsChanged ? this.model.getWeights().map((w) => w.dataSync() as Float32Array) : undefined;
    this.weightsChanged = false;
    const shares = this.workers.map((_, i) => {
      const from = Math.floor((i * n) / this.workers.length);
      const to = Math.floor(((i + 1) * n) / this.workers.length);
      return { from, to };
    });
    const replies = await Promise.all(
      this.workers.map((worker, i) => {
        const { from, to } = shares[i]!;
        return request(worker, {
          weights,
          batch: batch.slice(from * perImage, to * perImage),
          shape: [to - from, ...shape.slice(1)],
        });
      }),
    );
    const trainable = this.model.trainableWeights;
    const sums = trainable.map((w) => new Float32Array((w.shape as number[]).reduce((a, b) => a * b, 1)));
    let loss = 0;
    const figures: Record<string, number> = {};
    replies.forEach((reply, i) => {
      const share = (shares[i]!.to - shares[i]!.from) / n;
      loss += share * reply.loss;
      for (const [name, value] of Object.entries(reply.figures)) figures[name] = (figures[name] ?? 0) + share * value;
      reply.gradients.forEach((g, k) => {
        const sum = sums[k]!;
        for (let j = 0; j < sum.length; j++) sum[j]! += share * g[j]!;
      });
    });
    const gradients: tf.NamedTensorMap = {};
    trainable.forEach((w, k) => {
      gradients[(w.read() as tf.Variable).name] = tf.tensor(sums[k]!, w.shape as number[]);
    });
    return { loss, figures, gradients, workerTensors: replies.map((r) => r.tensors) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function request(worker: Worker, message: GradientRequest): Promise<Extract<GradientReply, { loss: number }>> {
  return new Promise((resolve, reject) => {
    const settle = (action: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      action();
    };
    const onMessage = (reply: GradientReply) =>
      settle(() => ('error' in reply ? reject(new Error(`a gradient worker failed: ${reply.error}`)) : resolve(reply)));
    const onError = (e: Error) => settle(() => reject(e));
    const onExit = (code: number) =>
      settle(() => reject(new Error(`a gradient worker stopped early (exit code ${code})`)));
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(message);
  });
}
