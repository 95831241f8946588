/**
 * The manifest rules of the hybrid family (a VQ-VAE with an autoregressive
 * prior over its code grid), checked on the raw object beside the schema so
 * that every problem is reported at once with its field named.
 */
import type { Problem } from '../core/errors.ts';

export function hybridProblems(m: { family?: unknown; codes?: unknown; latent?: unknown }, file: string): Problem[] {
  if (m.family !== 'hybrid') {
    return m.codes === undefined ? [] : [{ file, field: 'codes', message: `only hybrid bundles declare a code grid, not a ${String(m.family)}` }];
  }
  const problems: Problem[] = [];
  if (m.codes === undefined) {
    problems.push({ file, field: 'codes', message: 'a hybrid bundle must declare its code grid: { "height", "width", "size" } (positions and codebook vectors)' });
  }
  if (m.latent !== undefined && m.latent !== null) {
    problems.push({ file, field: 'latent', message: "a hybrid's latent is its grid of discrete codes: declare codes (and components.codebook), not latent" });
  }
  return problems;
}
