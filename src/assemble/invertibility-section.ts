/**
 * Each model's invertibility result → its report row: the round trip's
 * errors, or the reconstructions' MSE with its 95% interval, PSNR and label
 * agreement (Wilson 95%), or why there is none.
 */
import type { InvertibilityResult } from '../invertibility/evaluate.ts';
import type { ReconstructionMetrics } from '../invertibility/reconstruction.ts';
import type { InvertibilityRow } from './report-data.ts';

export function invertibilityRow(model: string, result: InvertibilityResult): InvertibilityRow {
  const { method, label, roundTrip, reconstruction, secondsPerImage, codebook, reason } = result;
  return {
    model,
    method,
    label,
    ...(roundTrip
      ? {
          n: roundTrip.n,
          roundTrip: { imageToImage: roundTrip.imageToImage, latentToLatent: roundTrip.latentToLatent },
        }
      : {}),
    ...(reconstruction ? metricFields(reconstruction.metrics, reconstruction.n) : {}),
    ...(secondsPerImage === undefined ? {} : { secondsPerImage }),
    ...(codebook ? { codebook } : {}),
    ...(reason === undefined ? {} : { reason }),
  };
}

function metricFields(
  metrics: ReconstructionMetrics,
  n: number,
): Pick<InvertibilityRow, 'n' | 'mse' | 'psnr' | 'labelAgreement'> {
  const { mse, psnr, labelAgreement } = metrics;
  return {
    n,
    // One image has no interval: its ends are the value itself.
    mse: {
      value: mse.mean,
      low: Number.isFinite(mse.low) ? mse.low : mse.mean,
      high: Number.isFinite(mse.high) ? mse.high : mse.mean,
    },
    psnr,
    ...(labelAgreement
      ? {
          labelAgreement: {
            value: labelAgreement.share,
            low: labelAgreement.low,
            high: labelAgreement.high,
            n: labelAgreement.n,
          },
        }
      : {}),
  };
}
