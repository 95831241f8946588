/**
 * A `models:` entry to a measurable model: a bundle folder (genmodel.json)
 * through its family adapter, or a samples-only folder or array file.
 */
import { modelPath, type ModelSpec } from '../core/model-spec.ts';
import { inputError } from '../core/errors.ts';
import { disposeBundle, loadBundle, type Bundle } from './bundle.ts';
import { modelForBundle } from './families.ts';
import type { GenerativeModel } from './generative-model.ts';
import { isSamplesOnlyPath, SamplesOnlyModel } from './samples-only.ts';

export interface LoadedModel {
  bundle: Bundle;
  model: GenerativeModel;
}

export async function loadModel(spec: ModelSpec): Promise<LoadedModel> {
  const path = modelPath(spec);
  if (isSamplesOnlyPath(path)) {
    const model = SamplesOnlyModel.load(spec);
    return { bundle: model.bundle, model };
  }
  if (typeof spec !== 'string' && (spec.name !== undefined || spec.family !== undefined)) {
    throw inputError(
      path,
      'name and family label a samples-only model (a folder or array of images); a bundle takes both from its genmodel.json',
      spec.name !== undefined ? 'name' : 'family',
    );
  }
  const bundle = await loadBundle(path);
  try {
    return { bundle, model: modelForBundle(bundle) };
  } catch (e) {
    disposeBundle(bundle);
    throw e;
  }
}
