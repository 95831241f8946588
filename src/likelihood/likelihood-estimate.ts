/**
 * One likelihood result for one model on the reference test images: log p(x)
 * per image on a named 8-bit data space, what estimator made it, and whether
 * it is exact, a lower bound, or an unreliable estimate that is never ranked.
 */

export type LikelihoodKind = 'exact' | 'bound' | 'unreliable';

export type Estimator =
  /** Autoregressive: one pass over the conditionals. */
  | 'exact'
  /** VAE: evidence lower bound (analytic KL, K decoder samples for the reconstruction term). */
  | 'elbo'
  /** VAE: importance-weighted bound with K samples. */
  | 'iwae'
  /** Flow: exact change of variables at uniformly dequantized pixels, S draws. */
  | 'dequantized'
  /** Hybrid (VQ-VAE + autoregressive prior): log p(z_q(x)) + log p(x | z_q(x)) at the encoder's code. */
  | 'single-code'
  /** GAN (opt-in): Gaussian Parzen window on generated samples. */
  | 'parzen'
  /** The tool's reference row: one 256-way histogram per pixel position. */
  | 'independent-pixels';

export interface LikelihoodEstimate {
  estimator: Estimator;
  kind: LikelihoodKind;
  /** Monte Carlo draws per image (K for ELBO/IWAE, S for dequantization, generated samples for Parzen); 1 where exact. */
  samples: number;
  /** `uint8-<H>x<W>x<C>`: estimates are ranked only within one data space. */
  dataSpace: string;
  /** log p(x) in nats, one per test image (a bound's value, where kind is 'bound'). */
  logLikelihoods: Float64Array;
  /** Wall time of the evaluation divided by the images evaluated. */
  secondsPerImage: number;
  /** What the number is, in words, for the report cell's note. */
  label: string;
}

/** Why a GAN row shows no likelihood. */
export const GAN_NO_DENSITY =
  'no density: a GAN defines images through a generator but no probability of an image (its samples lie on a low-dimensional manifold); a Parzen-window estimate is available behind a flag, labelled unreliable';
