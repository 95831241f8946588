/**
 * Stage two of a latent model: replace its N(0, I) prior by a mixture of
 * diagonal Gaussians fitted to where MNIST train images land in latent space.
 * The family supplies one latent row per train image (a VAE: a draw from
 * q(z|x); a flow: f(y) at dequantized pixels). The last 5,000 rows are held
 * out. For each candidate K, EM fits the others; the K whose mixture gives the
 * held-out rows the highest mean log p(z) wins. That mean is the prior's term
 * in the family's likelihood (the ELBO's, or the flow's exact log-density), so
 * the choice maximises held-out likelihood, not any sample-quality score.
 * Writes prior.json, points genmodel.json's latent at it and records the fit
 * in card.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../../src/core/logger.ts';
import { Rng } from '../../../src/core/rng.ts';
import { GaussianMixturePrior, type GaussianMixtureJson } from '../../../src/models/latent-prior.ts';
import { MANIFEST_FILE, readManifest } from '../../../src/models/manifest.ts';
import { writeManifest } from './bundle-files.ts';
import { fitGaussianMixture } from './gaussian-mixture-em.ts';

export interface LatentRows {
  /** [n, dim], one row per MNIST train image in order. */
  rows: Float32Array;
  dim: number;
  /** How one row is made, for the fit's description: "one draw z ~ q(z|x)". */
  what: string;
}

export interface PriorFitOptions {
  bundle: string;
  seed: number;
  /** Mixture sizes to try. */
  candidates: number[];
  /** The bundle's latent rows of MNIST train (an encoder's or a flow's: the prior does not enter them). */
  latents: (bundle: string, rng: Rng) => Promise<LatentRows>;
  /** What the mixture is fitted to and by which script, for the manifest's description: "the aggregate posterior (training/mnist/vae/fit-prior.ts)". */
  fittedTo: string;
  /** card.json's `latent` line, given the chosen K. */
  cardLatent: (dim: number, components: number) => string;
}

const HELD_OUT = 5000;
const PRIOR_FILE = 'prior.json';
const EM = { maxIterations: 100, tolerance: 1e-4, varianceFloor: 1e-3 };

export async function fitLatentPrior(opts: PriorFitOptions): Promise<void> {
  const log = createLogger();
  const rng = new Rng(opts.seed);
  const started = performance.now();
  const { manifest } = readManifest(opts.bundle);
  const family = manifest.family;
  const { rows, dim, what } = await opts.latents(opts.bundle, rng);
  const n = rows.length / dim;
  const fitSet = rows.subarray(0, (n - HELD_OUT) * dim);
  const heldOut = rows.subarray((n - HELD_OUT) * dim);
  const heldOutMean = (prior: GaussianMixturePrior) => {
    let total = 0;
    for (let i = 0; i < HELD_OUT; i++) total += prior.logDensity(heldOut, i * dim);
    return total / HELD_OUT;
  };
  log.info(
    `${family} prior: ${n} latent rows of ${dim} values (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );

  const candidates: { components: number; heldOutLogDensity: number; iterations: number; fit: GaussianMixtureJson }[] =
    [];
  for (const k of opts.candidates) {
    const t = performance.now();
    const fit = fitGaussianMixture(fitSet, n - HELD_OUT, dim, k, rng.fork(`em-${k}`), EM);
    const heldOutLogDensity = heldOutMean(
      new GaussianMixturePrior(dim, fit.weights, fit.means.flat(), fit.logVariances.flat()),
    );
    candidates.push({ components: k, heldOutLogDensity, iterations: fit.trace.length, fit });
    log.info(
      `${family} prior: K = ${k}: held-out mean log p(z) ${heldOutLogDensity.toFixed(3)} nats (${fit.trace.length} EM iterations, ${((performance.now() - t) / 1000).toFixed(0)} s)`,
    );
  }
  // N(0, I) on the same held-out rows, for the card.
  const standard = heldOutMean(new GaussianMixturePrior(dim, [1], new Float64Array(dim), new Float64Array(dim)));
  const best = candidates.reduce((a, b) => (b.heldOutLogDensity > a.heldOutLogDensity ? b : a));
  const description =
    `EM, mixture of ${best.components} diagonal Gaussians, on ${what} for each of MNIST train images 0-${n - HELD_OUT - 1}; ` +
    `K chosen from ${opts.candidates.join(', ')} by mean log p(z) on the draws of images ${n - HELD_OUT}-${n - 1} (held out); seed ${opts.seed}`;
  const { fit } = best;
  writeFileSync(
    join(opts.bundle, PRIOR_FILE),
    `${JSON.stringify({ fit: description, weights: fit.weights, means: fit.means, logVariances: fit.logVariances })}\n`,
  );
  writeManifest(opts.bundle, {
    ...manifest,
    description: `${manifest.description!.replace(/ Prior: .*$/, '')} Prior: a mixture of ${best.components} diagonal Gaussians fitted to ${opts.fittedTo}.`,
    latent: { dim, distribution: 'gaussian-mixture', mixture: PRIOR_FILE },
  });
  const seconds = (performance.now() - started) / 1000;
  const cardPath = join(opts.bundle, 'card.json');
  const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown>;
  card.latent = opts.cardLatent(dim, best.components);
  card.prior = {
    file: PRIOR_FILE,
    fit: description,
    heldOutMeanLogDensity: Object.fromEntries([
      ['N(0, I)', round(standard)],
      ...candidates.map((c) => [`K=${c.components}`, round(c.heldOutLogDensity)]),
    ]),
    seconds: Math.round(seconds),
  };
  writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);
  log.info(
    `${family} prior: K = ${best.components} written to ${join(opts.bundle, PRIOR_FILE)} and ${join(opts.bundle, MANIFEST_FILE)} (${seconds.toFixed(0)} s)`,
  );
}

function round(x: number): number {
  return Number(x.toFixed(3));
}
