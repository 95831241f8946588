/**
 * Seeded synthetic GAN loss traces with known episodes, on the scale of the
 * sample DCGAN's log (non-saturating loss in nats: G ≈ 0.7–1.6, D ≈ 0.6–1.4,
 * step-to-step noise ≈ 0.3). Noise is red (AR(1)) plus white, like real
 * minibatch losses, so the detectors are not tested on easy white noise.
 */
import { Rng } from '../../src/core/rng.ts';
import type { TrainingLog } from '../../src/diagnostics/training-log.ts';

export const STEPS = 3000;

export type Scenario = 'healthy' | 'oscillating' | 'discriminator-collapse' | 'rising-generator' | 'diverging';

interface Shape {
  g: (step: number) => number;
  d: (step: number) => number;
  /** Noise is multiplied by this, so a collapsed D (loss ≈ 0.01) is not swamped. */
  dNoiseScale?: (step: number) => number;
}

const ramp = (step: number, from: number, to: number): number => Math.min(1, Math.max(0, (step - from) / (to - from)));

const SHAPES: Record<Scenario, Shape> = {
  healthy: { g: (s) => 1.0 + 0.15 * ramp(s, 0, STEPS), d: (s) => 1.15 - 0.1 * ramp(s, 0, STEPS) },
  // Mode hopping from step 1000: G swings ±1.2 with a period of 80 steps, D in counter-phase.
  oscillating: {
    g: (s) => 1.0 + (s >= 1000 ? 0.8 + 1.2 * Math.sin((2 * Math.PI * s) / 80) : 0),
    d: (s) => 1.1 - (s >= 1000 ? 0.3 * Math.sin((2 * Math.PI * s) / 80) : 0),
  },
  // D wins from step 1200: its loss decays to ~0.01 while G climbs to ~8.
  'discriminator-collapse': {
    g: (s) => 1.0 + 7 * ramp(s, 1200, 1700),
    d: (s) => (s < 1200 ? 1.1 : 0.01 + 1.09 * Math.exp(-(s - 1200) / 80)),
    dNoiseScale: (s) => (s < 1200 ? 1 : 0.01 + Math.exp(-(s - 1200) / 80)),
  },
  // G loss climbs by 2.5 over the second half while D stays well away from zero.
  'rising-generator': { g: (s) => 1.0 + 2.5 * ramp(s, 1500, STEPS), d: (s) => 1.1 - 0.5 * ramp(s, 1500, STEPS) },
  // G runs away from D: from step 1000 D's loss climbs to 4.0 while G's falls to 0.4.
  diverging: { g: (s) => 0.9 - 0.5 * ramp(s, 1000, 2500), d: (s) => 1.2 + 2.8 * ramp(s, 1000, 2500) },
};

export function syntheticLog(scenario: Scenario, seed = 1): TrainingLog {
  const rng = new Rng(seed);
  const shape = SHAPES[scenario];
  const log: TrainingLog = { file: `synthetic-${scenario}.csv`, step: [], series: { g_loss: [], d_loss: [] } };
  let gRed = 0;
  let dRed = 0;
  for (let step = 1; step <= STEPS; step++) {
    gRed = 0.6 * gRed + 0.2 * rng.normal();
    dRed = 0.6 * dRed + 0.12 * rng.normal();
    const dScale = shape.dNoiseScale?.(step) ?? 1;
    log.step.push(step);
    log.series.g_loss!.push(Math.max(0.05, shape.g(step) + gRed + 0.15 * rng.normal()));
    log.series.d_loss!.push(Math.max(1e-4, shape.d(step) + dScale * (dRed + 0.1 * rng.normal())));
  }
  return log;
}
