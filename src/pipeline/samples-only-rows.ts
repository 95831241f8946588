/** The density and invertibility results of a samples-only model: present, and saying why there is no number. */
import type { ModelDensity } from '../density/evaluate.ts';
import type { ModelInvertibility } from '../invertibility/evaluate.ts';

export function samplesOnlyDensity(reason: string): ModelDensity {
  return { entries: [], missing: { kind: 'none', label: 'n/a — samples only', reason } };
}

export function samplesOnlyInvertibility(reason: string): ModelInvertibility {
  return { result: { method: 'none', label: 'n/a — samples only', reason }, grids: [] };
}
