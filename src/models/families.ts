/** Family name -> adapter. One entry per family the tool can measure. */
import { inputError } from '../core/errors.ts';
import { AutoregressiveModel } from './adapters/autoregressive.ts';
import { FlowModel } from './adapters/flow.ts';
import { GanModel } from './adapters/gan.ts';
import { HybridModel } from './adapters/hybrid.ts';
import { VaeModel } from './adapters/vae.ts';
import type { Bundle } from './bundle.ts';
import type { GenerativeModel } from './generative-model.ts';
import type { Manifest } from './manifest.ts';

const adapters: Partial<Record<Manifest['family'], (bundle: Bundle) => GenerativeModel>> = {
  gan: (bundle) => new GanModel(bundle),
  vae: (bundle) => new VaeModel(bundle),
  flow: (bundle) => new FlowModel(bundle),
  autoregressive: (bundle) => new AutoregressiveModel(bundle),
  hybrid: (bundle) => new HybridModel(bundle),
};

export function modelForBundle(bundle: Bundle): GenerativeModel {
  const make = adapters[bundle.manifest.family];
  if (!make) {
    throw inputError(
      bundle.manifestFile,
      `family "${bundle.manifest.family}" is not supported by this version of genreport yet`,
      'family',
    );
  }
  return make(bundle);
}
