/**
 * The Human judgments section as display strings (HTML and Markdown read the
 * same view). Pure: ReportData in, text out.
 */
import type { HumanSection, HumanShare, ReportData } from '../assemble/report-data.ts';
import { formatCount, formatValue } from './format.ts';

/** Below this many raters a bootstrap over raters has too few distinct resamples to trust its ends. */
const FEW_RATERS = 5;

export interface HumanView {
  intro: string;
  /** One row per model, then the real images as the reference. */
  rows: { model: string; share: string; answers: string; unsure: string; images: string; reference: boolean }[];
  preferences: { intro: string; rows: { model: string; strength: string; wins: string; comparisons: string }[] } | null;
  agreement: string;
}

/** Landis & Koch (1977)'s words for κ, used for α alike. */
function agreementWord(value: number): string {
  if (value < 0) return 'less than chance';
  if (value <= 0.2) return 'slight';
  if (value <= 0.4) return 'fair';
  if (value <= 0.6) return 'moderate';
  if (value <= 0.8) return 'substantial';
  return 'almost perfect';
}

function percent(share: HumanShare): string {
  if (share.n === 0) return '–';
  const p = (v: number) => formatValue(100 * v, 0);
  return `${p(share.share.value)}% [${p(share.share.low)}, ${p(share.share.high)}]`;
}

function shareRow(share: HumanShare, reference: boolean): HumanView['rows'][number] {
  return {
    model: reference ? 'real images (reference)' : share.source,
    share: percent(share),
    answers: `${formatCount(share.judgedReal)} of ${formatCount(share.n)}`,
    unsure: formatCount(share.unsure),
    images: formatCount(share.images),
    reference,
  };
}

export function humanView(data: ReportData): HumanView | null {
  const h: HumanSection | undefined = data.human;
  if (!h) return null;
  const total = h.answers.single + h.answers.pair;
  const intro =
    `${formatCount(h.raters)} ${h.raters === 1 ? 'rater' : 'raters'} gave ${formatCount(total)} answers in a blind session (${h.ratings}): ` +
    `${formatCount(h.answers.single)} on single images ("real or generated?") and ${formatCount(h.answers.pair)} on two models' images side by side ("which looks more real?"); ` +
    `${formatCount(h.answers.unsure)} were "can't tell". Judged real: the share of a model's images raters called real, with its Wilson 95% interval over answers (can't-tell answers left out); ` +
    `the real images' own share is what a model indistinguishable from the data would reach.`;
  const preferences = h.preferences && {
    intro:
      `Bradley–Terry strengths from the side-by-side answers (a can't-tell counts half to each side; strengths sum to 1, so model i is preferred over j with probability s_i / (s_i + s_j)). ` +
      (h.preferences.interval === 'none'
        ? 'No interval was computed.'
        : `95% interval: ${h.preferences.interval}, ${formatCount(h.preferences.resamples)} resamples.`) +
      (h.preferences.interval === 'bootstrap over raters' && h.raters < FEW_RATERS
        ? ` With ${formatCount(h.raters)} raters there are few distinct resamples, so these intervals are rough.`
        : ''),
    rows: [...h.preferences.models]
      .sort((a, b) => b.strength.value - a.strength.value)
      .map((m) => ({
        model: m.model,
        strength: `${formatValue(m.strength.value, 2)} [${formatValue(m.strength.low, 2)}, ${formatValue(m.strength.high, 2)}]`,
        wins: formatValue(m.wins, Number.isInteger(m.wins) ? 0 : 1),
        comparisons: formatCount(m.comparisons),
      })),
  };
  const a = h.agreement;
  const agreement = a
    ? `Agreement on real or generated: ${a.statistic === 'fleiss-kappa' ? "Fleiss' κ" : "Krippendorff's α"} = ${formatValue(a.value, 2)} (${agreementWord(a.value)}), over ${formatCount(a.items)} images that two raters or more judged${a.statistic === 'krippendorff-alpha' ? " (images have different numbers of answers, from can't-tell answers or raters who stopped early, so α, which allows gaps)" : ''}.`
    : 'Agreement between raters: not measured (no image was judged by two raters).';
  return {
    intro,
    rows: [...h.foolRates.map((f) => shareRow(f, false)), ...(h.real ? [shareRow(h.real, true)] : [])],
    preferences,
    agreement,
  };
}
