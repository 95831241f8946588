/**
 * Thresholds of the training diagnostics. Every field has a default, so `{}`
 * (or a partial object from the config file) parses to a complete set.
 * Durations are in training steps (not log lines), losses in nats (the
 * natural-log losses the sample GAN logs). The defaults were chosen on the
 * sample zoo: the healthy DCGAN (samples/mnist/gan-dcgan) must raise no warning,
 * and the synthetic collapsed and failed runs of test/diagnostics (the zoo's
 * collapsed GAN does not exist yet) must be flagged. The healthy figures
 * noted beside each default were measured on the DCGAN's first 1050 steps.
 */
import { z } from 'zod';

const positive = z.number().positive();
const fraction = z.number().gt(0).lt(1);

export const diagnosticThresholdsSchema = z.object({
  /** Log columns read as the generator's and discriminator's loss; the first present wins. */
  columns: z
    .object({
      generator: z
        .array(z.string().min(1))
        .min(1)
        .default(['g_loss', 'loss_g', 'generator_loss', 'gen_loss'])
        .describe("Log columns read as the generator's loss; the first present wins."),
      discriminator: z
        .array(z.string().min(1))
        .min(1)
        .default(['d_loss', 'loss_d', 'discriminator_loss', 'disc_loss'])
        .describe("Log columns read as the discriminator's loss; the first present wins."),
    })
    .prefault({})
    .describe('Which training-log columns hold the losses.'),
  /** Steps at the start left out of oscillation, trend and divergence: losses move fast while D first learns. */
  warmupSteps: z
    .number()
    .nonnegative()
    .default(200)
    .describe('Steps at the start left out of oscillation, trend and divergence.'),
  /** Span of the exponential moving average used for the smoothed curves and the loss gap. */
  emaSpanSteps: positive.default(50).describe('Span of the moving average for the smoothed curves and the loss gap.'),

  oscillation: z
    .object({
      /** Sliding window; windows overlap by half. Periods up to a third of it are found (three cycles per window). */
      windowSteps: positive.default(300).describe('Sliding window of the oscillation search, in steps.'),
      /** Shorter periods are step-to-step noise, not a generator hopping between modes. */
      minPeriodSteps: positive.default(6).describe('Shorter periods count as noise.'),
      /**
       * Autocorrelation of the detrended loss at the dominant period. Red noise
       * like a real minibatch loss peaks at ~0.22 (synthetic healthy traces), the
       * healthy DCGAN at 0.30; a planted oscillation reaches ~0.7. Needed together
       * with the amplitude below, which is what keeps the healthy DCGAN clear.
       */
      minAutocorrelation: fraction
        .default(0.35)
        .describe('Autocorrelation at the dominant period needed to call it oscillation.'),
      /** Amplitude (nats) of the periodic part: 0.16 at most in the healthy DCGAN (per-step noise sd 0.23). */
      minAmplitude: positive.default(0.4).describe('Amplitude (nats) of the periodic part for a warning.'),
      criticalAmplitude: positive.default(1.0).describe('Amplitude (nats) for a critical finding.'),
    })
    .prefault({})
    .describe('Losses oscillating: a generator hopping between modes.'),

  discriminatorCollapse: z
    .object({
      /**
       * D loss below this is near zero: D tells real from fake with certainty
       * (at equilibrium it is 2 ln 2 ≈ 1.39; the healthy DCGAN never logs below 0.55).
       */
      maxLoss: positive.default(0.1).describe('Discriminator loss below this counts as near zero.'),
      /** Running median over this many steps before thresholding, so one lucky batch is not an episode. */
      medianWindowSteps: positive.default(9).describe('Running median over this many steps before thresholding.'),
      minSteps: positive.default(100).describe('Steps near zero for a warning.'),
      criticalSteps: positive.default(400).describe('Steps near zero for a critical finding.'),
    })
    .prefault({})
    .describe('The discriminator winning outright.'),

  risingGenerator: z
    .object({
      /** The trend is measured over this last fraction of training (after warm-up). */
      lateFraction: fraction.default(0.5).describe('The trend is measured over this last fraction of training.'),
      /** Rise of the Theil–Sen line over that part, in nats; the healthy DCGAN's is ≈ 0 (−0.02). */
      minRise: positive.default(1.0).describe('Rise of the generator loss (nats) over that part for a warning.'),
      criticalRise: positive.default(3.0).describe('Rise (nats) for a critical finding.'),
    })
    .prefault({})
    .describe("The generator's loss rising late in training."),

  divergence: z
    .object({
      /** The gap |G − D| is compared between the first and the last this fraction of training (after warm-up). */
      edgeFraction: fraction
        .default(0.2)
        .describe('The loss gap is compared between the first and last this fraction of training.'),
      /** How much the median gap must grow, in nats. */
      minWidening: positive.default(1.5).describe('How much the median gap must grow (nats).'),
      /** And how large it must end up: the healthy DCGAN's gap has median 0.5 and 95th percentile 0.8 nats. */
      minGap: positive.default(3.0).describe('How large the gap must end up (nats) for a warning.'),
      criticalGap: positive.default(6.0).describe('Gap (nats) for a critical finding.'),
    })
    .prefault({})
    .describe('The two losses drifting apart.'),

  samples: z
    .object({
      /** A class is covered when its share of samples is at least this fraction of its share of real data. */
      minClassShareRatio: fraction
        .default(0.2)
        .describe('A class is covered when its share of samples is at least this fraction of its share of real data.'),
      /** KL(generated ‖ real) of the class histograms, nats. Finite-sample noise at 1000 samples is ~0.005. */
      klWarning: positive.default(0.1).describe('KL(generated ‖ real) of the class histograms (nats) for a warning.'),
      klCritical: positive.default(0.5).describe('Class KL (nats) for a critical finding.'),
      /**
       * Mean cosine similarity of samples from distant latents, in features
       * centred on the real mean, minus the same for real images. A collapsed
       * generator approaches 1; a healthy one is near the real value.
       */
      similarityExcessWarning: positive
        .default(0.2)
        .describe('Excess mean cosine similarity of samples over real images for a warning.'),
      similarityExcessCritical: positive.default(0.5).describe('Excess similarity for a critical finding.'),
    })
    .prefault({})
    .describe('Findings from the samples: class coverage, class balance, similarity.'),
});

export type DiagnosticThresholds = z.infer<typeof diagnosticThresholdsSchema>;

export const DEFAULT_THRESHOLDS: DiagnosticThresholds = diagnosticThresholdsSchema.parse({});
