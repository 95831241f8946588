/**
 * The model bundle manifest, `genmodel.json`: what a model is and where its
 * TensorFlow.js components live. Validation reports every problem at once,
 * each naming the file and the field.
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { resolveInside } from '../core/contained-path.ts';
import { GenreportError, type Problem } from '../core/errors.ts';
import { FAMILIES } from '../core/families.ts';
import { readJsonInput } from '../core/input-file.ts';
import { PIXEL_FORMS } from '../likelihood/pixel-forms.ts';
import { hybridProblems } from './hybrid-manifest.ts';

export const MANIFEST_FORMAT = 'genreport-model/1';
export const MANIFEST_FILE = 'genmodel.json';

/**
 * Sanity limits, far above any model this tool compares: a hostile or mistyped
 * manifest (latent.dim 1e9, 100000×100000 images) is refused with the field
 * named instead of trying to allocate gigabytes.
 */
export const MAX_IMAGE_SIDE = 4096;
export const MAX_LATENT_DIM = 2 ** 24;
export const MAX_CODEBOOK = 65536;

const side = z
  .number()
  .int()
  .positive()
  .max(MAX_IMAGE_SIDE, `must be at most ${MAX_IMAGE_SIDE} pixels (a sanity limit)`);
const range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi, 'must be [low, high] with low < high');
const componentPath = z.string().min(1).nullable().optional();

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
  family: z.enum(FAMILIES),
  description: z.string().optional(),
  image: z.object({
    height: side,
    width: side,
    channels: z.union([z.literal(1), z.literal(3)], { error: 'must be 1 (greyscale) or 3 (RGB)' }),
    range,
  }),
  latent: z
    .object({
      dim: z.number().int().positive().max(MAX_LATENT_DIM, `must be at most ${MAX_LATENT_DIM} (a sanity limit)`),
      /** The prior: N(0, I), U[−1, 1]^d, or a mixture of diagonal Gaussians (VAE and flow only; src/models/latent-prior.ts). */
      distribution: z.enum(['normal', 'uniform', 'gaussian-mixture']),
      /** With gaussian-mixture: the JSON file in the bundle holding weights, means and log-variances. */
      mixture: z.string().min(1).optional(),
      /**
       * GAN only: latent coordinates the truncation trick leaves alone, such as one
       * the generator reads its class from (as BigGAN truncates the noise, not the class).
       */
      untruncated: z.array(z.number().int().nonnegative()).optional(),
    })
    .nullable()
    .optional(),
  /**
   * What the model's likelihood is and the discrete space it is defined on
   * (docs/model-bundles.md). Likelihoods are compared only within one data space.
   */
  likelihood: z
    .object({
      kind: z.enum(['exact', 'bound']),
      dataSpace: z.string().regex(/^uint8-\d+x\d+x\d+$/, 'must be "uint8-<height>x<width>x<channels>" (8-bit images)'),
      /** How a decoder or autoregressive model's per-pixel outputs are read. */
      form: z.enum(PIXEL_FORMS).optional(),
      /** How a flow turns 8-bit pixels into continuous values. */
      dequantization: z.enum(['uniform']).optional(),
    })
    .nullable()
    .optional(),
  /**
   * Autoregressive only: how far a pixel's conditional reaches. Pixel (h, w)'s
   * parameters depend only on pixels in rows h − rowsAbove … h and columns
   * w − columnsLeft … w + columnsRight, so sampling can run the model on that
   * crop instead of the whole image, with the same result.
   */
  context: z
    .object({
      rowsAbove: z.number().int().nonnegative(),
      columnsLeft: z.number().int().nonnegative(),
      columnsRight: z.number().int().nonnegative(),
    })
    .optional(),
  /**
   * Hybrid only: the grid of discrete codes the encoder makes and the prior
   * models (height × width positions, each one of `size` codebook vectors).
   */
  codes: z
    .object({
      height: side,
      width: side,
      size: z
        .number()
        .int()
        .min(2, 'a codebook has at least 2 vectors')
        .max(MAX_CODEBOOK, `must be at most ${MAX_CODEBOOK} (a sanity limit)`),
    })
    .optional(),
  components: z.object({
    generator: componentPath,
    encoder: componentPath,
    decoder: componentPath,
    flow: componentPath,
    /** A flow as two files (ONNX): images → (z, log|det|), and z → images. */
    forward: componentPath,
    inverse: componentPath,
    model: componentPath,
    above: componentPath,
    row: componentPath,
    /** Hybrid: the codebook (a JSON file of vectors, src/models/codebook.ts) and the autoregressive prior over the code grid, one model or split as above/row. */
    codebook: componentPath,
    prior: componentPath,
    priorAbove: componentPath,
    priorRow: componentPath,
  }),
  /**
   * How ONNX components lay out images: `nchw` (PyTorch's, the default) or
   * `nhwc`. TensorFlow.js components are always NHWC.
   */
  layout: z.enum(['nchw', 'nhwc']).optional(),
  /**
   * Input and output names of an ONNX component, in the order the family
   * reads them (docs/model-bundles.md); needed only where a file has several.
   */
  io: z
    .record(
      z.string(),
      z
        .object({ inputs: z.array(z.string().min(1)).optional(), outputs: z.array(z.string().min(1)).optional() })
        .strict(),
    )
    .optional(),
  training: z
    .object({
      log: z.string().nullable().optional(),
      card: z.string().nullable().optional(),
    })
    .optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ComponentName = keyof Manifest['components'];

export interface LoadedManifest {
  manifest: Manifest;
  /** Absolute path of genmodel.json. */
  file: string;
  /** Absolute folder of the bundle, as the user named it (for display). */
  dir: string;
  /** The bundle's real folder (symlinks resolved): every path the bundle names must resolve inside it. */
  root: string;
}

/** Read and validate `<bundleDir>/genmodel.json` (or a path to the file itself). */
export function readManifest(path: string): LoadedManifest {
  const file = path.endsWith('.json') ? resolve(path) : resolve(path, MANIFEST_FILE);
  const dir = dirname(file);
  const notFound = 'model bundle manifest not found (a bundle is a folder with genmodel.json)';
  // The folder may be a symlink (the user's choice); the manifest in it may not lead out.
  const root = existsSync(dir) ? realpathSync(dir) : dir;
  if (existsSync(dir)) resolveInside(root, basename(file), { file }, { notFound });
  const raw = readJsonInput(file, notFound);
  return { manifest: validateManifest(raw, file), file, dir, root };
}

interface FamilyNeeds {
  /** The component sets a bundle of this family may declare: exactly one of them. */
  components: ComponentName[][];
  latent: boolean;
  /** The likelihood kind the tool computes for this family on 8-bit data; null: none. */
  likelihood: 'exact' | 'bound' | null;
  /** The likelihood field that says how to read the model's outputs. */
  likelihoodField?: 'form' | 'dequantization';
}

/** Components each family needs, whether it must declare a latent, and its likelihood. */
const FAMILY_NEEDS: Record<Manifest['family'], FamilyNeeds> = {
  gan: { components: [['generator']], latent: true, likelihood: null },
  vae: { components: [['encoder', 'decoder']], latent: true, likelihood: 'bound', likelihoodField: 'form' },
  // Evaluated at uniformly dequantized pixels: a lower bound on the 8-bit likelihood.
  // Its latent is optional: the base distribution, N(0, I) when absent.
  // One tfjs model of genreport flow layers, or two files (ONNX) for each direction.
  flow: {
    components: [['flow'], ['forward', 'inverse']],
    latent: false,
    likelihood: 'bound',
    likelihoodField: 'dequantization',
  },
  // One model over the whole image, or the same split in two so that sampling
  // can reuse the rows above (src/models/adapters/autoregressive.ts).
  autoregressive: {
    components: [['model'], ['above', 'row']],
    latent: false,
    likelihood: 'exact',
    likelihoodField: 'form',
  },
  // VQ-VAE with an autoregressive prior over its code grid (src/models/adapters/hybrid.ts): the
  // likelihood is a bound, log p(z_q(x)) + log p(x | z_q(x)), the decoder's output read by `form`.
  // Its prior, `prior` or `priorAbove` + `priorRow`, is checked in hybrid-manifest.ts.
  hybrid: {
    components: [['encoder', 'codebook', 'decoder']],
    latent: false,
    likelihood: 'bound',
    likelihoodField: 'form',
  },
};

export function validateManifest(raw: unknown, file: string): Manifest {
  const parsed = manifestSchema.safeParse(raw);
  const problems: Problem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ file, field: issue.path.join('.') || undefined, message: issue.message }));
  // Checked on the raw object too, so they are reported alongside shape errors.
  problems.push(...familyProblems(raw, file));
  if (problems.length > 0 || !parsed.success) throw new GenreportError(problems);
  return parsed.data;
}

function familyProblems(raw: unknown, file: string): Problem[] {
  const m = raw as {
    family?: unknown;
    components?: Record<string, unknown>;
    latent?: { dim?: unknown; distribution?: unknown; mixture?: unknown; untruncated?: unknown } | null;
    context?: unknown;
  } | null;
  const needs = typeof m?.family === 'string' ? FAMILY_NEEDS[m.family as Manifest['family']] : undefined;
  if (!m || !needs) return [];
  const problems = componentProblems(m.family as Manifest['family'], m.components, needs.components, file);
  if (needs.latent && !m.latent)
    problems.push({ file, field: 'latent', message: `${aFamily(m.family as string)} bundle must declare its latent` });
  problems.push(...latentProblems(m.family as Manifest['family'], m.latent, (raw as RawManifest).image, file));
  if (m.context !== undefined && m.family !== 'autoregressive') {
    problems.push({
      file,
      field: 'context',
      message: `only autoregressive bundles declare a context (how far a pixel's conditional reaches), not a ${m.family}`,
    });
  } else if (m.context !== undefined && !m.components?.model) {
    problems.push({
      file,
      field: 'context',
      message: 'a context says where components.model may be cropped; an above/row bundle has no such model',
    });
  }
  problems.push(...likelihoodProblems(raw as RawManifest, needs, file));
  problems.push(
    ...hybridProblems(
      raw as RawManifest & { codes?: unknown; latent?: unknown; components?: Record<string, unknown> },
      file,
    ),
  );
  return problems;
}

/** "a gan", "an autoregressive": the family with its article, for messages. */
function aFamily(family: string): string {
  return `${/^[aeiou]/.test(family) ? 'an' : 'a'} ${family}`;
}

/** Exactly one of the family's component sets, complete, and nothing from another. */
function componentProblems(
  family: Manifest['family'],
  components: Record<string, unknown> | undefined,
  sets: ComponentName[][],
  file: string,
): Problem[] {
  const present = (c: ComponentName) => Boolean(components?.[c]);
  const touched = sets.filter((set) => set.some(present));
  if (touched.length > 1) {
    const [first, second] = touched.map((set) => set.map((c) => `components.${c}`).join(' and '));
    return [
      { file, field: 'components', message: `${aFamily(family)} bundle declares ${first} or ${second}, not both` },
    ];
  }
  const chosen = touched[0];
  if (!chosen && sets.length > 1) {
    const options = sets.map((set) => set.map((c) => `components.${c}`).join(' and ')).join(', or ');
    return [{ file, field: 'components', message: `${aFamily(family)} bundle needs ${options}` }];
  }
  // Each family has at least one component set (core/families.ts).
  return (chosen ?? sets[0]!)
    .filter((c) => !present(c))
    .map((c) => ({ file, field: `components.${c}`, message: `${aFamily(family)} bundle needs this component` }));
}

/** What the latent's fields mean for this family: its prior, its size, the coordinates truncation keeps. */
function latentProblems(
  family: Manifest['family'],
  latent: { dim?: unknown; distribution?: unknown; mixture?: unknown; untruncated?: unknown } | null | undefined,
  image: RawManifest['image'],
  file: string,
): Problem[] {
  if (!latent) return [];
  const kept = latent.untruncated;
  if (Array.isArray(kept) && family !== 'gan')
    return [
      {
        file,
        field: 'latent.untruncated',
        message: `only a GAN's latent is truncated, so only a GAN declares coordinates truncation leaves alone, not ${aFamily(family)}`,
      },
    ];
  if (Array.isArray(kept) && Number.isInteger(latent.dim)) {
    const outside = kept.find((i) => typeof i === 'number' && i >= (latent.dim as number));
    if (outside !== undefined)
      return [
        {
          file,
          field: 'latent.untruncated',
          message: `coordinate ${outside} is outside the latent: latent.dim is ${String(latent.dim)}, so coordinates run from 0 to ${(latent.dim as number) - 1}`,
        },
      ];
  }
  const mixture = latent.distribution === 'gaussian-mixture';
  if (mixture && family !== 'vae' && family !== 'flow') {
    return [
      {
        file,
        field: 'latent.distribution',
        message: `only a VAE or a flow may declare a mixture prior (a ${family}'s truncation and inversion assume N(0, I) or U[-1, 1])`,
      },
    ];
  }
  if ((family === 'vae' || family === 'flow') && latent.distribution === 'uniform') {
    return [
      {
        file,
        field: 'latent.distribution',
        message: `${family === 'vae' ? "a VAE's prior" : "a flow's base distribution"} is "normal" (N(0, I)) or "gaussian-mixture"`,
      },
    ];
  }
  if (mixture && latent.mixture === undefined) {
    return [
      {
        file,
        field: 'latent.mixture',
        message: 'a gaussian-mixture prior names its JSON file in the bundle (weights, means, logVariances)',
      },
    ];
  }
  if (!mixture && latent.mixture !== undefined) {
    return [
      {
        file,
        field: 'latent.mixture',
        message: `only a gaussian-mixture prior has a mixture file, not a ${String(latent.distribution)} one`,
      },
    ];
  }
  const values = Number(image?.height) * Number(image?.width) * Number(image?.channels);
  if (family === 'flow' && Number.isInteger(values) && latent.dim !== values) {
    return [
      {
        file,
        field: 'latent.dim',
        message: `a flow's latent has one value per image value: ${values} (height x width x channels), not ${String(latent.dim)}`,
      },
    ];
  }
  return [];
}

type RawManifest = {
  family: string;
  image?: { height?: unknown; width?: unknown; channels?: unknown };
  likelihood?: { kind?: unknown; dataSpace?: unknown; form?: unknown; dequantization?: unknown } | null;
};

function likelihoodProblems(m: RawManifest, needs: FamilyNeeds, file: string): Problem[] {
  const declared = m.likelihood;
  if (needs.likelihood === null) {
    return declared
      ? [
          {
            file,
            field: 'likelihood',
            message: `a ${m.family} has no likelihood: set it to null (a Parzen estimate is a run option, not a model property)`,
          },
        ]
      : [];
  }
  if (!declared) {
    return [
      {
        file,
        field: 'likelihood',
        message: `${m.family} bundles must declare their likelihood (kind, dataSpace, ${needs.likelihoodField})`,
      },
    ];
  }
  const problems: Problem[] = [];
  if (declared.kind !== undefined && declared.kind !== needs.likelihood) {
    const why =
      m.family === 'flow'
        ? ' (its density at uniformly dequantized pixels bounds the 8-bit likelihood from below)'
        : '';
    problems.push({
      file,
      field: 'likelihood.kind',
      message: `${aFamily(m.family)} likelihood is "${needs.likelihood}", not "${String(declared.kind)}"${why}`,
    });
  }
  if (declared[needs.likelihoodField!] === undefined) {
    problems.push({
      file,
      field: `likelihood.${needs.likelihoodField}`,
      message: `${aFamily(m.family)} bundle must declare this`,
    });
  }
  const image = m.image;
  const ownSpace = image ? `uint8-${image.height}x${image.width}x${image.channels}` : undefined;
  if (typeof declared.dataSpace === 'string' && ownSpace && declared.dataSpace !== ownSpace) {
    problems.push({
      file,
      field: 'likelihood.dataSpace',
      message: `is "${declared.dataSpace}", but the images declared are ${ownSpace}`,
    });
  }
  return problems;
}
