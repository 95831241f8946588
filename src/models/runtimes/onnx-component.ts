/**
 * A model component as "tensor in, tensor out", whichever runtime runs it:
 * a TensorFlow.js model or an ONNX file (onnxruntime-node, through onnx.ts).
 * Family adapters call `run` with their tensors in genreport's conventions
 * (images NHWC) and say which tensors are images; the runtime lays them out
 * as the file declares (`layout`: ONNX defaults to NCHW) and feeds the names
 * the manifest gives (`io`), so an adapter never sees which runtime it has.
 */
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../core/errors.ts';
import { dims } from '../../core/indexed.ts';
import type { TfjsModel } from '../tfjs-files.ts';
import { openOnnxModel, type OnnxModel } from './onnx.ts';

export interface ComponentTensor {
  data: Float32Array;
  shape: number[];
}

/** What a tensor is to the adapter: images (NHWC on genreport's side) or other values. */
export type TensorRole = 'image' | 'values';

export interface Component {
  readonly runtime: 'tfjs' | 'onnx';
  /** Where the component came from, for messages. */
  readonly file: string;
  /** Outputs it gives: the names in the manifest's io, else all the file declares (a tfjs model: 1). */
  readonly outputCount: number;
  /** Weights it holds: a tfjs model's parameters, an ONNX file's initializer elements. */
  readonly parameters: number;
  /** What runs it, for the report: "onnxruntime-node 1.30.0, cpu provider, 2 threads". */
  readonly runs: string;
  /** One batch: inputs in order, the outputs the roles ask for in order (exactly as many). */
  run<R extends TensorRole[]>(
    inputs: ComponentTensor[],
    roles: { inputs: TensorRole[]; outputs: [...R] },
  ): Promise<{ [K in keyof R]: ComponentTensor }>;
  dispose(): void;
}

export function isOnnxFile(path: string): boolean {
  return path.toLowerCase().endsWith('.onnx');
}

/** A tfjs model as a component: NHWC already, one output. */
export function tfjsComponent(model: TfjsModel, file: string): Component {
  return {
    runtime: 'tfjs',
    file,
    outputCount: 1,
    parameters:
      model instanceof tf.LayersModel
        ? model.countParams()
        : Object.values(model.weights).reduce((sum, ts) => sum + ts.reduce((s, t) => s + t.size, 0), 0),
    runs: `TensorFlow.js ${tf.version_core}`,
    async run<R extends TensorRole[]>(inputs: ComponentTensor[], roles: { inputs: TensorRole[]; outputs: [...R] }) {
      const output = tf.tidy(() => {
        const feeds = inputs.map((t) => tf.tensor(t.data, t.shape));
        const feed = feeds.length === 1 ? feeds[0]! : feeds;
        const out = model instanceof tf.LayersModel ? model.predict(feed) : model.execute(feed);
        return Array.isArray(out) ? out : [out as tf.Tensor];
      });
      try {
        if (output.length < roles.outputs.length)
          throw new Error(
            `${file} gives ${output.length} output${output.length === 1 ? '' : 's'}, and ${roles.outputs.length} are needed`,
          );
        const read = await Promise.all(
          output.map(async (t) => ({ data: (await t.data()) as Float32Array, shape: t.shape })),
        );
        return read as { [K in keyof R]: ComponentTensor };
      } finally {
        output.forEach((t) => t.dispose());
      }
    },
    dispose: () => model.dispose(),
  };
}

export interface OnnxComponentOptions {
  /** The manifest, for messages. */
  manifestFile: string;
  /** The component's name in the manifest (`generator`, `encoder`, …), for fields in messages. */
  component: string;
  layout: 'nchw' | 'nhwc';
  /** Names to feed and read, in the family's order; default: the file's own, when there are as many as the family needs. */
  inputs?: string[];
  outputs?: string[];
}

export async function loadOnnxComponent(file: string, options: OnnxComponentOptions): Promise<Component> {
  const model = await openOnnxModel(file);
  const field = `components.${options.component}`;
  const ioField = (which: 'inputs' | 'outputs') => `io.${options.component}.${which}`;
  for (const which of ['inputs', 'outputs'] as const) {
    const declared = model[which].map((v) => v.name);
    for (const name of options[which] ?? []) {
      if (!declared.includes(name)) {
        throw inputError(
          options.manifestFile,
          `${file} has no ${which.slice(0, -1)} named "${name}" (it has ${declared.map((d) => `"${d}"`).join(', ')})`,
          ioField(which),
        );
      }
    }
  }
  const namesFor = (which: 'inputs' | 'outputs', count: number): string[] => {
    const given = options[which];
    if (given) {
      if (given.length !== count)
        throw inputError(
          options.manifestFile,
          `the ${options.component} takes ${count} ${which} here, but ${given.length} are named`,
          ioField(which),
        );
      return given;
    }
    const declared = model[which].map((v) => v.name);
    if (which === 'inputs' ? declared.length !== count : declared.length < count) {
      throw inputError(
        options.manifestFile,
        `${file} has ${declared.length} ${which} (${declared.join(', ')}), and the ${options.component} needs ${count}: name them in ${ioField(which)}`,
        ioField(which),
      );
    }
    return declared.slice(0, count);
  };
  return {
    runtime: 'onnx',
    file,
    outputCount: options.outputs?.length ?? model.outputs.length,
    parameters: model.parameters ?? 0,
    runs: `onnxruntime-node ${model.runtimeVersion}, ${model.provider} execution provider, ${model.threads} thread${model.threads === 1 ? '' : 's'}`,
    async run<R extends TensorRole[]>(inputs: ComponentTensor[], roles: { inputs: TensorRole[]; outputs: [...R] }) {
      const inputNames = namesFor('inputs', inputs.length);
      const outputNames = namesFor('outputs', roles.outputs.length);
      const feeds: Record<string, { dims: number[]; data: Float32Array }> = {};
      inputs.forEach((t, i) => {
        const name = inputNames[i]!;
        const info = model.inputs.find((v) => v.name === name)!;
        let tensor = roles.inputs[i] === 'image' && options.layout === 'nchw' ? nhwcToNchw(t) : t;
        tensor = fitRank(tensor, info.shape, file, name, options.manifestFile, field);
        feeds[name] = { dims: tensor.shape, data: tensor.data };
      });
      let result: Awaited<ReturnType<OnnxModel['run']>>;
      try {
        result = await model.run(feeds, outputNames);
      } catch (e) {
        throw inputError(options.manifestFile, `${file} failed to run: ${(e as Error).message.split('\n')[0]}`, field);
      }
      const outputs = outputNames.map((name, i) => {
        const tensor = result[name];
        if (!tensor) throw inputError(options.manifestFile, `${file} gave no output named "${name}"`, field);
        const t = { data: tensor.data, shape: tensor.dims };
        return roles.outputs[i] === 'image' && options.layout === 'nchw' && t.shape.length === 4 ? nchwToNhwc(t) : t;
      });
      return outputs as { [K in keyof R]: ComponentTensor };
    },
    dispose: () => void model.dispose(),
  };
}

/**
 * The tensor in the rank the file declares: [n, d] becomes [n, d, 1, 1] for a
 * generator that takes DCGAN's latents. Fixed sizes the file declares must match.
 */
function fitRank(
  t: ComponentTensor,
  declared: (number | string)[],
  file: string,
  name: string,
  manifestFile: string,
  field: string,
): ComponentTensor {
  let shape = t.shape;
  if (declared.length > shape.length && declared.slice(shape.length).every((d) => d === 1))
    shape = [...shape, ...declared.slice(shape.length).map(() => 1)];
  const wrong =
    declared.length > 0 &&
    (declared.length !== shape.length || declared.some((d, i) => i > 0 && typeof d === 'number' && d !== shape[i]));
  if (wrong) {
    const show = (s: (number | string)[]) => `[${s.map((d, i) => (i === 0 ? 'n' : d)).join(', ')}]`;
    throw inputError(
      manifestFile,
      `${file} input "${name}" takes ${show(declared)}, but genreport feeds it ${show(t.shape)} (check latent.dim and image in genmodel.json)`,
      field,
    );
  }
  return { data: t.data, shape };
}

function nhwcToNchw(t: ComponentTensor): ComponentTensor {
  const [n, h, w, c] = dims(t.shape, 4, 'an NHWC image tensor');
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) {
          out[((i * c + k) * h + y) * w + x] = t.data[((i * h + y) * w + x) * c + k]!;
        }
  return { data: out, shape: [n, c, h, w] };
}

function nchwToNhwc(t: ComponentTensor): ComponentTensor {
  const [n, c, h, w] = dims(t.shape, 4, 'an NCHW image tensor');
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < c; k++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          out[((i * h + y) * w + x) * c + k] = t.data[((i * c + k) * h + y) * w + x]!;
        }
  return { data: out, shape: [n, h, w, c] };
}
