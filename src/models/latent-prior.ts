/**
 * A latent model's prior p(z), as its manifest declares it: what samples are
 * drawn from, and (for a VAE's bounds) log p(z). `normal` is N(0, I),
 * `uniform` is U[−1, 1]^d, and `gaussian-mixture` is a mixture of diagonal
 * Gaussians read from a JSON file in the bundle: a VAE prior fitted to the
 * aggregate posterior after training (two-stage VAE, Dai & Wipf 2019; ex-post
 * density estimation, Ghosh et al. 2020), which fills the holes N(0, I) leaves.
 */
import { z } from 'zod';
import { GenreportError, type Problem } from '../core/errors.ts';
import { readJsonInput } from '../core/input-file.ts';
import type { Rng } from '../core/rng.ts';
import { standardNormalLogDensity } from '../likelihood/importance-weighted.ts';
import type { Manifest } from './manifest.ts';

export interface LatentPrior {
  readonly dim: number;
  /** For labels: "N(0, I)", "a mixture of 100 diagonal Gaussians". */
  readonly description: string;
  /** n latents, laid out [n, dim]. */
  sample(n: number, rng: Rng): Float32Array;
  /** log p(z) of the row of dim values at offset. */
  logDensity(values: ArrayLike<number>, offset: number): number;
}

/**
 * The prior a bundle declares, or null for a bundle without a latent.
 * `mixtureFile` is latent.mixture already resolved inside the bundle (src/models/bundle.ts).
 */
export function loadLatentPrior(
  manifest: Manifest,
  mixtureFile: string | undefined,
): { prior: LatentPrior; file?: string } | null {
  const latent = manifest.latent;
  if (!latent) return null;
  if (latent.distribution === 'normal') return { prior: new StandardNormalPrior(latent.dim) };
  if (latent.distribution === 'uniform') return { prior: new UniformPrior(latent.dim) };
  // The manifest validator makes sure a mixture names its file; the bundle loader, that it is inside the bundle.
  const file = mixtureFile!;
  return {
    prior: GaussianMixturePrior.fromJson(
      readJsonInput(file, 'latent prior file not found (genmodel.json latent.mixture)'),
      latent.dim,
      file,
    ),
    file,
  };
}

export class StandardNormalPrior implements LatentPrior {
  readonly description = 'N(0, I)';
  constructor(readonly dim: number) {}

  sample(n: number, rng: Rng): Float32Array {
    return rng.normals(n * this.dim);
  }

  logDensity(values: ArrayLike<number>, offset: number): number {
    return standardNormalLogDensity(values, offset, this.dim);
  }
}

export class UniformPrior implements LatentPrior {
  readonly description = 'U[−1, 1]^d';
  constructor(readonly dim: number) {}

  sample(n: number, rng: Rng): Float32Array {
    const z = new Float32Array(n * this.dim);
    for (let i = 0; i < z.length; i++) z[i] = 2 * rng.uniform() - 1;
    return z;
  }

  logDensity(values: ArrayLike<number>, offset: number): number {
    for (let j = offset; j < offset + this.dim; j++) if (Math.abs(values[j]!) > 1) return -Infinity;
    return -this.dim * Math.LN2;
  }
}

/** The JSON a mixture prior is stored in: K weights, K mean rows, K log-variance rows. */
export interface GaussianMixtureJson {
  weights: number[];
  means: number[][];
  logVariances: number[][];
  /** How it was fitted, for people reading the file. */
  fit?: string;
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const mixtureSchema = z.object({
  weights: z.array(finite.refine((w) => w > 0, 'must be > 0')).min(1),
  means: z.array(z.array(finite)).min(1),
  logVariances: z.array(z.array(finite)).min(1),
  fit: z.string().optional(),
});

export class GaussianMixturePrior implements LatentPrior {
  readonly description: string;
  private readonly logWeights: Float64Array;
  private readonly cumulative: Float64Array;
  private readonly means: Float64Array;
  private readonly sds: Float64Array;
  private readonly inverseVariances: Float64Array;
  /** Per component: log w − ½ Σ_j (log 2π + log σ²_j). */
  private readonly constants: Float64Array;

  constructor(
    readonly dim: number,
    weights: ArrayLike<number>,
    means: ArrayLike<number>,
    logVariances: ArrayLike<number>,
  ) {
    const k = weights.length;
    this.description = `a mixture of ${k} diagonal Gaussian${k === 1 ? '' : 's'}`;
    this.logWeights = Float64Array.from(weights, Math.log);
    this.cumulative = new Float64Array(k);
    let total = 0;
    for (let c = 0; c < k; c++) this.cumulative[c] = total += weights[c]!;
    this.means = Float64Array.from(means);
    this.sds = Float64Array.from(logVariances, (lv) => Math.exp(0.5 * lv));
    this.inverseVariances = Float64Array.from(logVariances, (lv) => Math.exp(-lv));
    this.constants = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let s = this.logWeights[c]!;
      for (let j = 0; j < dim; j++) s -= 0.5 * (Math.log(2 * Math.PI) + logVariances[c * dim + j]!);
      this.constants[c] = s;
    }
  }

  static fromJson(raw: unknown, dim: number, file: string): GaussianMixturePrior {
    const parsed = mixtureSchema.safeParse(raw);
    if (!parsed.success) {
      throw new GenreportError(
        parsed.error.issues.map((issue) => ({
          file,
          field: issue.path.join('.') || undefined,
          message: issue.message,
        })),
      );
    }
    const { weights, means, logVariances } = parsed.data;
    const k = weights.length;
    const problems: Problem[] = [];
    const sum = weights.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-6)
      problems.push({ file, field: 'weights', message: `must sum to 1 (they sum to ${sum})` });
    for (const [field, rows] of [
      ['means', means],
      ['logVariances', logVariances],
    ] as const) {
      if (rows.length !== k)
        problems.push({ file, field, message: `must have one row per weight (${k}), not ${rows.length}` });
      rows.forEach((row, c) => {
        if (row.length !== dim)
          problems.push({
            file,
            field: `${field}.${c}`,
            message: `must have ${dim} values (latent.dim), not ${row.length}`,
          });
      });
    }
    if (problems.length > 0) throw new GenreportError(problems);
    return new GaussianMixturePrior(
      dim,
      weights.map((w) => w / sum),
      means.flat(),
      logVariances.flat(),
    );
  }

  get components(): number {
    return this.logWeights.length;
  }

  sample(n: number, rng: Rng): Float32Array {
    const d = this.dim;
    const z = new Float32Array(n * d);
    const last = this.components - 1;
    for (let i = 0; i < n; i++) {
      // Component by inverse CDF of the weights, then a diagonal Gaussian draw.
      const u = rng.uniform() * this.cumulative[last]!;
      let c = 0;
      while (c < last && this.cumulative[c]! <= u) c++;
      for (let j = 0; j < d; j++) z[i * d + j] = this.means[c * d + j]! + this.sds[c * d + j]! * rng.normal();
    }
    return z;
  }

  logDensity(values: ArrayLike<number>, offset: number): number {
    const d = this.dim;
    const terms = new Float64Array(this.components);
    let max = -Infinity;
    for (let c = 0; c < terms.length; c++) {
      let s = this.constants[c]!;
      for (let j = 0; j < d; j++) {
        const x = values[offset + j]! - this.means[c * d + j]!;
        s -= 0.5 * x * x * this.inverseVariances[c * d + j]!;
      }
      terms[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (const t of terms) sum += Math.exp(t - max);
    return max + Math.log(sum);
  }
}

/**
 * The latents of the images with global indices `indices` (ascending) of an
 * n-image run on `rng`'s stream: every prior draws its latents in order, row
 * after row, so row j is a function of the seed and j alone, and a shard that
 * draws the stream in chunks and keeps its rows gets exactly the latents a
 * single run gives those images. Without indices: all n rows.
 */
export function latentRows(prior: LatentPrior, n: number, rng: Rng, indices?: ArrayLike<number>): Float32Array {
  if (!indices) return prior.sample(n, rng);
  const d = prior.dim;
  const out = new Float32Array(indices.length * d);
  const chunk = 1024;
  let next = 0;
  for (let start = 0; start < n && next < indices.length; start += chunk) {
    const rows = Math.min(chunk, n - start);
    const z = prior.sample(rows, rng);
    while (next < indices.length && indices[next]! < start + rows) {
      out.set(z.subarray((indices[next]! - start) * d, (indices[next]! - start + 1) * d), next * d);
      next++;
    }
  }
  return out;
}
