/**
 * TensorFlow.js models on the local file system. The browser-flavoured tfjs
 * package has no file:// handler, and we never want a silent fall back to
 * HTTP, so we read and write model.json + weight shards ourselves and fail
 * loudly with the file named.
 */
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { inputError } from '../core/errors.ts';
import { readJsonInput } from '../core/input-file.ts';
import { planWeights } from './tfjs-weights-plan.ts';

export type TfjsModel = tf.LayersModel | tf.GraphModel;

/**
 * An IOHandler that reads `model.json` and its shards from disk. Every shard
 * must resolve inside `root`, checked before any shard is read: a bundle
 * passes its real folder (and a model.json path under it); by default it is
 * the model.json's own real folder.
 */
export function fileLoadHandler(modelJsonPath: string, root?: string): tf.io.IOHandler {
  const file = root === undefined ? join(realFolder(modelJsonPath), basename(modelJsonPath)) : resolve(modelJsonPath);
  root ??= dirname(file);
  return {
    load: async () => {
      const json = readModelJson(file);
      const plan = planWeights(json.weightsManifest, file, root);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers = plan.shards.map((shard) => {
          const bytes = readFileSync(shard);
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        });
        return [tf.io.getWeightSpecs(manifest), tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/** The paths of a model.json's weight shards, checked as the loader checks them (`root` as for fileLoadHandler). */
export function weightShardFiles(modelJsonPath: string, root: string): string[] {
  return planWeights(readModelJson(resolve(modelJsonPath)).weightsManifest, resolve(modelJsonPath), root).shards;
}

function readModelJson(file: string): tf.io.ModelJSON {
  const json = readJsonInput(file, 'model file not found') as tf.io.ModelJSON;
  if (!json || typeof json !== 'object' || Array.isArray(json) || !json.modelTopology) {
    throw inputError(file, 'is not a TensorFlow.js model.json (no modelTopology)', 'modelTopology');
  }
  if (!Array.isArray(json.weightsManifest)) {
    throw inputError(file, 'has no weightsManifest list', 'weightsManifest');
  }
  return json;
}

/** The real path of the folder `file` is in (the file itself may be missing: the loader reports it). */
function realFolder(file: string): string {
  try {
    return realpathSync(dirname(resolve(file)));
  } catch {
    return dirname(resolve(file));
  }
}

/** Load a LayersModel or GraphModel, whichever `model.json` declares; shards must resolve inside `root` (see fileLoadHandler). */
export async function loadTfjsModel(modelJsonPath: string, root?: string): Promise<TfjsModel> {
  const file = resolve(modelJsonPath);
  const handler = fileLoadHandler(file, root);
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
