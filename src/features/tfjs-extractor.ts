/**
 * A TensorFlow.js model as a feature extractor: a LayersModel, whose
 * feature vector is the output of a named layer (`features` in the sidecar;
 * default: the model's first output), or a GraphModel, whose feature vector
 * is a named output node. Declared like an ONNX file, but NHWC by default;
 * declared-extractor.ts checks and feeds it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../core/errors.ts';
import { at } from '../core/indexed.ts';
import type { OnnxTensor, OnnxValueInfo } from '../models/runtimes/onnx.ts';
import { loadTfjsModel } from '../models/tfjs-files.ts';
import { readSidecar, resolveDeclaration, sidecarPath, TFJS_DEFAULT_DECLARATION } from './declaration.ts';
import { declaredExtractor, type ExtractorRunner } from './declared-extractor.ts';
import type { FeatureExtractor } from './extractor.ts';
import type { FileExtractorOptions } from './onnx-extractor.ts';
import { PRESETS } from './presets.ts';

const shapeOf = (shape: (number | null)[]): (number | string)[] =>
  shape.map((d, i) => (d === null || d === -1 ? (i === 0 ? 'batch' : `d${i}`) : d));

function hashModel(modelJson: string): string {
  const h = createHash('sha256');
  const bytes = readFileSync(modelJson);
  h.update(bytes);
  const manifest = (JSON.parse(bytes.toString('utf8')).weightsManifest ?? []) as { paths: string[] }[];
  for (const group of manifest) for (const p of group.paths) h.update(readFileSync(join(dirname(modelJson), p)));
  return h.digest('hex');
}

function layersRunner(model: tf.LayersModel): Pick<ExtractorRunner, 'inputs' | 'outputs' | 'run'> {
  const firstOutput = at(model.outputs, 0, 'tfjs model outputs').sourceLayer.name;
  const layers = [model.getLayer(firstOutput), ...model.layers.filter((l) => l.name !== firstOutput)];
  const outputs: OnnxValueInfo[] = layers
    .filter((l) => !Array.isArray((l.outputShape as unknown[])[0]))
    .map((l) => ({ name: l.name, type: 'float32', shape: shapeOf(l.outputShape as (number | null)[]) }));
  const heads = new Map<string, tf.LayersModel>();
  return {
    inputs: model.inputs.map((i) => ({ name: i.name, type: 'float32', shape: shapeOf(i.shape) })),
    outputs,
    async run(feeds, names) {
      const key = names.join('\u0000');
      let head = heads.get(key);
      if (!head) {
        head = tf.model({
          inputs: model.inputs,
          outputs: names.map((n) => model.getLayer(n).output as tf.SymbolicTensor),
        });
        heads.set(key, head);
      }
      const x = at(Object.values(feeds), 0, 'tfjs extractor feeds');
      const result = tf.tidy(() => {
        const out = head.predict(tf.tensor(x.data, x.dims)) as tf.Tensor | tf.Tensor[];
        return (Array.isArray(out) ? out : [out]).map((t) => ({ dims: t.shape, data: t.dataSync() as Float32Array }));
      });
      return Object.fromEntries(names.map((n, i) => [n, result[i] as OnnxTensor]));
    },
  };
}

function graphRunner(model: tf.GraphModel, extra: string[]): Pick<ExtractorRunner, 'inputs' | 'outputs' | 'run'> {
  const outputs: OnnxValueInfo[] = model.outputs.map((o) => ({
    name: o.name,
    type: o.dtype ?? 'float32',
    shape: o.shape ? shapeOf(o.shape as number[]) : [],
  }));
  // Any node of the graph may be asked for by name; its shape is learnt when it runs.
  for (const name of extra)
    if (!outputs.some((o) => o.name === name)) outputs.push({ name, type: 'float32', shape: [] });
  return {
    inputs: model.inputs.map((i) => ({
      name: i.name,
      type: i.dtype ?? 'float32',
      shape: i.shape ? shapeOf(i.shape as number[]) : [],
    })),
    outputs,
    async run(feeds, names) {
      const inputs = Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, tf.tensor(t.data, t.dims)]));
      const out = (await model.executeAsync(inputs, names)) as tf.Tensor | tf.Tensor[];
      const list = Array.isArray(out) ? out : [out];
      const result = Object.fromEntries(
        names.map((n, i) => [n, { dims: list[i]!.shape, data: Float32Array.from(list[i]!.dataSync()) }]),
      );
      tf.dispose([...Object.values(inputs), ...list]);
      return result;
    },
  };
}

export async function loadTfjsExtractor(file: string, options: FileExtractorOptions = {}): Promise<FeatureExtractor> {
  const preset = options.preset ? PRESETS[options.preset] : undefined;
  if (options.preset && !preset)
    throw inputError(file, `unknown preset "${options.preset}" (known: ${Object.keys(PRESETS).join(', ')})`, 'preset');
  const sidecar = options.inline ? options.inline.sidecar : readSidecar(file);
  const declaration = resolveDeclaration(file, sidecar, preset, TFJS_DEFAULT_DECLARATION);
  const model = await loadTfjsModel(file);
  const sha256 = hashModel(file);
  const parts =
    model instanceof tf.GraphModel
      ? graphRunner(
          model,
          [declaration.features, declaration.probabilities].filter((n): n is string => !!n),
        )
      : layersRunner(model);
  const runner: ExtractorRunner = {
    kind: 'tfjs',
    file,
    sha256,
    runtime: `TensorFlow.js ${tf.version.tfjs}, ${tf.getBackend()} backend`,
    ...parts,
    dispose: () => {
      model.dispose();
    },
  };
  try {
    return declaredExtractor(
      runner,
      declaration,
      options.inline ? options.inline.where : sidecar ? sidecarPath(file) : file,
      options.warn ?? (() => {}),
    );
  } catch (e) {
    model.dispose();
    throw e;
  }
}
