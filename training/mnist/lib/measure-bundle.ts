/**
 * A shipped bundle's own figures for its card, measured through the same
 * loader and adapters the report uses: sample quality by the domain
 * classifier, bits/dim on MNIST test for density models, size on disk.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../../src/core/rng.ts';
import { loadMnist } from '../../../src/data/mnist.ts';
import { loadMnistClassifier } from '../../../src/features/mnist-classifier.ts';
import { disposeBundle, loadBundle } from '../../../src/models/bundle.ts';
import { modelForBundle } from '../../../src/models/families.ts';

export interface MeasureOptions {
  /** Images drawn for the classifier check. */
  samples: number;
  /** MNIST test images (the first n) for bits/dim. */
  testImages: number;
  /** Monte Carlo draws per image: K for a VAE's bounds, S for a flow. */
  likelihoodDraws: number;
  batchSize: number;
  seed: number;
}

export interface SampleQuality {
  samples: number;
  seconds: number;
  /** Share of samples the classifier puts in each digit class, 0–9. */
  classShares: number[];
  /** Share held by the three most frequent classes. */
  topThreeShare: number;
  /** Mean of the classifier's top probability. */
  meanConfidence: number;
}

export interface DensityFigure {
  estimator: string;
  kind: string;
  testImages: number;
  draws: number;
  bitsPerDim: number;
  /** Half-width of the 95% interval over the test images. */
  bitsPerDimHalfWidth: number;
  seconds: number;
}

export interface Measured {
  parameters: number;
  bytes: number;
  sampleQuality: SampleQuality;
  density: DensityFigure[];
}

export async function measureBundle(dir: string, opts: MeasureOptions): Promise<Measured> {
  const bundle = await loadBundle(dir);
  try {
    const model = modelForBundle(bundle);
    const rng = new Rng(opts.seed);
    let started = performance.now();
    const images = await model.sample(opts.samples, rng.fork('samples'), opts.batchSize);
    const sampleSeconds = (performance.now() - started) / 1000;
    const classifier = await loadMnistClassifier();
    const { probabilities } = await classifier.extract(images, opts.batchSize);
    classifier.dispose();
    const counts = new Array<number>(10).fill(0);
    let confidence = 0;
    for (let i = 0; i < images.n; i++) {
      const row = probabilities!.data.subarray(i * 10, (i + 1) * 10);
      let best = 0;
      for (let c = 1; c < 10; c++) if (row[c]! > row[best]!) best = c;
      counts[best]!++;
      confidence += row[best]! / images.n;
    }
    const shares = counts.map((c) => c / images.n);
    const topThree = [...shares]
      .sort((a, b) => b - a)
      .slice(0, 3)
      .reduce((a, b) => a + b, 0);

    const density: DensityFigure[] = [];
    if (model.likelihood) {
      const test = loadMnist('test', opts.testImages);
      const d = 28 * 28;
      started = performance.now();
      const estimates = await model.likelihood.logLikelihood(test.images, {
        rng: rng.fork('likelihood'),
        batchSize: opts.batchSize,
        samples: opts.likelihoodDraws,
        source: test.source,
      });
      const seconds = (performance.now() - started) / 1000;
      for (const e of estimates) {
        const bits = Array.from(e.logLikelihoods, (ll) => -ll / (d * Math.LN2));
        const mean = bits.reduce((a, b) => a + b, 0) / bits.length;
        const sd = Math.sqrt(bits.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, bits.length - 1));
        density.push({
          estimator: e.estimator,
          kind: e.kind,
          testImages: bits.length,
          draws: e.samples,
          bitsPerDim: round(mean, 4),
          bitsPerDimHalfWidth: round((1.96 * sd) / Math.sqrt(bits.length), 4),
          seconds: round(seconds, 1),
        });
      }
    }
    return {
      parameters: bundle.parameters,
      bytes: folderBytes(dir),
      sampleQuality: {
        samples: images.n,
        seconds: round(sampleSeconds, 1),
        classShares: shares.map((s) => round(s, 3)),
        topThreeShare: round(topThree, 3),
        meanConfidence: round(confidence, 3),
      },
      density,
    };
  } finally {
    disposeBundle(bundle);
  }
}

/** Add the measured figures to the bundle's card.json under "measured". */
export function recordMeasured(dir: string, measured: Measured, how: string): void {
  const path = join(dir, 'card.json');
  const card = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  card.measured = { how, ...measured };
  writeFileSync(path, `${JSON.stringify(card, null, 2)}\n`);
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

/** Measure, print and record in card.json. */
export async function measureAndRecord(dir: string, opts: MeasureOptions): Promise<Measured> {
  const measured = await measureBundle(dir, opts);
  process.stderr.write(`${dir}: ${JSON.stringify(measured)}\n`);
  const how =
    `seed ${opts.seed}; ${opts.samples} samples classified by extractors/mnist-classifier; ` +
    `bits/dim on the first ${opts.testImages} MNIST test images (draws ${opts.likelihoodDraws}); training/mnist/measure.ts`;
  recordMeasured(dir, measured, how);
  return measured;
}
