/**
 * Per-pixel distributions over the 256 levels of an 8-bit pixel, as a VAE
 * decoder or an autoregressive model outputs them. Parameters arrive as the
 * model's float32 output, laid out [n, H, W, C, P] (P parameters per pixel,
 * channel-major); probabilities are computed here in float64.
 *
 * - categorical-256: P = 256 logits, one per level.
 * - discretized-logistic (PixelCNN++): P = 2, mean and log-scale in the model's
 *   image range; level k owns the bin centre ± half a level, the end bins the tails.
 */
import type { Rng } from '../core/rng.ts';

export const PIXEL_FORMS = ['categorical-256', 'discretized-logistic'] as const;
export type PixelForm = (typeof PIXEL_FORMS)[number];

export const LEVELS = 256;

export const PARAMETERS_PER_PIXEL: Record<PixelForm, number> = {
  'categorical-256': LEVELS,
  'discretized-logistic': 2,
};

/** The model's image range, [low, high]; level k sits at low + k (high - low) / 255. */
export type Range = readonly [number, number];

/** log P(level | parameters) for the pixel whose parameters start at `offset`. */
export function pixelLogProbability(
  form: PixelForm,
  params: ArrayLike<number>,
  offset: number,
  level: number,
  range: Range,
): number {
  if (form === 'categorical-256') {
    let max = -Infinity;
    for (let k = 0; k < LEVELS; k++) max = Math.max(max, params[offset + k]!);
    let sum = 0;
    for (let k = 0; k < LEVELS; k++) sum += Math.exp(params[offset + k]! - max);
    return params[offset + level]! - max - Math.log(sum);
  }
  const [lo, hi] = range;
  const step = (hi - lo) / (LEVELS - 1);
  const invScale = Math.exp(-params[offset + 1]!);
  const centre = lo + level * step - params[offset]!;
  const upper = (centre + step / 2) * invScale;
  const lower = (centre - step / 2) * invScale;
  if (level === 0) return logSigmoid(upper);
  if (level === LEVELS - 1) return logSigmoid(-lower);
  // σ(a) − σ(b) = σ(a) σ(−b) (1 − e^(b−a)): stable in both tails.
  return logSigmoid(upper) + logSigmoid(-lower) + Math.log(-Math.expm1(lower - upper));
}

/** Sum of log P over every pixel of each image: one value per image. */
export function imageLogProbabilities(
  form: PixelForm,
  params: ArrayLike<number>,
  levels: Uint8Array,
  n: number,
  range: Range,
): Float64Array {
  const pixels = levels.length / n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++)
    out[i] = imageLogProbability(
      form,
      params,
      i * pixels * PARAMETERS_PER_PIXEL[form],
      levels,
      i * pixels,
      pixels,
      range,
    );
  return out;
}

/** log P of one image's levels (from `levelOffset`) under parameters starting at `paramOffset`. */
export function imageLogProbability(
  form: PixelForm,
  params: ArrayLike<number>,
  paramOffset: number,
  levels: Uint8Array,
  levelOffset: number,
  pixels: number,
  range: Range,
): number {
  const p = PARAMETERS_PER_PIXEL[form];
  let sum = 0;
  for (let j = 0; j < pixels; j++)
    sum += pixelLogProbability(form, params, paramOffset + j * p, levels[levelOffset + j]!, range);
  return sum;
}

/** One level drawn from the pixel's distribution. */
export function samplePixelLevel(
  form: PixelForm,
  params: ArrayLike<number>,
  offset: number,
  range: Range,
  rng: Rng,
): number {
  if (form === 'categorical-256') {
    let max = -Infinity;
    for (let k = 0; k < LEVELS; k++) max = Math.max(max, params[offset + k]!);
    let total = 0;
    for (let k = 0; k < LEVELS; k++) total += Math.exp(params[offset + k]! - max);
    let u = rng.uniform() * total;
    for (let k = 0; k < LEVELS - 1; k++) {
      u -= Math.exp(params[offset + k]! - max);
      if (u < 0) return k;
    }
    return LEVELS - 1;
  }
  // Inverse CDF of the logistic, then the bin it falls in (end bins take the tails).
  const [lo, hi] = range;
  let u = rng.uniform();
  while (u === 0) u = rng.uniform();
  const value = params[offset]! + Math.exp(params[offset + 1]!) * Math.log(u / (1 - u));
  return clampLevel(Math.round(((value - lo) / (hi - lo)) * (LEVELS - 1)));
}

/**
 * The pixel value in [0, 1] a VAE shows for these parameters: the categorical's
 * mean; the discretized logistic's location clipped to the range, i.e. its
 * median (its mean, pulled toward mid-grey by the tails, gives fainter digits).
 */
export function displayedPixel(form: PixelForm, params: ArrayLike<number>, offset: number, range: Range): number {
  if (form === 'categorical-256') {
    let max = -Infinity;
    for (let k = 0; k < LEVELS; k++) max = Math.max(max, params[offset + k]!);
    let total = 0;
    let weighted = 0;
    for (let k = 0; k < LEVELS; k++) {
      const w = Math.exp(params[offset + k]! - max);
      total += w;
      weighted += w * k;
    }
    return weighted / total / (LEVELS - 1);
  }
  const [lo, hi] = range;
  const v = (params[offset]! - lo) / (hi - lo);
  return v < 0 ? 0 : Math.min(v, 1);
}

export function clampLevel(k: number): number {
  return k < 0 ? 0 : Math.min(k, LEVELS - 1);
}

function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}
