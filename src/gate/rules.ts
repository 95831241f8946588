/**
 * Gate rules (gates.yaml): per metric, the largest regression a release may
 * show, absolute (in the metric's unit) or relative (a fraction of the
 * baseline value), and whether a larger regression must also lie outside the
 * baseline's uncertainty before it fails. Metrics not listed use `default`.
 *
 *   default: { relative: 0.05 }
 *   metrics:
 *     fid: { absolute: 1.5 }
 *     precision: { absolute: 0.02, beyondUncertainty: false }
 */
import { z } from 'zod';
import { GenreportError } from '../core/errors.ts';
import { readYamlInput } from '../core/input-file.ts';

const nonNegative = z.number().nonnegative();

export const ruleSchema = z
  .object({
    absolute: nonNegative.optional(),
    relative: nonNegative.optional(),
    /** A regression inside the baseline's 95% uncertainty is reported, not failed. */
    beyondUncertainty: z.boolean().default(true),
  })
  .strict()
  .refine((r) => (r.absolute === undefined) !== (r.relative === undefined), {
    message: 'give exactly one of absolute or relative',
  });

export type GateRule = z.infer<typeof ruleSchema>;

export const DEFAULT_RULE: GateRule = { relative: 0.05, beyondUncertainty: true };

export const rulesSchema = z
  .object({
    default: ruleSchema.default(DEFAULT_RULE),
    metrics: z.record(z.string(), ruleSchema).default({}),
  })
  .strict();

export type GateRules = z.infer<typeof rulesSchema>;

export const DEFAULT_RULES: GateRules = { default: DEFAULT_RULE, metrics: {} };

export function ruleFor(rules: GateRules, metricId: string): GateRule {
  return rules.metrics[metricId] ?? rules.default;
}

/** Validates raw rules, collecting every problem with the file and field named. */
export function validateRules(raw: unknown, file: string): GateRules {
  const parsed = rulesSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new GenreportError(
      parsed.error.issues.map((issue) => ({ file, field: issue.path.join('.') || undefined, message: issue.message })),
    );
  }
  return parsed.data;
}

export function readRules(path: string): GateRules {
  return validateRules(readYamlInput(path, 'rules file not found'), path);
}

/** "≤ 1.5" or "≤ 5% of baseline": how a rule reads in the outputs. */
export function describeAllowance(rule: GateRule): string {
  return rule.absolute !== undefined
    ? `≤ ${rule.absolute}`
    : `≤ ${+((rule.relative ?? 0) * 100).toFixed(4)}% of baseline`;
}
