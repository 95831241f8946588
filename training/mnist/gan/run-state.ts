/**
 * The state a GAN run carries from step to step, and an exact copy of it: a
 * run restored from a snapshot continues bit for bit as the original would
 * have (the collapsed GAN branches off the healthy one this way).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src/core/rng.ts';

export interface GanRun {
  G: tf.LayersModel;
  D: tf.LayersModel;
  Gema: tf.LayersModel;
  gOpt: tf.AdamOptimizer;
  dOpt: tf.AdamOptimizer;
  rng: Rng;
  /** This epoch's image order, and the next position in it. */
  order: Int32Array;
  cursor: number;
}

export interface GanSnapshot {
  /** G, D and Gema's weights, batch-norm statistics included. */
  weights: tf.Tensor[][];
  optimizers: { values: tf.Tensor[]; iterations: number }[];
  rng: Rng;
  order: Int32Array;
  cursor: number;
}

/** What tfjs's Adam keeps between steps (private fields). */
interface AdamState {
  accumulatedFirstMoment: { variable: tf.Variable }[];
  accumulatedSecondMoment: { variable: tf.Variable }[];
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  iterations_: number;
}

/**
 * Adam's variables in a fixed order. Its own getWeights/setWeights will not do:
 * setWeights recomputes beta^t with pow, not the running product training keeps.
 */
function adamVariables(optimizer: tf.AdamOptimizer): tf.Variable[] {
  const state = optimizer as unknown as AdamState;
  return [
    ...state.accumulatedFirstMoment.map((m) => m.variable),
    ...state.accumulatedSecondMoment.map((v) => v.variable),
    state.accBeta1,
    state.accBeta2,
  ];
}

export function takeSnapshot(run: GanRun): GanSnapshot {
  return {
    weights: [run.G, run.D, run.Gema].map((model) => model.weights.map((w) => tf.clone(w.read()))),
    optimizers: [run.gOpt, run.dOpt].map((optimizer) => ({
      values: adamVariables(optimizer).map((v) => tf.clone(v)),
      iterations: (optimizer as unknown as AdamState).iterations_,
    })),
    rng: run.rng.clone(),
    order: run.order.slice(),
    cursor: run.cursor,
  };
}

/** Puts `run` back in the snapshot's state; the snapshot's tensors are used up. */
export function restoreSnapshot(run: GanRun, snapshot: GanSnapshot): void {
  [run.G, run.D, run.Gema].forEach((model, m) => model.weights.forEach((w, i) => w.write(snapshot.weights[m]![i]!)));
  [run.gOpt, run.dOpt].forEach((optimizer, o) => {
    const saved = snapshot.optimizers[o]!;
    const variables = adamVariables(optimizer);
    if (variables.length !== saved.values.length)
      throw new Error(`optimizer ${o}: ${variables.length} variables, the snapshot has ${saved.values.length}`);
    variables.forEach((v, i) => v.assign(saved.values[i]!));
    (optimizer as unknown as AdamState).iterations_ = saved.iterations;
  });
  tf.dispose([...snapshot.weights.flat(), ...snapshot.optimizers.flatMap((o) => o.values)]);
  run.rng = snapshot.rng;
  run.order = snapshot.order;
  run.cursor = snapshot.cursor;
}
