/**
 * The model families, listed once: the manifest, the run config, the report
 * schema and the metric registry all take their lists from here, so a new
 * family is added in one place (and in its adapter).
 */
export const FAMILIES = ['gan', 'vae', 'flow', 'autoregressive', 'hybrid'] as const;

export type Family = (typeof FAMILIES)[number];
