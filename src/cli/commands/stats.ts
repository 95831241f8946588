/**
 * `genreport stats <source> --extractor X --out ref.npz`: extract features of
 * a real image source once and cache their mean and covariance with where
 * they came from (see metrics/reference-stats.ts). `genreport metrics
 * --real ref.npz` computes FID against the cache.
 */
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { initBackend } from '../../core/backend.ts';
import { inputError } from '../../core/errors.ts';
import { isNamedDataSet } from '../../core/data-set-names.ts';
import { resolveImageSource } from '../../data/source.ts';
import { extractorProvenance } from '../../features/provenance.ts';
import { EXTRACTOR_USAGE, extractorKind, loadExtractor } from '../../features/registry.ts';
import { STATS_FORMAT, writeReferenceStats } from '../../metrics/reference-stats.ts';
import { statsFromFeatures } from '../../metrics/stats/moments.ts';

interface StatsArgs {
  source: string;
  extractor: string;
  out: string;
  limit?: number;
  'batch-size': number;
}

export async function runStats(args: StatsArgs): Promise<void> {
  if (!args.out.toLowerCase().endsWith('.npz')) throw inputError(args.out, 'the stats file must end in .npz', '--out');
  extractorKind(args.extractor);
  const source = await resolveImageSource(args.source, { limit: args.limit });
  const extractor = await loadExtractor(args.extractor, { warn: (m) => process.stderr.write(`warning: ${m}\n`) }, () =>
    initBackend('auto'),
  );
  try {
    const { features, probabilities } = await extractor.extract(source.images, args['batch-size']);
    writeReferenceStats(args.out, {
      stats: statsFromFeatures(features),
      features,
      probabilities,
      provenance: {
        format: STATS_FORMAT,
        // Paths are stored absolute, as a run config resolves them.
        source: isNamedDataSet(args.source) ? args.source : resolve(args.source),
        ...extractorProvenance(extractor, source.images),
        rows: features.rows,
        dim: features.cols,
      },
    });
    process.stderr.write(
      `wrote ${args.out}: mean and covariance of ${features.rows} × ${features.cols} features (${extractor.info.id}, ${extractor.info.layer})\n`,
    );
  } finally {
    extractor.dispose();
  }
}

/** Options and work of `genreport stats <source>`; its name and one-liner are in ../command-list.ts, read without loading this file. */
export const statsCommand: Required<Pick<CommandModule<object, StatsArgs>, 'builder' | 'handler'>> = {
  builder: (y) =>
    y
      .positional('source', {
        type: 'string',
        demandOption: true,
        describe: 'real images: mnist:train, mnist:test, a folder, or an image .npy/.npz',
      })
      .option('extractor', {
        type: 'string',
        default: 'mnist-classifier',
        describe: `feature extractor: ${EXTRACTOR_USAGE}`,
      })
      .option('out', { type: 'string', demandOption: true, describe: 'the .npz to write (mu, sigma, provenance)' })
      .option('limit', { type: 'number', describe: 'use only the first N images' })
      .option('batch-size', { type: 'number', default: 256, describe: 'images per extractor batch' })
      .example('$0 stats mnist:test --out mnist-test.npz', 'cache the MNIST test statistics'),
  handler: (args) => runStats(args),
};
