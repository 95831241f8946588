/**
 * The extractor registry: every kind of feature extractor a user can name
 * with --extractor (or in a run config), one file per kind. A spec is
 *   mnist-classifier           the built-in MNIST domain classifier;
 *   path/to/file.onnx          an ONNX file (declared by its sidecar, if any);
 *   <preset>=path/to/file.onnx an ONNX file checked against a preset
 *                              (inception-fid, dinov2-vitl14, clip-vitb32);
 *   path/to/model.json         a TensorFlow.js LayersModel (a layer's output)
 *                              or GraphModel (an output node), declared alike.
 * Heavy runtimes are imported by the kind that needs them, when it loads.
 */
import { inputError } from '../core/errors.ts';
import type { FeatureExtractor } from './extractor.ts';
import type { Sidecar } from './declaration.ts';
import { PRESETS } from './presets.ts';

export interface ExtractorOptions {
  warn?: (message: string) => void;
  /** A declaration given inline (a run config's `features:` entry) instead of a sidecar; `where` names the config file. */
  inline?: { fields: Record<string, unknown>; where: string; field: string };
}

export interface ExtractorKind {
  id: string;
  /** One line for --help. */
  usage: string;
  matches(spec: string): boolean;
  /** True when the kind runs on TensorFlow.js, whose backend must be initialised first. */
  tfjs: boolean;
  load(spec: string, options: ExtractorOptions): Promise<FeatureExtractor>;
}

function presetAndFile(spec: string): { preset?: string; file: string } {
  const eq = spec.indexOf('=');
  if (eq > 0 && spec.slice(0, eq) in PRESETS) return { preset: spec.slice(0, eq), file: spec.slice(eq + 1) };
  return { file: spec };
}

export const EXTRACTOR_KINDS: readonly ExtractorKind[] = [
  {
    id: 'mnist-classifier',
    usage: 'mnist-classifier (built in)',
    matches: (spec) => spec === 'mnist-classifier',
    tfjs: true,
    load: async () => (await import('./mnist-classifier.ts')).loadMnistClassifier(),
  },
  {
    id: 'tfjs',
    usage: 'model.json (TensorFlow.js LayersModel or GraphModel; sidecar "features" names the layer or output node)',
    matches: (spec) => presetAndFile(spec).file.toLowerCase().endsWith('.json'),
    tfjs: true,
    load: async (spec, options) => {
      const { preset, file } = presetAndFile(spec);
      return (await import('./tfjs-extractor.ts')).loadTfjsExtractor(file, {
        preset,
        warn: options.warn,
        inline: await inlineSidecar(options),
      });
    },
  },
  {
    id: 'onnx',
    usage: `file.onnx, or <preset>=file.onnx with a preset of ${Object.keys(PRESETS).join(', ')}`,
    matches: (spec) => presetAndFile(spec).file.toLowerCase().endsWith('.onnx'),
    tfjs: false,
    load: async (spec, options) => {
      const { preset, file } = presetAndFile(spec);
      return (await import('./onnx-extractor.ts')).loadOnnxExtractor(file, {
        preset,
        warn: options.warn,
        inline: await inlineSidecar(options),
      });
    },
  },
];

/** The declaration's schema (zod) is loaded with an extractor that has one, not by every command that lists the kinds. */
async function inlineSidecar(options: ExtractorOptions): Promise<{ sidecar: Sidecar; where: string } | undefined> {
  const inline = options.inline;
  if (!inline) return undefined;
  const { parseSidecar } = await import('./declaration.ts');
  return { sidecar: parseSidecar(inline.fields, inline.where, inline.field.split('.')), where: inline.where };
}

export const EXTRACTOR_USAGE = EXTRACTOR_KINDS.map((k) => k.usage).join('; ');

export function extractorKind(spec: string): ExtractorKind {
  const kind = EXTRACTOR_KINDS.find((k) => k.matches(spec));
  if (kind) return kind;
  if (spec in PRESETS)
    throw inputError(
      undefined,
      `preset "${spec}" needs the exported file: --extractor ${spec}=path/to/file.onnx (export recipe in docs/feature-spaces.md)`,
      '--extractor',
    );
  throw inputError(undefined, `unknown extractor '${spec}' (known: ${EXTRACTOR_USAGE})`, '--extractor');
}

/** The extractor a spec names, with TensorFlow.js initialised first where the kind runs on it. */
export async function loadExtractor(
  spec: string,
  options: ExtractorOptions = {},
  initTfjs: () => Promise<unknown> = async () => {},
): Promise<FeatureExtractor> {
  const kind = extractorKind(spec);
  if (kind.id === 'mnist-classifier' && options.inline && Object.keys(options.inline.fields).length > 0) {
    throw inputError(
      options.inline.where,
      `the built-in mnist-classifier takes no declaration (got ${Object.keys(options.inline.fields).join(', ')})`,
      options.inline.field,
    );
  }
  if (kind.tfjs) await initTfjs();
  return kind.load(spec, options);
}
