/**
 * A density result as the report shows it: negative log-likelihood per image
 * in nats and in bits/dim on the 8-bit data space, with n and a 95% interval
 * over the test images (normal approximation: mean ± 1.96 sd / √n).
 */

export interface MeanInterval {
  n: number;
  mean: number;
  /** Sample standard deviation (ddof = 1). */
  sd: number;
  low: number;
  high: number;
}

export interface NllSummary {
  /** Negative log-likelihood, nats per image. */
  nats: MeanInterval;
  /** −log2 p(x) / D. */
  bitsPerDim: MeanInterval;
  dimensions: number;
}

const Z95 = 1.959963984540054;

export function meanInterval(values: ArrayLike<number>): MeanInterval {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  const half = n > 1 ? (Z95 * sd) / Math.sqrt(n) : NaN;
  return { n, mean, sd, low: mean - half, high: mean + half };
}

export function natsToBitsPerDim(nats: number, dimensions: number): number {
  return nats / (dimensions * Math.LN2);
}

/** From log p(x) per image (nats, ≤ 0 on a discrete space) to the NLL summary. */
export function summarizeLogLikelihoods(logLikelihoods: Float64Array, dimensions: number): NllSummary {
  const nll = logLikelihoods.map((v) => -v);
  const nats = meanInterval(nll);
  const bits = (v: number): number => natsToBitsPerDim(v, dimensions);
  return {
    nats,
    bitsPerDim: { n: nats.n, mean: bits(nats.mean), sd: bits(nats.sd), low: bits(nats.low), high: bits(nats.high) },
    dimensions,
  };
}
