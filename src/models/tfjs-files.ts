/**
 * TensorFlow.js models on the local file system. The browser-flavoured tfjs
 * package has no file:// handler, and we never want a silent fall back to
 * HTTP, so we read and write model.json + weight shards ourselves and fail
 * loudly with the file named.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { inputError } from '../core/errors.ts';
import { readJsonInput } from '../core/input-file.ts';

export type TfjsModel = tf.LayersModel | tf.GraphModel;

/** An IOHandler that reads `model.json` and its shards from disk. */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  const file = resolve(modelJsonPath);
  return {
    load: async () => {
      const json = readJsonInput(file, 'model file not found') as tf.io.ModelJSON;
      if (!json || typeof json !== 'object' || !json.modelTopology) {
        throw inputError(file, 'is not a TensorFlow.js model.json (no modelTopology)', 'modelTopology');
      }
      if (!Array.isArray(json.weightsManifest)) {
        throw inputError(file, 'has no weightsManifest list', 'weightsManifest');
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const shard of group.paths) {
            const shardPath = join(dirname(file), shard);
            let bytes: Buffer;
            try {
              bytes = readFileSync(shardPath);
            } catch {
              throw inputError(file, `weight shard ${shard} not found next to it`, 'weightsManifest.paths');
            }
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        const specs = tf.io.getWeightSpecs(manifest);
        const data = tf.io.CompositeArrayBuffer.join(buffers);
        const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * bytesPer(s.quantization?.dtype ?? s.dtype), 0);
        if (data.byteLength !== expected) {
          throw inputError(file, `weights hold ${data.byteLength} bytes but the manifest describes ${expected}`, 'weightsManifest');
        }
        return [specs, data];
      });
    },
  };
}

/** Load a LayersModel or GraphModel, whichever `model.json` declares. */
export async function loadTfjsModel(modelJsonPath: string): Promise<TfjsModel> {
  const file = resolve(modelJsonPath);
  const handler = fileLoadHandler(file);
  let format: unknown;
  try {
    format = JSON.parse(readFileSync(file, 'utf8')).format;
  } catch {
    format = undefined; // the handler reports the real problem
  }
  try {
    return format === 'graph-model' ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
  } catch (e) {
    if ((e as Error).name === 'GenreportError') throw e;
    throw inputError(file, `could not be loaded as a TensorFlow.js model: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Save a LayersModel as `<dir>/model.json` + `<dir>/weights.bin`, atomically per file. */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save({
    save: async (artifacts) => {
      const weightData = artifacts.weightData;
      const bytes = weightData
        ? Buffer.from(tf.io.CompositeArrayBuffer.join(weightData as ArrayBuffer | ArrayBuffer[]))
        : Buffer.alloc(0);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileAtomic(join(dir, 'weights.bin'), bytes);
      writeFileAtomic(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  });
}

function bytesPer(dtype: string): number {
  return dtype === 'float16' ? 2 : dtype === 'uint8' || dtype === 'bool' ? 1 : 4;
}
