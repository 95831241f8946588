/**
 * The run configuration (YAML): parse -> normalise -> validate, collecting
 * every problem before reporting, each with the file and field named.
 * Paths in the file are relative to the file itself.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { GenreportError } from '../core/errors.ts';
import { FAMILIES } from '../core/families.ts';
import { readYamlInput } from '../core/input-file.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { defaultTrainSource, isNamedDataSet } from '../core/data-set-names.ts';
import { diagnosticThresholdsSchema } from '../diagnostics/thresholds.ts';

const positiveInt = z.number().int().positive();

/**
 * A `models:` entry: a path, or `{ path, name, family, samples }` where name and
 * family label a samples-only model (a bundle's own manifest names it) and
 * samples overrides the run's `samples` for this model alone.
 */
const modelSpecSchema: z.ZodType<ModelSpec> = z.union([
  z.string().min(1),
  z
    .object({
      path: z.string().min(1),
      name: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only')
        .optional(),
      family: z.enum(FAMILIES).optional(),
      samples: positiveInt.optional(),
    })
    .strict(),
]);
export { modelPath, modelSamples, type ModelSpec } from '../core/model-spec.ts';

/** One feature space: an extractor spec as `--extractor` takes it, or `{ extractor: spec, ...sidecar fields }`. */
const featureSpaceSchema = z.union([z.string().min(1), z.object({ extractor: z.string().min(1) }).passthrough()]);

/**
 * A feature space as the run uses it: `spec` with its file made absolute against
 * the config file, and the inline declaration (sidecar fields, checked when the
 * extractor loads) where the config gives one.
 */
export interface FeatureSpaceConfig {
  spec: string;
  declaration?: Record<string, unknown>;
}

/** The built-in extractor, the default feature space (fits MNIST data only). */
export const DEFAULT_EXTRACTOR = 'mnist-classifier';

export const configSchema = z
  .object({
    title: z.string().min(1).default('Generative model comparison').describe("The report's title."),
    data: z
      .object({
        real: z
          .string()
          .min(1)
          .default('mnist:test')
          .describe(
            'The real images the models are compared with: mnist:test, mnist:train, cifar10:test, cifar10:train, an image folder (class subfolders give labels) or an .npy/.npz of images.',
          ),
        count: positiveInt.optional().describe('How many real images to use (default: all).'),
        stats: z
          .string()
          .min(1)
          .optional()
          .describe(
            "A stats file (`genreport stats`) caching the real set's features: reused when it matches, written when absent.",
          ),
        train: z
          .string()
          .min(1)
          .optional()
          .describe(
            "The models' training images, for the memorisation check and the density reference. Default: the named set's train split (mnist:* -> mnist:train, cifar10:* -> cifar10:train); none for other data.",
          ),
        trainCount: positiveInt
          .default(10000)
          .describe('How many training images the memorisation check compares with.'),
      })
      .strict()
      .prefault({})
      .describe('Real data.'),
    features: z
      .union([featureSpaceSchema, z.array(featureSpaceSchema).min(1, 'list at least one extractor')])
      .optional()
      .describe(
        'The feature space(s) every distance metric is computed in: mnist-classifier, an .onnx or tfjs model file, a preset with its file (inception-fid=pt_inception.onnx, dinov2-vitl14=..., clip-vitb32=...), or a list of them (the first is the headline space). Default: mnist-classifier. See docs/feature-spaces.md.',
      ),
    models: z
      .array(modelSpecSchema)
      .min(1, 'list at least one model bundle folder')
      .describe(
        'Model bundle folders (genmodel.json inside), or samples-only models (a folder of images, an .npy/.npz of images), each a path or { path, name, family, samples } (samples: a sample count for this model alone, for a slow sampler). See docs/model-bundles.md.',
      ),
    samples: positiveInt.default(1000).describe('Generated images per model.'),
    seed: z
      .number()
      .int()
      .nonnegative()
      .default(1)
      .describe('Seed for latents, subsets and resamples: the same seed gives the same report.'),
    batchSize: positiveInt.default(250).describe('Images per batch through models and extractors.'),
    metrics: z
      .array(z.string())
      .optional()
      .describe('Which metrics to compute (default: all; `genreport metrics --help` lists them).'),
    kid: z
      .object({
        subsets: positiveInt.default(100).describe('Random subsets KID averages over.'),
        subsetSize: positiveInt.default(1000).describe('Images per subset (capped at the smaller set).'),
      })
      .strict()
      .prefault({})
      .describe('Kernel inception distance.'),
    bootstrap: z
      .object({ resamples: z.number().int().nonnegative().default(100).describe('Resamples (0: no intervals).') })
      .strict()
      .prefault({})
      .describe("Seeded bootstrap over the generated set for the headline metrics' 95% intervals."),
    diagnostics: diagnosticThresholdsSchema
      .prefault({})
      .describe("Thresholds of the training diagnostics, read from each bundle's training log."),
    density: z
      .object({
        images: positiveInt
          .default(500)
          .describe('Likelihoods on the first this many real images (they must be 8-bit).'),
        iwaeSamples: positiveInt.default(16).describe("K draws for a VAE's ELBO and IWAE bound."),
        dequantizationSamples: positiveInt.default(1).describe('S dequantization draws for a flow.'),
        parzen: z.boolean().default(false).describe('Add the (unreliable) Parzen-window estimate for GANs.'),
        referenceTrainImages: positiveInt
          .default(60000)
          .describe('The independent-pixels reference is fit on this many images of data.train.'),
      })
      .strict()
      .prefault({})
      .describe('Likelihood in bits/dim, for the families that have one.'),
    invertibility: z
      .object({
        images: positiveInt
          .default(16)
          .describe('Reconstruction, inversion and completion on the first this many real images.'),
        restarts: positiveInt.default(2).describe('GAN inversion: random starts per image.'),
        steps: z.number().int().nonnegative().default(100).describe('GAN inversion: Adam steps per start.'),
        learningRate: z.number().positive().default(0.05).describe("GAN inversion: Adam's learning rate."),
      })
      .strict()
      .prefault({})
      .describe('How well each model maps images back to its latent space and out again.'),
    truncation: z
      .object({
        psi: z
          .array(z.number().positive().max(1))
          .min(1)
          .default([0.5, 0.6, 0.7, 0.8, 0.9, 1])
          .describe(
            'Truncation values ψ (GAN latents scaled by ψ, but for the coordinates a bundle keeps: latent.untruncated).',
          ),
        samples: positiveInt.default(500).describe('Samples per ψ.'),
      })
      .strict()
      .prefault({})
      .describe('GAN truncation sweep: precision and recall at each ψ.'),
    human: z
      .object({
        ratings: z.string().min(1).describe('The ratings.jsonl a rating session (`genreport rate`) wrote.'),
        resamples: z
          .number()
          .int()
          .nonnegative()
          .default(1000)
          .describe('Bootstrap resamples for the preference intervals.'),
      })
      .strict()
      .optional()
      .describe('Human judgments (see docs/human-judgments.md).'),
    output: z
      .object({
        pdf: z.boolean().default(true).describe('Print report.pdf with Chromium.'),
        paper: z.enum(['A4', 'Letter']).default('A4').describe('PDF paper size.'),
      })
      .strict()
      .prefault({})
      .describe('What to write besides report.html, report.json, report.md and table.tex.'),
  })
  .strict();

/**
 * The checked config; `features` is always a non-empty list and `featuresDefaulted`
 * says the config named none (so the run warns when the default does not fit the data).
 */
export type RunConfig = Omit<z.infer<typeof configSchema>, 'features'> & {
  features: FeatureSpaceConfig[];
  featuresDefaulted?: boolean;
};

export interface LoadedConfig {
  config: RunConfig;
  /** Absolute path of the config file ('' for a config built in code). */
  file: string;
}

export function readConfig(path: string): LoadedConfig {
  const file = resolve(path);
  // Messages name the path as the user wrote it.
  const raw = readYamlInput(path, 'config file not found');
  return { config: validateConfig(raw, path, dirname(file)), file };
}

/** Validate a raw object; model and data paths become absolute against `baseDir`. */
export function validateConfig(raw: unknown, file: string, baseDir: string): RunConfig {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new GenreportError(
      parsed.error.issues.map((issue) => ({ file, field: issue.path.join('.') || undefined, message: issue.message })),
    );
  }
  const config = parsed.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const dataSpec = (spec: string) => (isNamedDataSet(spec) ? spec : abs(spec));
  const extractorSpec = (spec: string): string => {
    if (spec === DEFAULT_EXTRACTOR) return spec;
    // `<preset>=file`: only the file part is a path.
    const preset = /^([a-z0-9][a-z0-9-]*)=(.+)$/.exec(spec);
    return preset ? `${preset[1]}=${abs(preset[2]!)}` : abs(spec);
  };
  const spaces =
    config.features === undefined ? [] : Array.isArray(config.features) ? config.features : [config.features];
  const features: FeatureSpaceConfig[] = spaces.map((space) => {
    if (typeof space === 'string') return { spec: extractorSpec(space) };
    const { extractor, ...declaration } = space;
    return { spec: extractorSpec(extractor), declaration };
  });
  return {
    ...config,
    features: features.length > 0 ? features : [{ spec: DEFAULT_EXTRACTOR }],
    ...(features.length === 0 ? { featuresDefaulted: true } : {}),
    models: config.models.map((m) => (typeof m === 'string' ? abs(m) : { ...m, path: abs(m.path) })),
    data: {
      ...config.data,
      real: dataSpec(config.data.real),
      train: config.data.train ? dataSpec(config.data.train) : defaultTrainSource(config.data.real),
      stats: config.data.stats && abs(config.data.stats),
    },
    ...(config.human ? { human: { ...config.human, ratings: abs(config.human.ratings) } } : {}),
  };
}
