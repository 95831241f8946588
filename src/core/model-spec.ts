/**
 * A `models:` entry of the run config: a path, or `{ path, name, family }`
 * where name and family label a samples-only model (a bundle's own manifest
 * names it). Here in core so that both the config and the models may name it.
 */
export type ModelSpec = string | { path: string; name?: string; family?: 'gan' | 'vae' | 'flow' | 'autoregressive' | 'hybrid' };

/** The path a `models:` entry points at, whichever way it was written. */
export const modelPath = (spec: ModelSpec): string => (typeof spec === 'string' ? spec : spec.path);
