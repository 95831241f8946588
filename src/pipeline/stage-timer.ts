/**
 * Seconds per pipeline stage, summed over every call: a stage such as
 * "features" runs once for the real data and once per model.
 */
import type { StageTiming } from '../assemble/report-data.ts';

/**
 * The timed stages in the order a run first reaches them (the density
 * reference comes before any model is sampled): the one list of them. The report lists its timings in this order, pipeline.ts's diagram
 * names them in it (test/architecture/pipeline-stages.test.ts checks), and
 * `timed` takes no other name.
 */
export const STAGES = [
  'human',
  'load',
  'features',
  'density',
  'sample',
  'invertibility',
  'truncation',
  'metrics',
  'diagnostics',
  'render',
  'write',
] as const;

export type Stage = (typeof STAGES)[number];

export type Timed = <T>(stage: Stage, work: () => Promise<T>) => Promise<T>;

export function stageTimer(): {
  timed: Timed;
  /** Seconds per stage so far, in STAGES order, as a copy. */
  timings(): StageTiming[];
  /** Adds seconds measured elsewhere (a merge adds its shards'). */
  add(timing: StageTiming): void;
} {
  const seconds = new Map<string, number>();
  const add = ({ stage, seconds: s }: StageTiming) => seconds.set(stage, (seconds.get(stage) ?? 0) + s);
  const timed: Timed = async (stage, work) => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      add({ stage, seconds: (performance.now() - started) / 1000 });
    }
  };
  const rank = (stage: string) => {
    const i = (STAGES as readonly string[]).indexOf(stage);
    return i < 0 ? STAGES.length : i;
  };
  return {
    timed,
    timings: () =>
      [...seconds].map(([stage, s]) => ({ stage, seconds: s })).sort((a, b) => rank(a.stage) - rank(b.stage)),
    add,
  };
}
