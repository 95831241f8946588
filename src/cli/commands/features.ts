/**
 * `genreport features <source> --extractor X --out f.npy|f.npz`: the feature
 * matrix of an image source, float32 n × d, for use elsewhere. An .npz also
 * holds `probabilities` (n × classes) where the extractor has them.
 */
import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../../core/atomic-file.ts';
import { initBackend } from '../../core/backend.ts';
import { inputError } from '../../core/errors.ts';
import { createLogger } from '../../core/logger.ts';
import { featureMatrix, sliceImages, type FeatureMatrix } from '../../core/types.ts';
import { encodeNpy, type NdArray } from '../../data/npy.ts';
import { resolveImageSource } from '../../data/source.ts';
import { writeNpz } from '../../data/npz.ts';
import type { Extraction, FeatureExtractor } from '../../features/extractor.ts';
import { EXTRACTOR_USAGE, extractorKind, loadExtractor } from '../../features/registry.ts';

interface FeaturesArgs {
  source: string;
  extractor: string;
  out: string;
  limit?: number;
  'batch-size': number;
  quiet: boolean;
}

/** One line naming the extractor and its provenance, as the console shows it. */
export function describeExtractor(extractor: FeatureExtractor): string {
  const i = extractor.info;
  return [
    `${i.name} [${i.id}]`,
    `output ${i.layer}`,
    i.dim ? `${i.dim}-d` : '',
    i.resize ? `resize ${i.resize}` : '',
    i.runtime ?? '',
    `sha256 ${i.hash.slice(0, 16)}`,
  ]
    .filter(Boolean)
    .join(', ');
}

export async function runFeatures(args: FeaturesArgs): Promise<void> {
  const out = args.out.toLowerCase();
  if (!out.endsWith('.npy') && !out.endsWith('.npz'))
    throw inputError(args.out, 'the output must end in .npy or .npz', '--out');
  if (!Number.isInteger(args['batch-size']) || args['batch-size'] < 1)
    throw inputError(undefined, `must be a whole number ≥ 1, got ${args['batch-size']}`, '--batch-size');
  extractorKind(args.extractor);
  const logger = createLogger({ quiet: args.quiet });
  const source = await resolveImageSource(args.source, { limit: args.limit });
  const extractor = await loadExtractor(args.extractor, { warn: (m) => logger.warn(m) }, () => initBackend('auto'));
  let extraction: Extraction;
  try {
    logger.info(`features: ${describeExtractor(extractor)}`);
    extraction = await extractInChunks(extractor, source.images, args['batch-size'], (done) =>
      logger.progress('features', done, source.images.n),
    );
  } finally {
    extractor.dispose();
  }
  const { features, probabilities } = extraction;
  if (out.endsWith('.npy')) {
    if (probabilities)
      logger.warn(`${args.out}: .npy holds the features only; write .npz to keep the class probabilities too`);
    writeFileAtomic(args.out, encodeNpy(asFloat32(features)));
  } else {
    writeNpz(args.out, {
      features: asFloat32(features),
      ...(probabilities ? { probabilities: asFloat32(probabilities) } : {}),
    });
  }
  process.stderr.write(
    `wrote ${args.out}: ${features.rows} × ${features.cols} float32 features${probabilities && out.endsWith('.npz') ? ` and ${probabilities.cols} class probabilities` : ''}\n`,
  );
}

/** The extractor over the images a batch at a time, reporting progress; one matrix at the end. */
async function extractInChunks(
  extractor: FeatureExtractor,
  images: import('../../core/types.ts').ImageBatch,
  batchSize: number,
  progress: (done: number) => void,
): Promise<Extraction> {
  let features: FeatureMatrix | undefined;
  let probabilities: FeatureMatrix | undefined;
  let classes: string[] | undefined;
  for (let start = 0; start < images.n; start += batchSize) {
    const end = Math.min(images.n, start + batchSize);
    const part = await extractor.extract(sliceImages(images, start, end), batchSize);
    features ??= featureMatrix(images.n, part.features.cols);
    features.data.set(part.features.data, start * features.cols);
    if (part.probabilities) {
      probabilities ??= featureMatrix(images.n, part.probabilities.cols);
      probabilities.data.set(part.probabilities.data, start * probabilities.cols);
    }
    classes = part.classes;
    progress(end);
  }
  return { features: features ?? featureMatrix(0, extractor.info.dim), probabilities, classes };
}

function asFloat32(m: FeatureMatrix): NdArray {
  return { dtype: 'float32', shape: [m.rows, m.cols], data: Float32Array.from(m.data) };
}

/** Options and work of `genreport features <source>`; its name and one-liner are in ../command-list.ts, read without loading this file. */
export const featuresCommand: Required<Pick<CommandModule<object, FeaturesArgs>, 'builder' | 'handler'>> = {
  builder: (y) =>
    y
      .positional('source', {
        type: 'string',
        demandOption: true,
        describe: 'images: mnist:train, mnist:test, a folder, or an image .npy/.npz',
      })
      .option('extractor', { type: 'string', demandOption: true, describe: `feature extractor: ${EXTRACTOR_USAGE}` })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: '.npy (features) or .npz (features, probabilities)',
      })
      .option('limit', { type: 'number', describe: 'use only the first N images' })
      .option('batch-size', { type: 'number', default: 64, describe: 'images per extractor batch' })
      .option('quiet', { type: 'boolean', default: false, describe: 'print only warnings and the result' })
      .example(
        '$0 features generated/ --extractor inception-fid=pt_inception.onnx --out fake.npy',
        'Inception pool3 features of a folder',
      ),
  handler: (args) => runFeatures(args),
};
