/**
 * What an extractor file expects, declared rather than guessed: read from an
 * optional sidecar `<file>.extractor.json`, merged over a preset and the
 * defaults. Without a sidecar an ONNX extractor receives NCHW float32 RGB in
 * [0, 1] at the images' own size, and its first output, flattened per
 * image, is the feature vector. Unknown sidecar fields are an error.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { GenreportError, inputError } from '../core/errors.ts';
import { readJsonInput } from '../core/input-file.ts';
import { RESIZE_MODES } from './preprocess/resize.ts';
import type { ExtractorDeclaration } from './extractor-declaration.ts';
import { PRESETS, type Preset } from './presets.ts';

export type { ExtractorDeclaration };

export const DEFAULT_DECLARATION: ExtractorDeclaration = {
  layout: 'NCHW',
  channels: 3,
  range: [0, 1],
  size: 'any',
  resize: 'none',
};
/** TensorFlow.js models take NHWC, as TensorFlow does. */
export const TFJS_DEFAULT_DECLARATION: ExtractorDeclaration = { ...DEFAULT_DECLARATION, layout: 'NHWC' };

const positiveInt = z.number().int().positive();

export const sidecarSchema = z
  .object({
    name: z.string().min(1),
    preset: z.enum(Object.keys(PRESETS) as [string, ...string[]]),
    layout: z.enum(['NCHW', 'NHWC']),
    channels: z.union([z.literal(1), z.literal(3)]),
    range: z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi, 'range must be [low, high] with low < high'),
    mean: z.array(z.number()).min(1),
    std: z.array(z.number().positive()).min(1),
    size: z.union([z.literal('any'), positiveInt, z.tuple([positiveInt, positiveInt])]),
    resize: z.enum(RESIZE_MODES),
    input: z.string().min(1),
    features: z.string().min(1),
    probabilities: z.string().min(1),
    classes: z.array(z.string()).min(2),
  })
  .partial()
  .strict();

export type Sidecar = z.infer<typeof sidecarSchema>;

export function sidecarPath(file: string): string {
  return `${file}.extractor.json`;
}

/** The sidecar beside `file`, or null when there is none; every problem reported at once, file and field named. */
export function readSidecar(file: string): Sidecar | null {
  const path = sidecarPath(file);
  if (!existsSync(path)) return null;
  return parseSidecar(readJsonInput(path, 'sidecar not found'), path);
}

/**
 * A declaration's fields checked against the sidecar schema: a sidecar file's
 * content, or a run config's inline `features:` block (`where` names it, and
 * `prefix` the block's field path in that file).
 */
export function parseSidecar(raw: unknown, where: string, prefix: string[] = []): Sidecar {
  const parsed = sidecarSchema.safeParse(raw);
  if (!parsed.success) {
    throw new GenreportError(
      parsed.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({
              file: where,
              field: [...prefix, ...issue.path, key].join('.'),
              message: `unknown field (known: ${Object.keys(sidecarSchema.shape).join(', ')})`,
            }))
          : [{ file: where, field: [...prefix, ...issue.path].join('.') || undefined, message: issue.message }],
      ),
    );
  }
  return parsed.data;
}

/** Defaults, then the preset, then the sidecar; a sidecar may not contradict its preset. */
export function resolveDeclaration(
  file: string,
  sidecar: Sidecar | null,
  preset: Preset | undefined,
  defaults: ExtractorDeclaration = DEFAULT_DECLARATION,
): ExtractorDeclaration {
  const where = sidecar ? sidecarPath(file) : file;
  if (sidecar?.preset && preset && sidecar.preset !== preset.id) {
    throw inputError(where, `says preset "${sidecar.preset}", the command line names "${preset.id}"`, 'preset');
  }
  const chosen = preset ?? (sidecar?.preset ? PRESETS[sidecar.preset] : undefined);
  const { size, ...rest } = sidecar ?? {};
  const declared: Partial<ExtractorDeclaration> = {
    ...rest,
    ...(size === undefined ? {} : { size: typeof size === 'number' ? [size, size] : size }),
  };
  if (chosen) {
    for (const [field, value] of Object.entries(chosen.declaration)) {
      if (field === 'name') continue;
      const mine = declared[field as keyof ExtractorDeclaration];
      if (mine !== undefined && JSON.stringify(mine) !== JSON.stringify(value)) {
        throw inputError(
          where,
          `is ${JSON.stringify(mine)}, preset "${chosen.id}" fixes it to ${JSON.stringify(value)}`,
          field,
        );
      }
    }
  }
  const merged: ExtractorDeclaration = { ...defaults, ...(chosen?.declaration ?? {}), ...declared, preset: chosen?.id };
  for (const field of ['mean', 'std'] as const) {
    const v = merged[field];
    if (v && v.length !== merged.channels)
      throw inputError(where, `has ${v.length} values for ${merged.channels} channel(s)`, field);
  }
  if (merged.classes && !merged.probabilities)
    throw inputError(where, 'names classes but no probabilities output', 'classes');
  return merged;
}
