/**
 * A gradient worker (see gradient-workers.ts): its own backend and copy of the
 * model; each request brings a share of the batch (and new weights after an
 * optimizer step) and gets back the loss, figures and gradients on that share.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../../../src/core/backend.ts';
// Registers genreport's custom layers, so flow topologies build here too.
import '../../../src/models/layers/index.ts';
import type { GradientReply, GradientRequest, GradientWorkerSetup, LossFunction } from './gradient-workers.ts';

const setup = workerData as GradientWorkerSetup;
await initBackend(setup.backend as BackendName);
const { loss } = (await import(setup.lossModule)) as { loss: LossFunction };
const model = (await tf.models.modelFromJSON(JSON.parse(setup.topology))) as tf.LayersModel;
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);

parentPort!.on('message', ({ weights, batch, shape }: GradientRequest) => {
  let reply: GradientReply;
  try {
    if (weights) {
      const values = model.weights.map((w, i) => tf.tensor(weights[i]!, w.shape as number[]));
      model.setWeights(values);
      // The variables hold their own references; these would otherwise leak a copy of the model per step.
      tf.dispose(values);
    }
    const x = tf.tensor(batch, shape);
    const figures: Record<string, number> = {};
    const { value, grads } = tf.variableGrads(() => {
      const out = loss(model, x);
      for (const [name, figure] of Object.entries(out.figures)) figures[name] = figure.dataSync()[0]!;
      return out.loss;
    }, variables);
    // Copies with buffers of their own, to transfer.
    const gradients = variables.map((v) => (grads[v.name]!.dataSync() as Float32Array).slice());
    tf.dispose([x, ...Object.values(grads)]);
    const lossValue = value.dataSync()[0]!;
    value.dispose();
    reply = { loss: lossValue, figures, gradients, tensors: tf.memory().numTensors };
  } catch (e) {
    reply = { error: (e as Error).stack ?? String(e) };
  }
  parentPort!.postMessage(reply, 'gradients' in reply ? reply.gradients.map((g) => g.buffer as ArrayBuffer) : []);
});
