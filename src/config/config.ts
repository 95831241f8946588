/**
 * The run configuration (YAML): parse -> normalise -> validate, collecting
 * every problem before reporting, each with the file and field named.
 * Paths in the file are relative to the file itself.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { GenreportError } from '../core/errors.ts';
import { readYamlInput } from '../core/input-file.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { defaultTrainSource, isNamedDataSet } from '../core/data-set-names.ts';
import { DEFAULT_THRESHOLDS, diagnosticThresholdsSchema } from '../diagnostics/thresholds.ts';

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
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only').optional(),
      family: z.enum(['gan', 'vae', 'flow', 'autoregressive']).optional(),
      samples: positiveInt.optional(),
    })
    .strict(),
]);
export { modelPath, modelSamples, type ModelSpec } from '../core/model-spec.ts';

/** One feature space: an extractor spec as `--extractor` takes it, or `{ extractor: spec, ...sidecar fields }`. */
const featureSpaceSchema = z.union([
  z.string().min(1),
  z.object({ extractor: z.string().min(1) }).passthrough(),
]);

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
    title: z.string().min(1).default('Generative model comparison'),
    data: z
      .object({
        /** The real reference set: `mnist:test`, `mnist:train`, an image folder, or .npy/.npz of images. */
        real: z.string().min(1).default('mnist:test'),
        /** How many real images to use (default: all). */
        count: positiveInt.optional(),
        /** A stats file (`genreport stats`) caching the real set's features: reused when it matches, written when absent. */
        stats: z.string().min(1).optional(),
        /**
         * The models' training data, for the memorisation check and the density reference.
         * Default: the named set's train split (mnist:* -> mnist:train, cifar10:* -> cifar10:train); none for other data.
         */
        train: z.string().min(1).optional(),
        /** How many training images the memorisation check compares with. */
        trainCount: positiveInt.default(10000),
      })
      .strict()
      .default({ real: 'mnist:test', trainCount: 10000 }),
    /**
     * The feature space(s) every distance metric is computed in: one extractor spec or a list
     * (the first is the headline space). Default: mnist-classifier.
     */
    features: z.union([featureSpaceSchema, z.array(featureSpaceSchema).min(1, 'list at least one extractor')]).optional(),
    /** Model bundle folders, or samples-only models (a folder of images, an .npy/.npz of images), each a path or `{ path, name, family }`. */
    models: z.array(modelSpecSchema).min(1, 'list at least one model bundle folder'),
    samples: positiveInt.default(1000),
    seed: z.number().int().nonnegative().default(1),
    batchSize: positiveInt.default(250),
    metrics: z.array(z.string()).optional(),
    kid: z
      .object({ subsets: positiveInt.default(100), subsetSize: positiveInt.default(1000) })
      .strict()
      .default({ subsets: 100, subsetSize: 1000 }),
    /** Seeded bootstrap over the generated set for the headline metrics' 95% intervals (0: none). */
    bootstrap: z.object({ resamples: z.number().int().nonnegative().default(100) }).strict().default({ resamples: 100 }),
    /** Thresholds for the training diagnostics; see src/diagnostics/thresholds.ts. */
    diagnostics: diagnosticThresholdsSchema.default(DEFAULT_THRESHOLDS),
    /**
     * Likelihoods on the first `images` real images (they must be 8-bit): K draws
     * for a VAE's ELBO and IWAE, S dequantization draws for a flow; `parzen` adds
     * the unreliable Parzen estimate for GANs. The independent-pixels reference is
     * fit on `referenceTrainImages` of data.train.
     */
    density: z
      .object({
        images: positiveInt.default(500),
        iwaeSamples: positiveInt.default(16),
        dequantizationSamples: positiveInt.default(1),
        parzen: z.boolean().default(false),
        referenceTrainImages: positiveInt.default(60000),
      })
      .strict()
      .default({ images: 500, iwaeSamples: 16, dequantizationSamples: 1, parzen: false, referenceTrainImages: 60000 }),
    /** Reconstruction, inversion and completion on the first `images` real images; GAN inversion by Adam. */
    invertibility: z
      .object({
        images: positiveInt.default(16),
        restarts: positiveInt.default(2),
        steps: z.number().int().nonnegative().default(100),
        learningRate: z.number().positive().default(0.05),
      })
      .strict()
      .default({ images: 16, restarts: 2, steps: 100, learningRate: 0.05 }),
    /** GAN truncation sweep: latents scaled by ψ, precision and recall at each. */
    truncation: z
      .object({ psi: z.array(z.number().positive().max(1)).min(1).default([0.5, 0.6, 0.7, 0.8, 0.9, 1]), samples: positiveInt.default(500) })
      .strict()
      .default({ psi: [0.5, 0.6, 0.7, 0.8, 0.9, 1], samples: 500 }),
    /** Human judgments from a rating session (`genreport rate`): its ratings.jsonl; `resamples` for the preference intervals. */
    human: z
      .object({ ratings: z.string().min(1), resamples: z.number().int().nonnegative().default(1000) })
      .strict()
      .optional(),
    output: z
      .object({ pdf: z.boolean().default(true), paper: z.enum(['A4', 'Letter']).default('A4') })
      .strict()
      .default({ pdf: true, paper: 'A4' }),
  })
  .strict();

/**
 * The checked config; `features` is always a non-empty list and `featuresDefaulted`
 * says the config named none (so the run warns when the default does not fit the data).
 */
export type RunConfig = Omit<z.infer<typeof configSchema>, 'features'> & { features: FeatureSpaceConfig[]; featuresDefaulted?: boolean };

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
    return preset ? `${preset[1]}=${abs(preset[2])}` : abs(spec);
  };
  const spaces = config.features === undefined ? [] : Array.isArray(config.features) ? config.features : [config.features];
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
