/**
 * ReportData as a zod schema: `genreport render` checks a report.json against
 * it before drawing anything, and schema/report.schema.json (written from it by
 * scripts/write-report-schema.ts) lets any other tool read or diff a report.
 * The TypeScript interfaces in report-data.ts stay the contract; the checks at
 * the bottom fail to compile when the two drift apart.
 */
import { z } from 'zod';
import { diagnosticThresholdsSchema } from '../diagnostics/thresholds.ts';
import { GenreportError } from '../core/errors.ts';
import { FAMILIES } from '../core/families.ts';
import { REPORT_FORMAT, type ReportData } from './report-data.ts';

const extractorInfo = z.object({
  id: z.string(),
  space: z.string().optional().describe('the space id in metric ids (fid@<space>)'),
  name: z.string(),
  layer: z.string(),
  dim: z.number().int().positive(),
  hash: z.string().describe("sha256 of the extractor's weights"),
  note: z.string().optional(),
  kind: z.enum(['builtin', 'onnx', 'tfjs']).optional(),
  preset: z.string().optional().describe('the preset the extractor file was checked against'),
  file: z.string().optional(),
  output: z.string().optional().describe('output or layer that gives the feature vector'),
  resize: z.string().optional().describe('named resize mode to the input size'),
  colour: z.string().optional().describe('grey/RGB handling'),
  input: z.string().optional().describe('value range and normalisation at the input'),
  runtime: z.string().optional(),
});

const family = z.enum(FAMILIES);
const severity = z.enum(['info', 'warning', 'critical']);
const stepRange = z.tuple([z.number(), z.number()]);

const metricCell = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('value'),
    value: z.number(),
    interval: z.tuple([z.number(), z.number()]).optional().describe('95% interval, when one was computed'),
    std: z
      .number()
      .nonnegative()
      .optional()
      .describe('standard deviation over subsets or splits, when the metric defines one'),
    n: z.number().int().nonnegative(),
    best: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('not-applicable'), reason: z.string() }),
  z.object({ kind: z.literal('failed'), reason: z.string() }),
]);

const finding = z.object({
  id: z.enum([
    'generator-oscillation',
    'discriminator-collapse',
    'rising-generator-loss',
    'loss-divergence',
    'class-coverage',
    'latent-similarity',
  ]),
  severity,
  steps: stepRange.nullable(),
  evidence: z.string(),
  values: z.record(z.string(), z.number()),
});

const trainingSection = z.object({
  thresholds: diagnosticThresholdsSchema,
  models: z.array(
    z.object({
      model: z.string(),
      log: z.string().nullable(),
      steps: stepRange.nullable(),
      label: z.enum([
        'healthy',
        'possible mode collapse',
        'mode collapse',
        'convergence failure',
        'unstable training',
        'no GAN losses',
        'no training log',
      ]),
      severity,
      verdict: z.string(),
      findings: z.array(finding),
    }),
  ),
});

const trendSection = z.object({
  history: z.string(),
  runs: z.number().int().nonnegative(),
  changes: z.array(
    z.object({
      model: z.string(),
      metricId: z.string(),
      metricLabel: z.string(),
      latest: z.number(),
      previous: z.number().optional(),
      previousDate: z.string().optional(),
      change: z.number().optional(),
      verdict: z.enum(['better', 'worse', 'unchanged', 'first run']),
      bundleChanged: z.boolean(),
    }),
  ),
});

const estimate95 = z
  .object({ value: z.number(), low: z.number(), high: z.number() })
  .describe('mean with its 95% interval');
const absoluteErrors = z.object({ max: z.number().nonnegative(), mean: z.number().nonnegative() });

const densityRow = z.object({
  model: z.string(),
  kind: z.enum(['exact', 'bound', 'unreliable', 'none', 'failed']),
  estimator: z.string().optional(),
  label: z.string(),
  dataSpace: z.string().optional(),
  natsPerImage: estimate95.optional().describe('negative log-likelihood, nats per image'),
  bitsPerDim: estimate95.optional(),
  n: z.number().int().nonnegative().optional(),
  samples: z.number().int().positive().optional(),
  secondsPerImage: z.number().nonnegative().optional(),
  gap: z.number().optional().describe('IWAE minus ELBO, nats per image'),
  reason: z.string().optional(),
});

const densitySection = z.object({
  images: z.number().int().nonnegative(),
  source: z.string(),
  rows: z.array(densityRow),
  reference: densityRow.nullable(),
  groups: z.array(z.object({ dataSpace: z.string(), models: z.array(z.string()) })),
  apart: z.array(z.object({ model: z.string(), label: z.string(), reason: z.string() })),
  published: z
    .object({
      dataSet: z.string(),
      note: z.string(),
      figures: z.array(z.object({ model: z.string(), bitsPerDim: z.number().positive(), citation: z.string() })),
    })
    .optional()
    .describe('published bits/dim on the same data set, for scale only: never ranked, not comparable'),
});

const invertibilitySection = z.object({
  images: z.number().int().nonnegative(),
  rows: z.array(
    z.object({
      model: z.string(),
      method: z.enum(['round-trip', 'reconstruction', 'inversion', 'completion', 'failed', 'none']),
      label: z.string(),
      n: z.number().int().nonnegative().optional(),
      roundTrip: z
        .object({
          imageToImage: absoluteErrors,
          latentToLatent: absoluteErrors,
          outsideDomain: z
            .number()
            .int()
            .positive()
            .optional()
            .describe(
              "prior draws left out of z → x → z: their image is outside the forward's finite domain in float32",
            ),
        })
        .optional(),
      mse: estimate95.optional(),
      psnr: z.number().optional(),
      labelAgreement: estimate95.extend({ n: z.number().int().nonnegative() }).optional(),
      secondsPerImage: z.number().nonnegative().optional(),
      reason: z.string().optional(),
      codebook: z
        .object({
          size: z.number().int().positive(),
          images: z.number().int().nonnegative(),
          codes: z.number().int().nonnegative(),
          used: z.number().int().nonnegative(),
          dead: z.number().int().nonnegative(),
          perplexity: z.number().positive(),
        })
        .optional(),
    }),
  ),
});

const truncationSweep = z.object({
  model: z.string(),
  samples: z.number().int().positive(),
  untruncated: z
    .array(z.number().int().nonnegative())
    .optional()
    .describe("latent coordinates left unscaled (the bundle's latent.untruncated)"),
  points: z.array(z.object({ psi: z.number(), precision: z.number(), recall: z.number() })),
});

const humanShare = z.object({
  source: z.string().describe('a model name, or "real"'),
  share: estimate95.describe('share judged real, Wilson 95% interval'),
  judgedReal: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
  unsure: z.number().int().nonnegative(),
  images: z.number().int().nonnegative(),
});

const humanSection = z.object({
  ratings: z.string(),
  raters: z.number().int().nonnegative(),
  answers: z.object({
    single: z.number().int().nonnegative(),
    pair: z.number().int().nonnegative(),
    unsure: z.number().int().nonnegative(),
  }),
  foolRates: z.array(humanShare),
  real: humanShare.nullable(),
  preferences: z
    .object({
      interval: z.enum(['bootstrap over raters', 'bootstrap over answers', 'none']),
      resamples: z.number().int().nonnegative(),
      models: z.array(
        z.object({
          model: z.string(),
          strength: estimate95.describe('Bradley–Terry strength, strengths sum to 1'),
          wins: z.number().nonnegative(),
          comparisons: z.number().int().nonnegative(),
        }),
      ),
    })
    .nullable(),
  agreement: z
    .object({
      statistic: z.enum(['fleiss-kappa', 'krippendorff-alpha']),
      value: z.number(),
      items: z.number().int().nonnegative(),
      raters: z.number().int().nonnegative(),
    })
    .nullable(),
});

const differenceToBest = z.object({
  metric: z.string().describe("a metric id, or 'bits-per-dim' for a density ranking group"),
  label: z.string(),
  unit: z.string(),
  dataSpace: z.string().optional(),
  best: z.string(),
  bestEstimator: z.string().optional(),
  method: z
    .enum(['bootstrap', 'per-image', 'subsets'])
    .describe(
      'bootstrap: the same resample indices for every model; per-image: the same test images, mean ± 1.96 sd/√n; subsets: the same KID subsets, central 95% of the per-subset differences',
    ),
  n: z.number().int().positive().describe('resamples, test images or subsets'),
  rows: z.array(
    z.object({
      model: z.string(),
      estimator: z.string().optional(),
      difference: estimate95.describe('this model minus the best, with the 95% interval of the paired difference'),
      clear: z.boolean().describe('the interval excludes 0'),
    }),
  ),
});

export const reportDataSchema = z
  .object({
    format: z.literal(REPORT_FORMAT),
    title: z.string(),
    createdAt: z.string(),
    tool: z.object({ name: z.string(), version: z.string() }),
    run: z.object({
      command: z.string(),
      seed: z.number().int().nonnegative(),
      samples: z.number().int().positive(),
      backend: z.object({ name: z.string(), reason: z.string(), device: z.string().optional() }),
      timings: z.array(z.object({ stage: z.string(), seconds: z.number().nonnegative() })),
    }),
    dataset: z.object({
      name: z.string(),
      split: z.string(),
      count: z.number().int().nonnegative(),
      shape: z
        .tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()])
        .describe('height, width, channels'),
    }),
    extractor: extractorInfo,
    extractors: z
      .array(extractorInfo)
      .optional()
      .describe('every feature space of the run, in config order; later spaces key metrics as <id>@<space>'),
    models: z.array(
      z.object({
        name: z.string(),
        family: z.union([family, z.literal('unknown')]),
        bundle: z.string(),
        hash: z.string().describe("sha256 over the bundle's manifest and weight files"),
        parameters: z.number().int().nonnegative(),
        status: z.enum(['ok', 'failed']),
        error: z.string().optional(),
        samplesPerSecond: z
          .number()
          .nonnegative()
          .optional()
          .describe('images per second while sampling, on the named backend'),
        samplingThreads: z
          .number()
          .int()
          .min(2)
          .optional()
          .describe('threads that drew the samples, when more than one'),
        samples: z
          .number()
          .int()
          .positive()
          .optional()
          .describe(
            'generated images this model was measured on, where the config gave it its own count (else run.samples)',
          ),
        runtime: z
          .string()
          .optional()
          .describe(
            'what ran the components: TensorFlow.js, or onnxruntime-node with its execution provider and threads ("; " between runtimes of a mixed bundle)',
          ),
      }),
    ),
    metrics: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        unit: z.string(),
        direction: z.enum(['lower', 'higher', 'near-one']),
        definition: z.string(),
        reference: z.string(),
        space: z
          .string()
          .optional()
          .describe('the feature space a distance metric was computed in (absent: the first)'),
      }),
    ),
    results: z.record(z.string(), z.record(z.string(), metricCell)).describe('model name → metric id → cell'),
    charts: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        caption: z.string(),
        spec: z.unknown().describe('the Vega-Lite spec the SVG was rendered from'),
        svg: z.string(),
      }),
    ),
    images: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        caption: z.string(),
        model: z.string().optional(),
        section: z.literal('invertibility').optional(),
        dataUri: z.string().describe('data:image/png;base64,...'),
        width: z.number().int().nonnegative(),
        height: z.number().int().nonnegative(),
      }),
    ),
    warnings: z.array(z.string()),
    training: trainingSection.optional(),
    trend: trendSection.optional(),
    density: densitySection.optional(),
    invertibility: invertibilitySection.optional(),
    truncation: z.array(truncationSweep).optional(),
    human: humanSection.optional(),
    differences: z.array(differenceToBest).optional().describe("every model's paired difference to the best model"),
  })
  .meta({ title: 'genreport report', description: `A report.json written by genreport (format ${REPORT_FORMAT}).` });

// Drift checks: each line fails to compile when the schema and ReportData disagree.
type Parsed = z.output<typeof reportDataSchema>;
type Accepted = z.input<typeof reportDataSchema>;
type Assert<T extends true> = T;
export type SchemaMatchesReportData = [
  Assert<Parsed extends ReportData ? true : false>,
  Assert<ReportData extends Accepted ? true : false>,
];

/** JSON Schema (draft 2020-12) of a report.json, as committed in schema/report.schema.json. */
export function reportJsonSchema(): Record<string, unknown> {
  // 'input': what a file may contain (defaulted threshold fields may be left out).
  return z.toJSONSchema(reportDataSchema, { io: 'input' });
}

/** Most problems listed in one error: a wholly foreign file would otherwise print hundreds. */
const MAX_PROBLEMS = 10;

/** Check a parsed report.json; throws an input error naming `file` and each bad field. */
export function parseReportData(raw: unknown, file: string): ReportData {
  const parsed = reportDataSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const problems = issues.slice(0, MAX_PROBLEMS).map((issue) => ({
    file,
    field: issue.path.map(String).join('.') || undefined,
    message: issue.path[0] === 'format' ? `is not a genreport report (expected "${REPORT_FORMAT}")` : issue.message,
  }));
  if (issues.length > MAX_PROBLEMS)
    problems.push({ file, field: undefined, message: `and ${issues.length - MAX_PROBLEMS} more problems` });
  throw new GenreportError(problems);
}
