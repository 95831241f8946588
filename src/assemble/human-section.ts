/**
 * Human judgments → the report's Human judgments section, plus two metric
 * columns (fool rate, preference) so the scorecard, history and `check` see
 * them under stable ids like any other metric. Pure.
 */
import type { HumanAnalysis, FoolRate } from '../human/analysis.ts';
import type { HumanSection, HumanShare, MetricCell, MetricInfo } from './report-data.ts';

export const HUMAN_FOOL_RATE = 'human-fool-rate';
export const HUMAN_PREFERENCE = 'human-preference';

export const HUMAN_METRICS: Record<typeof HUMAN_FOOL_RATE | typeof HUMAN_PREFERENCE, MetricInfo> = {
  [HUMAN_FOOL_RATE]: {
    id: HUMAN_FOOL_RATE,
    label: 'Judged real (human)',
    unit: '',
    direction: 'higher',
    definition:
      "Share of a model's images that raters judged real in a blind rating session; can't-tell answers left out; Wilson 95% interval. Real images' own share is the ceiling.",
    reference: 'Zhou et al. 2019 (HYPE); Wilson 1927',
  },
  [HUMAN_PREFERENCE]: {
    id: HUMAN_PREFERENCE,
    label: 'Preferred (human)',
    unit: '',
    direction: 'higher',
    definition:
      'Bradley–Terry strength from side-by-side "which looks more real?" answers (strengths sum to 1); 95% bootstrap interval over raters.',
    reference: 'Bradley & Terry 1952; Hunter 2004 (MM)',
  },
};

export interface HumanInput {
  /** The ratings file, as the config named it. */
  ratings: string;
  analysis: HumanAnalysis;
}

export interface AssembledHuman {
  section: HumanSection;
  metrics: MetricInfo[];
  /** model name → metric id → cell, for every model of the run. */
  cells: Record<string, Record<string, MetricCell>>;
  warnings: string[];
}

function share(f: FoolRate, source: string): HumanShare {
  return {
    source,
    share: { value: f.n > 0 ? f.value : 0, low: f.low, high: f.high },
    judgedReal: f.successes,
    n: f.n,
    unsure: f.unsure,
    images: f.images,
  };
}

export function humanSection(input: HumanInput, models: string[]): AssembledHuman {
  const { analysis } = input;
  const runOrder = (model: string) => (models.includes(model) ? models.indexOf(model) : models.length);
  const section: HumanSection = {
    ratings: input.ratings,
    raters: analysis.raters,
    answers: analysis.answers,
    // In the run's model order; models the run does not have go last.
    foolRates: [...analysis.foolRates]
      .sort((a, b) => runOrder(a.model!) - runOrder(b.model!))
      .map((f) => share(f, f.model!)),
    real: analysis.real && share(analysis.real, 'real'),
    preferences: analysis.preferences && {
      interval: analysis.preferences.interval,
      resamples: analysis.preferences.resamples,
      models: analysis.preferences.strengths.map((s) => ({
        model: s.model,
        strength: { value: s.value, low: s.low, high: s.high },
        wins: s.wins,
        comparisons: s.comparisons,
      })),
    },
    agreement: analysis.agreement,
  };
  const metrics = [HUMAN_METRICS[HUMAN_FOOL_RATE], ...(section.preferences ? [HUMAN_METRICS[HUMAN_PREFERENCE]] : [])];
  const cells: AssembledHuman['cells'] = {};
  const notRated: MetricCell = { kind: 'not-applicable', reason: `not in the rating session (${input.ratings})` };
  for (const model of models) {
    const fool = section.foolRates.find((f) => f.source === model);
    const preference = section.preferences?.models.find((p) => p.model === model);
    cells[model] = {
      [HUMAN_FOOL_RATE]:
        fool && fool.n > 0
          ? { kind: 'value', value: fool.share.value, interval: [fool.share.low, fool.share.high], n: fool.n }
          : notRated,
      ...(section.preferences
        ? {
            [HUMAN_PREFERENCE]: preference
              ? {
                  kind: 'value',
                  value: preference.strength.value,
                  interval: [preference.strength.low, preference.strength.high],
                  n: preference.comparisons,
                }
              : notRated,
          }
        : {}),
    };
  }
  const rated = new Set([
    ...section.foolRates.map((f) => f.source),
    ...(section.preferences?.models.map((p) => p.model) ?? []),
  ]);
  const strangers = [...rated].filter((m) => !models.includes(m));
  const warnings =
    strangers.length > 0
      ? [
          `${input.ratings} rates ${strangers.map((m) => `"${m}"`).join(', ')}, not in this run: shown in the Human judgments section but not in the scorecard. Was the session drawn from another config?`,
        ]
      : [];
  return { section, metrics, cells, warnings };
}
