/**
 * An extractor file (ONNX or tfjs) behind its declaration (sidecar, preset,
 * defaults: declaration.ts): checked when loaded against what the file says
 * (input rank, channels, size; output names; a preset's feature dimension),
 * and every batch's output checked to be one finite vector per image. The
 * runtimes differ only in the ExtractorRunner they hand over.
 */
import { basename } from 'node:path';
import { inputError } from '../core/errors.ts';
import { featureMatrix, sliceImages, type ImageBatch } from '../core/types.ts';
import type { OnnxTensor, OnnxValueInfo } from '../models/runtimes/onnx.ts';
import type { ExtractorDeclaration } from './declaration.ts';
import type { Extraction, FeatureExtractor } from './extractor.ts';
import { matchChannels } from './preprocess/colour.ts';
import { toModelInput } from './preprocess/model-input.ts';
import { RESIZE_DESCRIPTIONS, resizeImages } from './preprocess/resize.ts';
import { PRESETS } from './presets.ts';

/** A loaded extractor file as tensors in, named tensors out. */
export interface ExtractorRunner {
  kind: 'onnx' | 'tfjs';
  file: string;
  sha256: string;
  /** Where it runs, for the report. */
  runtime: string;
  inputs: OnnxValueInfo[];
  /** Outputs it can give (for tfjs LayersModels: every layer), the default feature output first. */
  outputs: OnnxValueInfo[];
  run(feeds: Record<string, OnnxTensor>, outputs: string[]): Promise<Record<string, OnnxTensor>>;
  dispose(): Promise<void> | void;
}

export function declaredExtractor(
  model: ExtractorRunner,
  decl: ExtractorDeclaration,
  where: string,
  warn: (m: string) => void,
): FeatureExtractor {
  const { file } = model;
  const input = pickInput(model, decl, where);
  const shape = input.shape;
  if (shape.length > 0 && shape.length !== 4) {
    throw inputError(
      file,
      `input "${input.name}" has rank ${shape.length} (shape [${shape.join(', ')}]); an image extractor takes rank 4, ${decl.layout}`,
      `inputs.${input.name}`,
    );
  }
  const [cAxis, hAxis, wAxis] = decl.layout === 'NCHW' ? [1, 2, 3] : [3, 1, 2];
  const fileChannels = shape[cAxis];
  if (typeof fileChannels === 'number' && fileChannels !== decl.channels) {
    const hint =
      where === file
        ? `; declare "channels": ${fileChannels} (and "layout") in ${file}.extractor.json if that is what it takes`
        : '';
    throw inputError(
      file,
      `input "${input.name}" takes ${fileChannels} channel(s) on axis ${cAxis} (${decl.layout}), the declaration says ${decl.channels}${hint}`,
      'channels',
    );
  }
  const fixedSize =
    typeof shape[hAxis] === 'number' && typeof shape[wAxis] === 'number'
      ? ([shape[hAxis], shape[wAxis]] as [number, number])
      : undefined;
  if (decl.size !== 'any' && fixedSize && (fixedSize[0] !== decl.size[0] || fixedSize[1] !== decl.size[1])) {
    throw inputError(
      file,
      `input "${input.name}" is ${fixedSize.join('×')}, the declaration says ${decl.size.join('×')}`,
      'size',
    );
  }
  const target = decl.size !== 'any' ? decl.size : fixedSize;
  const fixedBatch = typeof shape[0] === 'number' ? shape[0] : undefined;

  const featureOutput = outputNamed(model, decl.features ?? model.outputs[0]?.name, where, 'features');
  const probOutput = decl.probabilities ? outputNamed(model, decl.probabilities, where, 'probabilities') : undefined;
  const staticDim = perImage(featureOutput.shape);
  const preset = decl.preset ? PRESETS[decl.preset] : undefined;
  if (preset && staticDim !== undefined && staticDim !== preset.dim) {
    throw inputError(
      file,
      `output "${featureOutput.name}" gives ${staticDim} features per image; preset "${preset.id}" needs ${preset.dim}: this is not that network`,
      'preset',
    );
  }
  if (preset && typeof fileChannels !== 'number' && shape.length === 0) {
    throw inputError(
      file,
      `input "${input.name}" declares no shape; preset "${preset.id}" needs [batch, 3, H, W]`,
      'preset',
    );
  }

  let dim = staticDim ?? preset?.dim ?? 0;
  const declaredResize =
    decl.resize === 'none'
      ? target
        ? `none (${target.join('×')} required)`
        : 'none (images at their own size)'
      : `${RESIZE_DESCRIPTIONS[decl.resize]} to ${target ? target.join('×') : 'the input size'}`;
  const declaredColour =
    decl.channels === 3 ? 'RGB; grey replicated to RGB' : 'grey; RGB averaged to grey, with a warning';
  const warned = new Set<string>();

  const info = {
    id: decl.preset ?? model.kind,
    name: decl.name ?? `${model.kind === 'onnx' ? 'ONNX' : 'TensorFlow.js'} ${basename(file)}`,
    layer: `${featureOutput.name} (flattened per image)`,
    get dim() {
      return dim;
    },
    hash: model.sha256,
    kind: model.kind,
    preset: decl.preset,
    file,
    output: featureOutput.name,
    resize: declaredResize,
    colour: declaredColour,
    input: `${decl.layout} float32, [0, 1] → [${decl.range.join(', ')}]${decl.mean ? `, mean ${JSON.stringify(decl.mean)}, std ${JSON.stringify(decl.std ?? [])}` : ''}`,
    runtime: model.runtime,
  };

  async function runBatch(
    images: ImageBatch,
  ): Promise<{ features: Float32Array; probabilities?: Float32Array; rows: number }> {
    const m = images.n;
    const matched = matchChannels(images, decl.channels, info.name);
    if (matched.warning && !warned.has(matched.warning)) {
      warned.add(matched.warning);
      warn(matched.warning);
    }
    let x = matched.images;
    if (target && (x.height !== target[0] || x.width !== target[1])) {
      if (decl.resize === 'none') {
        throw inputError(
          where,
          `images are ${x.height}×${x.width}, ${file} takes ${target.join('×')}; declare a resize mode (${Object.keys(
            RESIZE_DESCRIPTIONS,
          )
            .filter((r) => r !== 'none')
            .join(', ')})`,
          'resize',
        );
      }
      x = resizeImages(x, target[0], target[1], decl.resize);
    }
    let rows = m;
    if (fixedBatch !== undefined && m !== fixedBatch) {
      // A file with a fixed batch size: pad with the last image, drop the padding's outputs.
      const per = x.height * x.width * x.channels;
      const padded = new Float32Array(fixedBatch * per);
      padded.set(x.data);
      for (let i = m; i < fixedBatch; i++) padded.set(x.data.subarray((m - 1) * per, m * per), i * per);
      x = { ...x, n: fixedBatch, data: padded };
      rows = fixedBatch;
    }
    const names = [featureOutput.name, ...(probOutput ? [probOutput.name] : [])];
    const out = await model.run({ [input.name]: toModelInput(x, decl) }, names);
    const read = (name: string) => {
      const tensor = out[name];
      if (!tensor) throw inputError(model.file, `gave no output named "${name}"`);
      return oneVectorPerImage(tensor, rows, name);
    };
    const features = read(featureOutput.name);
    const probabilities = probOutput ? read(probOutput.name) : undefined;
    return {
      features: features.subarray(0, m * (features.length / rows)),
      probabilities: probabilities?.subarray(0, m * (probabilities.length / rows)),
      rows: m,
    };
  }

  function oneVectorPerImage(t: { dims: number[]; data: Float32Array }, rows: number, name: string): Float32Array {
    if (t.dims.length < 1 || t.dims[0] !== rows || t.data.length % rows !== 0) {
      throw inputError(
        file,
        `output "${name}" has shape [${t.dims.join(', ')}] for ${rows} images: not one vector per image`,
        `outputs.${name}`,
      );
    }
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i])) {
        const per = t.data.length / rows;
        throw inputError(
          file,
          `output "${name}" has a non-finite value (${t.data[i]}) for image ${Math.floor(i / per)}, element ${i % per}`,
          `outputs.${name}`,
        );
      }
    }
    return t.data;
  }

  return {
    info,
    preprocessing({ height, width, channels }) {
      const to = target ?? [height, width];
      const resize =
        to[0] === height && to[1] === width
          ? `none (${height}×${width})`
          : `${RESIZE_DESCRIPTIONS[decl.resize]}, ${height}×${width} → ${to.join('×')}`;
      const colour =
        channels === decl.channels
          ? channels === 3
            ? 'RGB as is'
            : 'grey as is'
          : channels === 1
            ? 'grey → RGB by channel replication'
            : 'RGB → grey by channel mean (colour lost)';
      return { resize, colour };
    },
    async extract(images: ImageBatch, batchSize: number): Promise<Extraction> {
      const step = Math.max(1, fixedBatch ?? batchSize);
      let features: ReturnType<typeof featureMatrix> | undefined;
      let probabilities: ReturnType<typeof featureMatrix> | undefined;
      for (let start = 0; start < images.n; start += step) {
        const end = Math.min(images.n, start + step);
        const r = await runBatch(sliceImages(images, start, end));
        const d = r.features.length / r.rows;
        if (!features) {
          if (preset && d !== preset.dim)
            throw inputError(
              file,
              `output "${featureOutput.name}" gives ${d} features per image; preset "${preset.id}" needs ${preset.dim}: this is not that network`,
              'preset',
            );
          if (dim && d !== dim)
            throw inputError(
              file,
              `output "${featureOutput.name}" gives ${d} features per image, its shape says ${dim}`,
              `outputs.${featureOutput.name}`,
            );
          dim = d;
          features = featureMatrix(images.n, d);
          if (r.probabilities) {
            const k = r.probabilities.length / r.rows;
            if (decl.classes && decl.classes.length !== k)
              throw inputError(
                where,
                `names ${decl.classes.length} classes, output "${probOutput!.name}" gives ${k}`,
                'classes',
              );
            probabilities = featureMatrix(images.n, k);
          }
        } else if (d !== features.cols) {
          throw inputError(
            file,
            `output "${featureOutput.name}" gave ${features.cols} features per image, then ${d} for images of another size`,
            `outputs.${featureOutput.name}`,
          );
        }
        features.data.set(r.features, start * features.cols);
        if (probabilities && r.probabilities) probabilities.data.set(r.probabilities, start * probabilities.cols);
      }
      return { features: features ?? featureMatrix(0, dim), probabilities, classes: decl.classes };
    },
    dispose() {
      void model.dispose();
    },
  };
}

function pickInput(model: ExtractorRunner, decl: ExtractorDeclaration, where: string): OnnxValueInfo {
  if (decl.input) {
    const found = model.inputs.find((i) => i.name === decl.input);
    if (!found)
      throw inputError(
        where,
        `names input "${decl.input}"; ${model.file} has ${model.inputs.map((i) => `"${i.name}"`).join(', ')}`,
        'input',
      );
    return checkFloat(found, model.file);
  }
  if (model.inputs.length !== 1) {
    throw inputError(
      model.file,
      `has ${model.inputs.length} inputs (${model.inputs.map((i) => `"${i.name}"`).join(', ')}); name the image input in ${model.file}.extractor.json`,
      'input',
    );
  }
  return checkFloat(model.inputs[0]!, model.file);
}

function checkFloat(input: OnnxValueInfo, file: string): OnnxValueInfo {
  if (input.type !== 'float32')
    throw inputError(
      file,
      `input "${input.name}" is ${input.type}; an image extractor takes float32`,
      `inputs.${input.name}`,
    );
  return input;
}

function outputNamed(model: ExtractorRunner, name: string | undefined, where: string, field: string): OnnxValueInfo {
  const found = model.outputs.find((o) => o.name === name);
  if (!found)
    throw inputError(
      where,
      `names output "${name}"; ${model.file} has ${model.outputs.map((o) => `"${o.name}"`).join(', ')}`,
      field,
    );
  return found;
}

/** Values per image from a declared output shape, when every dimension after the batch is fixed. */
function perImage(shape: (number | string)[]): number | undefined {
  if (shape.length < 2) return undefined;
  let d = 1;
  for (const s of shape.slice(1)) {
    if (typeof s !== 'number') return undefined;
    d *= s;
  }
  return d;
}
