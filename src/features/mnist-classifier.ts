/**
 * The domain classifier shipped in extractors/mnist-classifier (genreport's own, not a sample): its penultimate
 * layer ("features", 128-d) is the default feature space, and its softmax
 * gives class probabilities for mode coverage and the classifier score.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { featureMatrix, type ImageBatch } from '../core/types.ts';
import { inputError } from '../core/errors.ts';
import { at } from '../core/indexed.ts';
import { hashFiles } from '../models/bundle.ts';
import { loadTfjsModel } from '../models/tfjs-files.ts';
import type { Extraction, FeatureExtractor } from './extractor.ts';

export const CLASSIFIER_DIR = fileURLToPath(new URL('../../extractors/mnist-classifier/', import.meta.url));
const FEATURE_LAYER = 'features';
const SIDE = 28;

export async function loadMnistClassifier(dir = CLASSIFIER_DIR): Promise<FeatureExtractor> {
  const modelJson = join(dir, 'model.json');
  if (!existsSync(modelJson)) {
    throw inputError(
      modelJson,
      'the domain classifier is missing; train it with `npm run train:mnist -- --family classifier`',
    );
  }
  const model = await loadTfjsModel(modelJson);
  if (!(model instanceof tf.LayersModel)) throw inputError(modelJson, 'the domain classifier must be a LayersModel');
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(FEATURE_LAYER);
  } catch {
    throw inputError(modelJson, `has no layer named "${FEATURE_LAYER}"`, 'modelTopology');
  }
  const both = tf.model({
    inputs: model.inputs,
    outputs: [layer.output as tf.SymbolicTensor, at(model.outputs, 0, `${modelJson} outputs`)],
  });
  const dim = (layer.outputShape as number[])[1];
  if (dim === undefined)
    throw inputError(modelJson, `layer "${FEATURE_LAYER}" gives no feature dimension`, 'modelTopology');
  const card = readCard(dir);
  return {
    info: {
      id: 'mnist-classifier',
      name: 'MNIST domain classifier (extractors/mnist-classifier)',
      layer: `${FEATURE_LAYER} (penultimate dense layer, ReLU)`,
      dim,
      hash: hashFiles([modelJson, join(dir, 'weights.bin')]),
      note:
        card?.testAccuracy !== undefined
          ? `test accuracy ${(100 * card.testAccuracy).toFixed(2)}% on MNIST test`
          : undefined,
    },
    async extract(images: ImageBatch, batchSize: number): Promise<Extraction> {
      const features = featureMatrix(images.n, dim);
      const probabilities = featureMatrix(images.n, 10);
      const per = images.height * images.width * images.channels;
      for (let start = 0; start < images.n; start += batchSize) {
        const m = Math.min(batchSize, images.n - start);
        const [f, p] = tf.tidy(() => {
          let x: tf.Tensor4D = tf.tensor4d(images.data.subarray(start * per, (start + m) * per), [
            m,
            images.height,
            images.width,
            images.channels,
          ]);
          if (images.channels === 3) x = x.mean(3, true);
          if (images.height !== SIDE || images.width !== SIDE) x = tf.image.resizeBilinear(x, [SIDE, SIDE], true);
          const [feat, prob] = both.predict(x) as [tf.Tensor, tf.Tensor];
          return [feat.dataSync(), prob.dataSync()];
        });
        features.data.set(f, start * dim);
        probabilities.data.set(p, start * 10);
      }
      return { features, probabilities };
    },
    dispose() {
      model.dispose();
    },
  };
}

function readCard(dir: string): { testAccuracy?: number } | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8'));
  } catch {
    return null;
  }
}
