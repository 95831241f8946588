/**
 * The model bundle manifest, `genmodel.json`: what a model is and where its
 * TensorFlow.js components live. Validation reports every problem at once,
 * each naming the file and the field.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { GenreportError, inputError, type Problem } from '../core/errors.ts';

export const MANIFEST_FORMAT = 'genreport-model/1';
export const MANIFEST_FILE = 'genmodel.json';

const range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi, 'must be [low, high] with low < high');
const componentPath = z.string().min(1).nullable().optional();

export const manifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
    family: z.enum(['gan', 'vae', 'flow', 'autoregressive']),
    description: z.string().optional(),
    image: z.object({
      height: z.number().int().positive(),
      width: z.number().int().positive(),
      channels: z.union([z.literal(1), z.literal(3)], { error: 'must be 1 (greyscale) or 3 (RGB)' }),
      range,
    }),
    latent: z
      .object({
        dim: z.number().int().positive(),
        distribution: z.enum(['normal', 'uniform']),
      })
      .nullable()
      .optional(),
    /** The discrete data space a likelihood is defined on (issue: density). */
    likelihood: z
      .object({
        kind: z.enum(['exact', 'bound']),
        dataSpace: z.string().min(1),
      })
      .nullable()
      .optional(),
    components: z.object({
      generator: componentPath,
      encoder: componentPath,
      decoder: componentPath,
      flow: componentPath,
      model: componentPath,
    }),
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
  /** Absolute folder of the bundle; component paths resolve against it. */
  dir: string;
}

/** Read and validate `<bundleDir>/genmodel.json` (or a path to the file itself). */
export function readManifest(path: string): LoadedManifest {
  const file = path.endsWith('.json') ? resolve(path) : resolve(path, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw inputError(file, 'model bundle manifest not found (a bundle is a folder with genmodel.json)');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw inputError(file, `is not valid JSON (${(e as Error).message})`);
  }
  return { manifest: validateManifest(raw, file), file, dir: dirname(file) };
}

/** Components each family needs, and whether it must declare a latent. */
const FAMILY_NEEDS: Record<Manifest['family'], { components: ComponentName[]; latent: boolean }> = {
  gan: { components: ['generator'], latent: true },
  vae: { components: ['encoder', 'decoder'], latent: true },
  flow: { components: ['flow'], latent: false },
  autoregressive: { components: ['model'], latent: false },
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
  const m = raw as { family?: unknown; components?: Record<string, unknown>; latent?: unknown } | null;
  const needs = typeof m?.family === 'string' ? FAMILY_NEEDS[m.family as Manifest['family']] : undefined;
  if (!m || !needs) return [];
  const problems: Problem[] = [];
  for (const c of needs.components) {
    if (!m.components?.[c]) problems.push({ file, field: `components.${c}`, message: `a ${m.family} bundle needs this component` });
  }
  if (needs.latent && !m.latent) problems.push({ file, field: 'latent', message: `a ${m.family} bundle must declare its latent` });
  return problems;
}
