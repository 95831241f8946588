/**
 * The domain classifier: a small CNN whose penultimate layer ("features",
 * 128 ReLU units) is genreport's default feature space on MNIST, the way
 * Inception's pool3 is for natural images.
 */
import * as tf from '@tensorflow/tfjs';

export const FEATURE_LAYER = 'features';

export function buildClassifier(seed: number): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const model = tf.sequential({ name: 'mnist_classifier' });
  model.add(
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 32,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(),
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(
    tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init() }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 128, activation: 'relu', name: FEATURE_LAYER, kernelInitializer: init() }));
  model.add(tf.layers.dropout({ rate: 0.3, seed: s++ }));
  model.add(
    tf.layers.dense({
      units: 10,
      activation: 'softmax',
      name: 'probabilities',
      kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }),
    }),
  );
  return model;
}
