/**
 * A user's ONNX file as a feature extractor: onnxruntime runs it
 * (src/models/runtimes/onnx.ts), declared-extractor.ts checks and feeds it.
 */
import { inputError } from '../core/errors.ts';
import { openOnnxModel } from '../models/runtimes/onnx.ts';
import { readSidecar, resolveDeclaration, sidecarPath, type Sidecar } from './declaration.ts';
import { declaredExtractor } from './declared-extractor.ts';
import type { FeatureExtractor } from './extractor.ts';
import { PRESETS } from './presets.ts';

export interface FileExtractorOptions {
  /** A preset id the file must match (`inception-fid=file.onnx` on the command line). */
  preset?: string;
  /** Console warnings (RGB to a 1-channel extractor). */
  warn?: (message: string) => void;
  /** A declaration given inline (a run config's `features:` block) instead of a sidecar file; `where` names it in messages. */
  inline?: { sidecar: Sidecar; where: string };
}

const RUNTIME_VERSION = '1.30.0';

export async function loadOnnxExtractor(file: string, options: FileExtractorOptions = {}): Promise<FeatureExtractor> {
  const preset = options.preset ? PRESETS[options.preset] : undefined;
  if (options.preset && !preset)
    throw inputError(file, `unknown preset "${options.preset}" (known: ${Object.keys(PRESETS).join(', ')})`, 'preset');
  const sidecar = options.inline ? options.inline.sidecar : readSidecar(file);
  const declaration = resolveDeclaration(file, sidecar, preset);
  const model = await openOnnxModel(file);
  try {
    return declaredExtractor(
      {
        ...model,
        kind: 'onnx',
        runtime: `onnxruntime-node ${RUNTIME_VERSION}, ${model.provider}, ${model.threads} threads`,
        run: (feeds, outputs) => model.run(feeds, outputs),
        dispose: () => model.dispose(),
      },
      declaration,
      options.inline ? options.inline.where : sidecar ? sidecarPath(file) : file,
      options.warn ?? (() => {}),
    );
  } catch (e) {
    await model.dispose();
    throw e;
  }
}
