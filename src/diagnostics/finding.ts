/**
 * What every training diagnostic returns: one finding per episode, with the
 * steps it covers and the numbers behind it, so a reader can check the claim.
 */

export type Severity = 'info' | 'warning' | 'critical';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export type FindingId =
  | 'generator-oscillation'
  | 'discriminator-collapse'
  | 'rising-generator-loss'
  | 'loss-divergence'
  | 'class-coverage'
  | 'latent-similarity';

export interface Finding {
  id: FindingId;
  severity: Severity;
  /** First and last training step of the episode; null for evidence measured on samples. */
  steps: [number, number] | null;
  /** One sentence with the numbers, for the report. */
  evidence: string;
  values: Record<string, number>;
}

export function mostSevere(severities: Severity[]): Severity {
  return severities.reduce<Severity>((worst, s) => (SEVERITY_RANK[s] > SEVERITY_RANK[worst] ? s : worst), 'info');
}
