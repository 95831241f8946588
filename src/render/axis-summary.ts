/**
 * The summary's five axes (fidelity, diversity, density, invertibility,
 * speed): for each, which model is best on each metric, by how much over the
 * runner-up, and whether the uncertainty makes that lead real. No single
 * number ranks generative models, so the report never merges the axes.
 */
import type {
  DensityRow,
  DifferenceRow,
  Estimate95,
  InvertibilityRow,
  MetricCell,
  MetricInfo,
  ReportData,
} from '../assemble/report-data.ts';
import { differenceText } from './differences-view.ts';
import { decimalsFor, formatList, formatValue } from './format.ts';
import { DIRECTION_ARROWS, shortfall } from '../assemble/direction.ts';

export interface AxisView {
  axis: string;
  /** What the axis measures, in a few words. */
  question: string;
  /** One line: who is best where (report.md). */
  verdict: string;
  /** Every metric of the axis with its best model, margin and uncertainty (report.html). */
  paragraph: string;
  measured: boolean;
}

interface Axis {
  label: string;
  question: string;
  /** Metric ids that belong to the axis, in reading order. */
  metrics: string[];
}

/** Metric ids per axis; a metric in none of them is still in the scorecard. */
const AXES: Axis[] = [
  {
    label: 'Fidelity',
    question: 'how much the samples look like real images',
    metrics: ['fid', 'kid', 'precision', 'density'],
  },
  { label: 'Diversity', question: 'how much of the real data the samples cover', metrics: ['recall', 'coverage'] },
];

// Not "Density" alone: that is also the name of a fidelity metric (Naeem et al.).
const DENSITY_AXIS = { label: 'Density (likelihood)', question: 'the probability a model assigns to real images' };
const INVERTIBILITY_AXIS = { label: 'Invertibility', question: 'how well an image is recovered from its latent' };

const ARROW = DIRECTION_ARROWS;

interface Valued {
  model: string;
  cell: Extract<MetricCell, { kind: 'value' }>;
}

export function axisSummaries(data: ReportData): AxisView[] {
  return [...AXES.map((axis) => metricAxis(data, axis)), densityAxis(data), invertibilityAxis(data), speedAxis(data)];
}

function metricAxis(data: ReportData, axis: Axis): AxisView {
  const metrics = axis.metrics.flatMap((id) => data.metrics.filter((m) => m.id === id));
  const findings = metrics.map((metric) => metricFinding(data, metric)).filter((f) => f !== null);
  // Each later feature space in one line: who is best on which of its metrics (the scorecard has the numbers).
  const later = (data.extractors ?? []).slice(1).flatMap((space) => {
    const id = space.space ?? space.id;
    const inSpace = axis.metrics.flatMap((m) => data.metrics.filter((x) => x.id === `${m}@${id}`));
    const found = inSpace
      .map((metric) => metricFinding(data, metric))
      .filter((f) => f !== null)
      .map((f) => ({ ...f, metric: f.metric.split(' · ')[0]! }));
    return found.length > 0
      ? [
          `In the ${space.name
            .replace(/\s*\(.*\)\s*$/, '')
            .replace(/^ONNX\s+/, '')
            .replace(/\.(onnx|json)$/i, '')} space (…@${id}): ${verdictLine(found)}`,
        ]
      : [];
  });
  if (findings.length === 0 && later.length === 0) return notMeasured(axis.label, axis.question);
  const verdict = [...(findings.length > 0 ? [verdictLine(findings)] : []), ...later].join(' ');
  return {
    axis: axis.label,
    question: axis.question,
    verdict,
    paragraph: [...findings.map((f) => f.sentence), ...later].join(' '),
    measured: true,
  };
}

interface Finding {
  metric: string;
  winners: string[];
  sentence: string;
}

function metricFinding(data: ReportData, metric: MetricInfo): Finding | null {
  const valued: Valued[] = data.models.flatMap((m) => {
    const cell = data.results[m.name]?.[metric.id];
    return cell?.kind === 'value' ? [{ model: m.name, cell }] : [];
  });
  if (valued.length === 0) return null;
  const better = (a: Valued, b: Valued) =>
    shortfall(metric.direction, a.cell.value) - shortfall(metric.direction, b.cell.value);
  const ranked = [...valued].sort(better);
  const best = ranked[0]!; // valued is not empty
  const winners = ranked.filter((v) => v.cell.value === best.cell.value);
  const runnerUp = ranked.find((v) => v.cell.value !== best.cell.value);
  const head = `${metric.label} ${ARROW[metric.direction]}:`;
  const unit = metric.unit ? ` ${metric.unit}` : '';
  const missing = notApplicableNote(data, metric);

  if (valued.length === 1) {
    return {
      metric: metric.label,
      winners: [best.model],
      sentence: `${head} only ${best.model} has a value, ${valueText(best.cell)}${unit}${missing}.`,
    };
  }
  if (!runnerUp) {
    return {
      metric: metric.label,
      winners: winners.map((w) => w.model),
      sentence: `${head} ${formatList(winners.map((w) => w.model))} tie at ${valueText(best.cell)}${unit}${missing}.`,
    };
  }
  const decimals = decimalsFor(best.cell.value);
  const margin = formatValue(Math.abs(best.cell.value - runnerUp.cell.value), decimals);
  const lead = winners.length > 1 ? `${formatList(winners.map((w) => w.model))} tie for best` : `${best.model} is best`;
  return {
    metric: metric.label,
    winners: winners.map((w) => w.model),
    sentence: `${head} ${lead} at ${valueText(best.cell)}${unit}, ${margin}${unit} ${{ lower: 'below', higher: 'above', 'near-one': 'nearer 1 than' }[metric.direction]} ${runnerUp.model} (${valueText(runnerUp.cell)}); ${pairedVerdict(pairedRow(data, metric.id, best.model, runnerUp.model), best.model) ?? uncertainty(best.cell, runnerUp.cell)}${missing}.`,
  };
}

/** A value with its own uncertainty, in the value's decimals. */
function valueText(cell: Valued['cell']): string {
  const decimals = decimalsFor(cell.value);
  const value = formatValue(cell.value, decimals);
  if (cell.interval)
    return `${value} [${formatValue(cell.interval[0], decimals)}, ${formatValue(cell.interval[1], decimals)}]`;
  if (cell.std !== undefined) return `${value} ± ${formatValue(cell.std, decimals)}`;
  return value;
}

/** The paired difference of `model` to `best`, when the report has one. */
function pairedRow(
  data: ReportData,
  metric: string,
  best: string,
  model: string,
  dataSpace?: string,
): DifferenceRow | undefined {
  const entry = data.differences?.find(
    (d) => d.metric === metric && d.best === best && (dataSpace === undefined || d.dataSpace === dataSpace),
  );
  return entry?.rows.find((r) => r.model === model);
}

/** Whether the lead is clear by the paired difference (same test images, same resamples). */
function pairedVerdict(row: DifferenceRow | undefined, best: string): string | null {
  if (!row) return null;
  const text = `the paired difference ${row.model} − ${best} is ${differenceText(row.difference)}`;
  return row.clear
    ? `${text}, which excludes 0, so the lead is clear`
    : `${text}, which includes 0, so the lead is not clear`;
}

/** Unpaired fallback (reports without paired differences): whether the lead survives the uncertainty both cells carry. */
function uncertainty(best: Valued['cell'], runnerUp: Valued['cell']): string {
  if (best.interval && runnerUp.interval) {
    const overlap = best.interval[0] <= runnerUp.interval[1] && runnerUp.interval[0] <= best.interval[1];
    return overlap ? 'the 95% intervals overlap, so the lead is not clear' : 'the 95% intervals do not overlap';
  }
  if (best.std !== undefined && runnerUp.std !== undefined) {
    return Math.abs(best.value - runnerUp.value) > best.std + runnerUp.std
      ? 'the gap exceeds the two standard deviations together'
      : 'the gap is within the two standard deviations together, so the lead is not clear';
  }
  return 'no uncertainty was computed';
}

function notApplicableNote(data: ReportData, metric: MetricInfo): string {
  const na = data.models.filter((m) => data.results[m.name]?.[metric.id]?.kind === 'not-applicable');
  return na.length > 0 ? `; n/a for ${formatList(na.map((m) => m.name))}` : '';
}

/** "a best on FID, KID; b on Precision": who wins where, in metric order. */
function verdictLine(findings: Finding[]): string {
  const byWinner = new Map<string, string[]>();
  for (const f of findings) {
    const key = formatList(f.winners);
    byWinner.set(key, [...(byWinner.get(key) ?? []), f.metric]);
  }
  const parts = [...byWinner].map(
    ([winner, metrics], i) => `${winner} ${i === 0 ? 'best on ' : 'on '}${metrics.join(', ')}`,
  );
  return `${parts.join('; ')}.`;
}

/**
 * Per ranking group: the model with the lowest bits/dim (by its tightest
 * estimate), the runner-up, whether the intervals separate them, and the
 * reference for scale; then who has no density and why it is apart.
 */
function densityAxis(data: ReportData): AxisView {
  const section = data.density;
  if (!section) return notMeasured(DENSITY_AXIS.label, DENSITY_AXIS.question);
  const rows = section.reference ? [...section.rows, section.reference] : section.rows;
  const tightest = (model: string): DensityRow | undefined =>
    rows.filter((r) => r.model === model && r.bitsPerDim).sort((a, b) => a.bitsPerDim!.value - b.bitsPerDim!.value)[0];
  const sentences: string[] = [];
  const verdicts: string[] = [];
  for (const group of section.groups) {
    const models = group.models.filter((m) => m !== section.reference?.model);
    const [best, next] = models.map(tightest).filter((r) => r !== undefined);
    if (!best) continue;
    const scale = section.reference?.bitsPerDim ? `; independent pixels: ${bits(section.reference.bitsPerDim)}` : '';
    const paired =
      next && pairedVerdict(pairedRow(data, 'bits-per-dim', best.model, next.model, group.dataSpace), best.model);
    const versus = next
      ? `, ahead of ${next.model} (${bits(next.bitsPerDim!)}); ${paired ?? (overlaps(best.bitsPerDim!, next.bitsPerDim!) ? 'the 95% intervals overlap, so the lead is not clear' : 'the 95% intervals do not overlap')}`
      : '';
    sentences.push(
      `On ${group.dataSpace}, ${best.model} is best at ${bits(best.bitsPerDim!)} bits/dim (${best.kind === 'bound' ? 'a bound: the true value is at or below it' : 'exact'})${versus}${scale}.`,
    );
    verdicts.push(`${best.model} best at ${formatValue(best.bitsPerDim!.value)} bits/dim`);
  }
  const without = section.rows.filter((r) => r.kind === 'none' || r.kind === 'failed');
  if (without.length > 0) sentences.push(`No density for ${formatList([...new Set(without.map((r) => r.model))])}.`);
  const apart = [...new Set(section.apart.map((a) => a.model))];
  if (apart.length > 0) sentences.push(`Not ranked: ${formatList(apart)} (see the density section).`);
  if (verdicts.length === 0) {
    return {
      axis: DENSITY_AXIS.label,
      question: DENSITY_AXIS.question,
      verdict: 'no ranked likelihood.',
      paragraph: sentences.join(' ') || 'No model has a likelihood.',
      measured: false,
    };
  }
  return {
    axis: DENSITY_AXIS.label,
    question: DENSITY_AXIS.question,
    verdict: `${verdicts.join('; ')}.`,
    paragraph: sentences.join(' '),
    measured: true,
  };
}

/** Lowest reconstruction MSE among the models that reconstruct; the flow round trip stated apart. */
function invertibilityAxis(data: ReportData): AxisView {
  const rows = data.invertibility?.rows ?? [];
  if (rows.length === 0) return notMeasured(INVERTIBILITY_AXIS.label, INVERTIBILITY_AXIS.question);
  const sentences: string[] = [];
  const ranked = rows.filter((r) => r.mse && r.method !== 'completion').sort((a, b) => a.mse!.value - b.mse!.value);
  const [best, next] = ranked;
  if (best) {
    const versus = next
      ? `, then ${next.model} (${mse(next)}); ${overlaps(best.mse!, next.mse!) ? 'the 95% intervals overlap' : 'the 95% intervals do not overlap'}`
      : '';
    sentences.push(`${best.model} recovers test images best (${best.method}), MSE ${mse(best)}${versus}.`);
  }
  for (const r of rows.filter((r) => r.roundTrip)) {
    sentences.push(
      `${r.model} inverts exactly: round-trip error at most ${formatValue(Math.max(r.roundTrip!.imageToImage.max, r.roundTrip!.latentToLatent.max))}.`,
    );
  }
  const completions = rows.filter((r) => r.method === 'completion');
  if (completions.length > 0)
    sentences.push(
      `${formatList(completions.map((r) => r.model))} ${completions.length === 1 ? 'has' : 'have'} no latent; completion of the bottom half shown instead.`,
    );
  const failed = rows.filter((r) => r.method === 'failed');
  if (failed.length > 0) sentences.push(`Failed for ${formatList(failed.map((r) => r.model))}.`);
  const exact = rows.filter((r) => r.roundTrip).map((r) => r.model);
  const verdict = [best ? `${best.model} best reconstruction` : '', exact.length ? `${formatList(exact)} exact` : '']
    .filter(Boolean)
    .join('; ');
  return {
    axis: INVERTIBILITY_AXIS.label,
    question: INVERTIBILITY_AXIS.question,
    verdict: `${verdict || 'no reconstruction measured'}.`,
    paragraph: sentences.join(' '),
    measured: verdict !== '',
  };
}

function bits(e: Estimate95): string {
  const decimals = decimalsFor(e.value);
  return `${formatValue(e.value, decimals)} [${formatValue(e.low, decimals)}, ${formatValue(e.high, decimals)}]`;
}

function mse(r: InvertibilityRow): string {
  return bits(r.mse!);
}

function overlaps(a: Estimate95, b: Estimate95): boolean {
  return a.low <= b.high && b.low <= a.high;
}

function speedAxis(data: ReportData): AxisView {
  const timed = data.models.flatMap((m) =>
    m.samplesPerSecond === undefined ? [] : [{ model: m.name, speed: m.samplesPerSecond }],
  );
  const question = 'images generated per second';
  if (timed.length === 0) return notMeasured('Speed', question);
  const ranked = [...timed].sort((a, b) => b.speed - a.speed);
  const fastest = ranked[0]!; // timed is not empty
  const next = ranked[1];
  const backend = data.run.backend.name;
  const verdict = `${fastest.model} fastest at ${formatValue(fastest.speed)} img/s on ${backend}.`;
  const comparison = next
    ? `, ${formatValue(fastest.speed / next.speed, 2)}× ${next.model} (${formatValue(next.speed)} img/s)`
    : '';
  return {
    axis: 'Speed',
    question,
    verdict,
    paragraph: `${fastest.model} samples fastest at ${formatValue(fastest.speed)} img/s${comparison}, on the ${backend} backend (one timed run, so no interval).`,
    measured: true,
  };
}

function notMeasured(axis: string, question: string): AxisView {
  return {
    axis,
    question,
    verdict: 'not measured in this report.',
    paragraph: 'Not measured in this report.',
    measured: false,
  };
}
