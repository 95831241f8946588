/**
 * The manifest rules of the hybrid family (a VQ-VAE with an autoregressive
 * prior over its code grid), checked on the raw object beside the schema so
 * that every problem is reported at once with its field named.
 */
import type { Problem } from '../core/errors.ts';

export function hybridProblems(
  m: { family?: unknown; codes?: unknown; latent?: unknown; components?: Record<string, unknown> },
  file: string,
): Problem[] {
  if (m.family !== 'hybrid') {
    return m.codes === undefined
      ? []
      : [{ file, field: 'codes', message: `only hybrid bundles declare a code grid, not a ${String(m.family)}` }];
  }
  const problems: Problem[] = [];
  // The prior in either shape the autoregressive family allows: one model, or above + row.
  const has = (c: string) => Boolean(m.components?.[c]);
  const split = has('priorAbove') || has('priorRow');
  if (has('prior') && split) {
    problems.push({
      file,
      field: 'components',
      message: 'a hybrid bundle declares components.prior or components.priorAbove and components.priorRow, not both',
    });
  } else if (split) {
    for (const c of ['priorAbove', 'priorRow'])
      if (!has(c))
        problems.push({ file, field: `components.${c}`, message: 'a split prior needs both priorAbove and priorRow' });
  } else if (!has('prior')) {
    problems.push({
      file,
      field: 'components.prior',
      message:
        'a hybrid bundle needs its prior over the code grid: components.prior, or components.priorAbove and components.priorRow',
    });
  }
  if (m.codes === undefined) {
    problems.push({
      file,
      field: 'codes',
      message:
        'a hybrid bundle must declare its code grid: { "height", "width", "size" } (positions and codebook vectors)',
    });
  }
  if (m.latent !== undefined && m.latent !== null) {
    problems.push({
      file,
      field: 'latent',
      message: "a hybrid's latent is its grid of discrete codes: declare codes (and components.codebook), not latent",
    });
  }
  return problems;
}
