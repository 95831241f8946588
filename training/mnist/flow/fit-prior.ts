/**
 * Stage two of the sample flow: a mixture base distribution fitted to where
 * MNIST train images land in z (FlowGMM, Izmailov et al. 2020, fits one
 * during training; we fit it after). A flow trained against N(0, I) maps
 * images to a z distribution with structure N(0, I) does not have: one
 * cluster per kind of digit. Drawing from N(0, I) lands between them, and the
 * inverse turns those z into strokes that belong to no digit. The density
 * stays exact: log p(y) = log p_mixture(f(y)) + log|det ∂f/∂y|.
 * One row per MNIST train image: f(y) at one uniform dequantization of its
 * pixels, as the likelihood is evaluated; the fitting and the choice of K
 * are training/mnist/lib/fit-latent-prior.ts.
 */
import { createLogger } from '../../../src/core/logger.ts';
import { loadMnist } from '../../../src/data/mnist.ts';
import { levelsFromImages } from '../../../src/likelihood/data-space.ts';
import { dequantizeToRange } from '../../../src/likelihood/dequantize.ts';
import { FlowModel } from '../../../src/models/adapters/flow.ts';
import { disposeBundle, loadBundle } from '../../../src/models/bundle.ts';
import { fitLatentPrior } from '../lib/fit-latent-prior.ts';

const CHUNK = 5000;

export async function fitFlowPrior(opts: { bundle: string; seed: number; candidates: number[] }): Promise<void> {
  const log = createLogger();
  await fitLatentPrior({
    ...opts,
    fittedTo: "the training images' z (training/mnist/flow/fit-prior.ts)",
    cardLatent: (dim, k) =>
      `${dim}-d (one value per pixel); trained against the base N(0, I), then given a mixture of ${k} diagonal Gaussians fitted to the training images' z (stage two)`,
    latents: async (dir, rng) => {
      const bundle = await loadBundle(dir);
      try {
        const flow = new FlowModel(bundle);
        const { images, source } = loadMnist('train');
        const y = dequantizeToRange(
          levelsFromImages(images, source),
          bundle.manifest.image.range,
          rng.fork('dequantization'),
        );
        // In chunks, for progress: 60,000 forward passes take minutes on one core.
        const d = flow.latentDim;
        const rows = new Float32Array(y.length);
        for (let start = 0; start < images.n; start += CHUNK) {
          const end = Math.min(images.n, start + CHUNK);
          rows.set((await flow.forward(y.subarray(start * d, end * d), 500)).z, start * d);
          log.progress('flow prior: z of MNIST train', end, images.n);
        }
        return { rows, dim: d, what: 'z = f(y) at one uniform dequantization y' };
      } finally {
        disposeBundle(bundle);
      }
    },
  });
}
