/**
 * Before an autoregressive model's likelihood is reported as exact: change
 * single pixels of a few images and check that no conditional at or before
 * the changed pixel (raster order over (h, w, c)) moves. A mask that lets a
 * pixel see itself or a later pixel (a "leaking" PixelCNN) would otherwise
 * give a number that is not a likelihood at all, often a far too good one.
 * Runtime-neutral: it needs only "levels in, every pixel's parameters out".
 */
import { inputError } from '../../core/errors.ts';
import { LEVELS } from '../../likelihood/pixel-forms.ts';

export interface CausalityCheck {
  images: number;
  pixels: number;
}

/** Pixels changed per image: spread over the raster, first and last included. */
const PROBES = 6;

/**
 * `params(levels, m)`: every pixel's parameters [m, H, W, C·P] for m images of
 * 8-bit levels. Throws an input error naming the manifest and component at the
 * first leak; returns what was checked.
 */
export async function checkCausality<T extends Uint8Array | Uint16Array>(
  levels: T,
  m: number,
  p: number,
  params: (levels: T, m: number) => Promise<Float32Array>,
  where: {
    manifestFile: string;
    component: string;
    image: { height: number; width: number; channels: number };
    values?: number;
  },
): Promise<CausalityCheck> {
  // values: how many a position takes (256 levels; a hybrid prior's codebook size).
  const count = where.values ?? LEVELS;
  const { height, width, channels } = where.image;
  const d = height * width * channels;
  const images = Math.min(m, 2);
  const base = levels.slice(0, images * d) as T;
  const before = await params(base, images);
  const positions = [...new Set(Array.from({ length: PROBES }, (_, k) => Math.round((k * (d - 1)) / (PROBES - 1))))];
  for (const j of positions) {
    const changed = base.slice() as T;
    for (let i = 0; i < images; i++) changed[i * d + j] = (changed[i * d + j]! + Math.floor(count / 2)) % count;
    const after = await params(changed, images);
    for (let i = 0; i < images; i++) {
      for (let q = 0; q <= j; q++) {
        for (let k = 0; k < p; k++) {
          const at = (i * d + q) * p + k;
          const a = before[at]!;
          const b = after[at]!;
          if (Math.abs(a - b) > 1e-5 * Math.max(1, Math.abs(a))) {
            throw inputError(
              where.manifestFile,
              `the conditional of pixel ${pixelName(q, width, channels)} changed when pixel ${pixelName(j, width, channels)} changed (parameter ${k}: ${a} -> ${b}): the model sees ${q === j ? 'the pixel it predicts' : 'a later pixel'} (a leaking mask), so its "likelihood" is not one and is not reported`,
              `components.${where.component}`,
            );
          }
        }
      }
    }
  }
  return { images, pixels: positions.length };
}

function pixelName(index: number, width: number, channels: number): string {
  const c = index % channels;
  const w = Math.floor(index / channels) % width;
  const h = Math.floor(index / channels / width);
  return `(row ${h}, column ${w}${channels > 1 ? `, channel ${c}` : ''})`;
}
