/**
 * Stage two of the sample VAE: replace its N(0, I) prior by a mixture of
 * diagonal Gaussians fitted to the aggregate posterior (two-stage VAE, Dai &
 * Wipf 2019; ex-post density estimation, Ghosh et al. 2020). Samples from
 * N(0, I) land in regions no training image encodes to and decode to
 * in-between shapes; samples from the fitted prior land where images do.
 *
 * One draw z ~ q(z|x) per MNIST train image; the last 5,000 images are held
 * out. For each candidate K, EM fits the first 55,000; the K whose mixture
 * gives the held-out draws the highest mean log p(z) wins. That mean is the
 * prior's term in the ELBO, so the choice maximises the bound, not any
 * sample-quality score. Writes prior.json, points genmodel.json's latent at
 * it and records the fit in card.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/core/logger.ts';
import { Rng } from '../../src/core/rng.ts';
import { loadMnist } from '../../src/data/mnist.ts';
import { VaeModel } from '../../src/models/adapters/vae.ts';
import { disposeBundle, loadBundle } from '../../src/models/bundle.ts';
import { GaussianMixturePrior, type GaussianMixtureJson } from '../../src/models/latent-prior.ts';
import { MANIFEST_FILE, readManifest } from '../../src/models/manifest.ts';
import { writeManifest } from '../lib/bundle-files.ts';
import { fitGaussianMixture } from './gaussian-mixture-em.ts';

export interface PriorFitOptions {
  bundle: string;
  seed: number;
  /** Mixture sizes to try. */
  candidates: number[];
}

const HELD_OUT = 5000;
const PRIOR_FILE = 'prior.json';
const EM = { maxIterations: 100, tolerance: 1e-4, varianceFloor: 1e-3 };

export async function fitVaePrior(opts: PriorFitOptions): Promise<void> {
  const log = createLogger();
  const rng = new Rng(opts.seed);
  const started = performance.now();
  const { manifest } = readManifest(opts.bundle);
  // Encode with the N(0, I) manifest in force: the encoder does not depend on the prior.
  const bundle = await loadBundle(opts.bundle);
  let draws: Float32Array;
  let dim: number;
  try {
    const vae = new VaeModel(bundle);
    dim = vae.latentDim;
    const q = await vae.encode(loadMnist('train').images, 500);
    const eps = rng.fork('posterior draws').normals(q.mean.length);
    draws = q.mean.map((m, i) => m + Math.exp(0.5 * q.logVariance[i]) * eps[i]);
  } finally {
    disposeBundle(bundle);
  }
  const n = draws.length / dim;
  const fitSet = draws.subarray(0, (n - HELD_OUT) * dim);
  const heldOut = draws.subarray((n - HELD_OUT) * dim);

  const candidates: { components: number; heldOutLogDensity: number; iterations: number; fit: GaussianMixtureJson }[] = [];
  for (const k of opts.candidates) {
    const fit = fitGaussianMixture(fitSet, n - HELD_OUT, dim, k, rng.fork(`em-${k}`), EM);
    const prior = new GaussianMixturePrior(dim, fit.weights, fit.means.flat(), fit.logVariances.flat());
    let total = 0;
    for (let i = 0; i < HELD_OUT; i++) total += prior.logDensity(heldOut, i * dim);
    const heldOutLogDensity = total / HELD_OUT;
    candidates.push({ components: k, heldOutLogDensity, iterations: fit.trace.length, fit });
    log.info(`vae prior: K = ${k}: held-out mean log p(z) ${heldOutLogDensity.toFixed(3)} nats (${fit.trace.length} EM iterations)`);
  }
  // N(0, I) on the same held-out draws, for the card.
  const standard = new GaussianMixturePrior(dim, [1], new Float64Array(dim), new Float64Array(dim));
  let standardTotal = 0;
  for (let i = 0; i < HELD_OUT; i++) standardTotal += standard.logDensity(heldOut, i * dim);
  const best = candidates.reduce((a, b) => (b.heldOutLogDensity > a.heldOutLogDensity ? b : a));
  const description =
    `EM, mixture of ${best.components} diagonal Gaussians, on one draw z ~ q(z|x) for each of MNIST train images 0-${n - HELD_OUT - 1}; ` +
    `K chosen from ${opts.candidates.join(', ')} by mean log p(z) on the draws of images ${n - HELD_OUT}-${n - 1} (held out); seed ${opts.seed}`;
  const { fit } = best;
  writeFileSync(join(opts.bundle, PRIOR_FILE), JSON.stringify({ fit: description, weights: fit.weights, means: fit.means, logVariances: fit.logVariances }) + '\n');
  writeManifest(opts.bundle, {
    ...manifest,
    description: `${manifest.description!.replace(/ Prior: .*$/, '')} Prior: a mixture of ${best.components} diagonal Gaussians fitted to the aggregate posterior (samples/vae/fit-prior.ts).`,
    latent: { dim, distribution: 'gaussian-mixture', mixture: PRIOR_FILE },
  });
  const seconds = (performance.now() - started) / 1000;
  const cardPath = join(opts.bundle, 'card.json');
  const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown>;
  card.latent = `${dim}-d; trained against the prior N(0, I), then given a mixture of ${best.components} diagonal Gaussians fitted to the aggregate posterior (stage two)`;
  card.prior = {
    file: PRIOR_FILE,
    fit: description,
    heldOutMeanLogDensity: Object.fromEntries([['N(0, I)', round(standardTotal / HELD_OUT)], ...candidates.map((c) => [`K=${c.components}`, round(c.heldOutLogDensity)])]),
    seconds: Math.round(seconds),
  };
  writeFileSync(cardPath, JSON.stringify(card, null, 2) + '\n');
  log.info(`vae prior: K = ${best.components} written to ${join(opts.bundle, PRIOR_FILE)} and ${join(opts.bundle, MANIFEST_FILE)} (${seconds.toFixed(0)} s)`);
}

function round(x: number): number {
  return Number(x.toFixed(3));
}
