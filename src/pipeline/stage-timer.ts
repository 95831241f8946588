/**
 * Seconds per pipeline stage, summed over every call: a stage such as
 * "features" runs once for the real data and once per model.
 */
import type { StageTiming } from '../assemble/report-data.ts';

export type Timed = <T>(stage: string, work: () => Promise<T>) => Promise<T>;

export function stageTimer(): { timings: StageTiming[]; timed: Timed } {
  const timings: StageTiming[] = [];
  const timed: Timed = async (stage, work) => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const previous = timings.find((t) => t.stage === stage);
      const seconds = (performance.now() - started) / 1000;
      if (previous) previous.seconds += seconds;
      else timings.push({ stage, seconds });
    }
  };
  return { timings, timed };
}
