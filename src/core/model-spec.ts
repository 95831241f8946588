/**
 * A `models:` entry of the run config: a path, or `{ path, name, family, samples }`
 * where name and family label a samples-only model (a bundle's own manifest
 * names it) and samples overrides the run's sample count for this model (a slow
 * sampler, such as an autoregressive model, may get fewer). Here in core so that
 * both the config and the models may name it.
 */
import type { Family } from './families.ts';

export type ModelSpec = string | { path: string; name?: string; family?: Family; samples?: number };

/** The path a `models:` entry points at, whichever way it was written. */
export const modelPath = (spec: ModelSpec): string => (typeof spec === 'string' ? spec : spec.path);

/** Generated images this model is measured on: its own `samples`, else the run's. */
export const modelSamples = (spec: ModelSpec, runSamples: number): number =>
  typeof spec === 'string' ? runSamples : (spec.samples ?? runSamples);
