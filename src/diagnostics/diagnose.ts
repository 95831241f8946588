/**
 * Training diagnosis of one model: run every detector on its training log
 * and its sample evidence, then name the failure the findings point to.
 * Pure: the caller reads the log (readBundleTrainingLog) and measures the samples.
 */
import { detectDiscriminatorCollapse } from './discriminator-collapse.ts';
import { detectDivergence } from './divergence.ts';
import { mostSevere, SEVERITY_RANK, type Finding, type FindingId } from './finding.ts';
import { ganLosses, type GanLosses } from './gan-losses.ts';
import { detectOscillation } from './oscillation.ts';
import type { TrainingDiagnostics, VerdictLabel } from './report-section.ts';
import { detectRisingGenerator } from './rising-generator.ts';
import { sampleEvidence, type SampleEvidenceInput } from './sample-evidence.ts';
import { DEFAULT_THRESHOLDS, type DiagnosticThresholds } from './thresholds.ts';
import type { TrainingLog } from './training-log.ts';

export interface DiagnoseInput {
  model: string;
  log: TrainingLog | null;
  samples?: SampleEvidenceInput;
  thresholds?: DiagnosticThresholds;
}

type LogDetector = (losses: GanLosses, thresholds: DiagnosticThresholds) => Finding[];

const LOG_DETECTORS: LogDetector[] = [
  ({ generator }, t) => (generator ? detectOscillation(generator, t) : []),
  ({ generator, discriminator }, t) => (discriminator ? detectDiscriminatorCollapse(discriminator, generator, t) : []),
  ({ generator }, t) => (generator ? detectRisingGenerator(generator, t) : []),
  ({ generator, discriminator }, t) =>
    generator && discriminator ? detectDivergence(generator, discriminator, t) : [],
];

/**
 * First matching rule names the verdict. A collapsed discriminator explains
 * everything else that follows from it (rising G, diverging losses), so it
 * comes first; mode collapse before general instability for the same reason.
 */
const VERDICT_RULES: { label: VerdictLabel; ids: FindingId[]; minSeverity: 'warning' | 'critical' }[] = [
  { label: 'convergence failure', ids: ['discriminator-collapse'], minSeverity: 'warning' },
  { label: 'mode collapse', ids: ['class-coverage', 'latent-similarity'], minSeverity: 'critical' },
  {
    label: 'possible mode collapse',
    ids: ['generator-oscillation', 'class-coverage', 'latent-similarity'],
    minSeverity: 'warning',
  },
  { label: 'unstable training', ids: ['rising-generator-loss', 'loss-divergence'], minSeverity: 'warning' },
];

const FINDING_NAMES: Record<FindingId, string> = {
  'generator-oscillation': 'oscillating generator loss',
  'discriminator-collapse': 'discriminator loss near zero',
  'rising-generator-loss': 'rising generator loss',
  'loss-divergence': 'diverging losses',
  'class-coverage': 'missing or skewed classes',
  'latent-similarity': 'alike samples from distant latents',
};

export function diagnoseTraining({
  model,
  log,
  samples,
  thresholds = DEFAULT_THRESHOLDS,
}: DiagnoseInput): TrainingDiagnostics {
  const losses = log ? ganLosses(log, thresholds.columns) : { generator: null, discriminator: null };
  const findings = [
    ...LOG_DETECTORS.flatMap((detect) => detect(losses, thresholds)),
    ...(samples ? sampleEvidence(samples, thresholds) : []),
  ];
  const steps: [number, number] | null = log && log.step.length > 0 ? [log.step[0]!, log.step.at(-1)!] : null;
  const base = {
    model,
    log: log?.file ?? null,
    steps,
    severity: mostSevere(findings.map((f) => f.severity)),
    findings,
  };

  for (const rule of VERDICT_RULES) {
    const matched = findings.filter(
      (f) => rule.ids.includes(f.id) && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[rule.minSeverity],
    );
    if (matched.length === 0) continue;
    const worst = matched.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
    const others = findings
      .filter((f) => !matched.includes(f) && f.severity !== 'info')
      .map((f) => FINDING_NAMES[f.id]);
    const also = others.length > 0 ? `; also ${[...new Set(others)].join(', ')}` : '';
    return { ...base, label: rule.label, verdict: `${rule.label}: ${worst.evidence}${also}` };
  }

  if (!log) return { ...base, label: 'no training log', verdict: 'no training log: the bundle declares none' };
  if (!losses.generator || !losses.discriminator) {
    const found = Object.keys(log.series).join(', ') || 'none';
    return {
      ...base,
      label: 'no GAN losses',
      verdict: `no GAN losses: the training log has no generator and discriminator loss columns (found: ${found}); the loss diagnostics apply to GANs`,
    };
  }
  return {
    ...base,
    label: 'healthy',
    verdict: `healthy: no training problem found in ${losses.generator.name} and ${losses.discriminator.name} over steps ${steps![0]}–${steps![1]}`,
  };
}
