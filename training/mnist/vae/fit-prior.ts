/**
 * Stage two of the sample VAE: a mixture prior fitted to the aggregate
 * posterior (two-stage VAE, Dai & Wipf 2019; ex-post density estimation,
 * Ghosh et al. 2020). Samples from N(0, I) land in regions no training image
 * encodes to and decode to in-between shapes; samples from the fitted prior
 * land where images do. One draw z ~ q(z|x) per MNIST train image; the
 * fitting and the choice of K are training/mnist/lib/fit-latent-prior.ts.
 */
import { loadMnist } from '../../../src/data/mnist.ts';
import { VaeModel } from '../../../src/models/adapters/vae.ts';
import { disposeBundle, loadBundle } from '../../../src/models/bundle.ts';
import { fitLatentPrior } from '../lib/fit-latent-prior.ts';

export async function fitVaePrior(opts: { bundle: string; seed: number; candidates: number[] }): Promise<void> {
  await fitLatentPrior({
    ...opts,
    fittedTo: 'the aggregate posterior (training/mnist/vae/fit-prior.ts)',
    cardLatent: (dim, k) =>
      `${dim}-d; trained against the prior N(0, I), then given a mixture of ${k} diagonal Gaussians fitted to the aggregate posterior (stage two)`,
    latents: async (dir, rng) => {
      const bundle = await loadBundle(dir);
      try {
        const vae = new VaeModel(bundle);
        const q = await vae.encode(loadMnist('train').images, 500);
        const eps = rng.fork('posterior draws').normals(q.mean.length);
        return {
          rows: q.mean.map((m, i) => m + Math.exp(0.5 * q.logVariance[i]!) * eps[i]!),
          dim: vae.latentDim,
          what: 'one draw z ~ q(z|x)',
        };
      } finally {
        disposeBundle(bundle);
      }
    },
  });
}
