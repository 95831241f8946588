/**
 * Published bits/dim for scale, keyed by the real data set the density was
 * measured on. They come from papers, not from this run: much larger models
 * trained for days, so the report shows them apart from the ranked rows and
 * says they are not comparable. Only data sets whose test split the papers
 * used are listed; anything else gets no such table.
 */
import type { PublishedDensity } from './report-data.ts';

const NOT_COMPARABLE =
  'published, for scale (not comparable: much larger models, trained far longer, on the whole test split)';

const PUBLISHED: Record<string, Omit<PublishedDensity, 'note'>> = {
  'cifar10:test': {
    dataSet: 'CIFAR-10 test (10,000 images, 8-bit 32x32x3)',
    figures: [
      { model: 'PixelCNN++', bitsPerDim: 2.92, citation: 'Salimans, Karpathy, Chen & Kingma, "PixelCNN++", ICLR 2017' },
      {
        model: 'Glow',
        bitsPerDim: 3.35,
        citation: 'Kingma & Dhariwal, "Glow: Generative Flow with Invertible 1x1 Convolutions", NeurIPS 2018',
      },
      {
        model: 'RealNVP',
        bitsPerDim: 3.49,
        citation: 'Dinh, Sohl-Dickstein & Bengio, "Density estimation using Real NVP", ICLR 2017',
      },
    ],
  },
};

/** The published figures for the real data `source` (a named data set such as `cifar10:test`), or null. */
export function publishedDensity(source: string): PublishedDensity | null {
  const entry = PUBLISHED[source];
  return entry ? { ...entry, figures: entry.figures.map((f) => ({ ...f })), note: NOT_COMPARABLE } : null;
}
