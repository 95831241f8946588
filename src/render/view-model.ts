/**
 * ReportData → the display strings the templates print. Pure: every decision
 * about how a number, a missing value or a failure looks is made here, so the
 * templates hold only loops and conditionals.
 */
import type {
  ChartEntry,
  DensityRow,
  Estimate95,
  ImageEntry,
  InvertibilityRow,
  MetricCell,
  MetricInfo,
  ModelEntry,
  ReportData,
} from '../assemble/report-data.ts';
import { BITS_PER_DIM_CHART_ID } from './charts/bits-per-dim.ts';
import { DIRECTION_ARROWS, DIRECTION_TEXT } from '../assemble/direction.ts';
import { TRAINING_CHART_ID } from './charts/training-losses.ts';
import { TREND_CHART_ID } from './charts/trend.ts';
import { axisSummaries, type AxisView } from './axis-summary.ts';
import { differencesView, type DifferencesView } from './differences-view.ts';
import { decimalsFor, formatCount, formatSeconds, formatTimestamp, formatValue } from './format.ts';
import { isInlineSafeSvg } from './svg-guard.ts';
import { humanView, type HumanView } from './human-view.ts';

export interface ReportView {
  title: string;
  createdAt: string;
  dataset: string;
  extractor: string;
  backend: string;
  /** `differences`: every model minus the best, paired (null when the report has none). */
  summary: { models: string; axes: AxisView[]; differences: DifferencesView | null };
  warnings: string[];
  failedModels: { name: string; error: string }[];
  scorecard: ScorecardView;
  charts: ChartView[];
  speed: SpeedView | null;
  density: DensityView | null;
  invertibility: InvertibilityView | null;
  /** Sample grids; the invertibility section shows its own. */
  images: ImageView[];
  training: TrainingView | null;
  trend: TrendView | null;
  /** Human judgments from a rating session, when the run read one. */
  human: HumanView | null;
  methods: MethodsView;
}

export interface SpeedView {
  backend: string;
  /** Said when some model sampled on more threads than the others. */
  threadsNote: string | null;
  rows: { model: string; family: string; speed: string; relative: string; density: string }[];
}

export interface DensityView {
  intro: string;
  chart: ChartView | null;
  rows: DensityRowView[];
  reference: DensityRowView | null;
  /** One sentence per data space: who is ranked together, best first. */
  rankings: string[];
  /** Estimates kept out of the rankings, each with the reason. */
  apart: string[];
  /** Published figures on the same data set, shown apart for scale; null when none are known. */
  published: { heading: string; rows: { model: string; bitsPerDim: string; citation: string }[] } | null;
}

export interface DensityRowView {
  model: string;
  estimate: string;
  kind: string;
  nats: string;
  bitsPerDim: string;
  n: string;
  time: string;
  note: string;
}

export interface InvertibilityView {
  intro: string;
  rows: { model: string; method: string; error: string; psnr: string; sameLabel: string; time: string; note: string }[];
  /** Hybrids' codebook usage, a small table of its own; empty without one. */
  codebook: {
    intro: string;
    rows: { model: string; size: string; used: string; dead: string; perplexity: string; codes: string }[];
  } | null;
  images: ImageView[];
}

export interface TrainingView {
  chart: ChartView | null;
  rows: {
    model: string;
    label: string;
    severity: string;
    verdict: string;
    logFile: string;
    findings: { severity: string; text: string }[];
  }[];
}

export interface TrendView {
  chart: ChartView | null;
  summary: string;
  rows: { model: string; metric: string; latest: string; previous: string; change: string; verdict: string }[];
}

export interface ScorecardView {
  columns: ColumnView[];
  rows: RowView[];
  footnotes: { mark: string; text: string }[];
  /**
   * The same cells with metrics as rows and models as columns, set when there
   * are too many metrics for one A4 row per model; the HTML then shows this.
   */
  transposed: {
    models: { name: string; family: string }[];
    rows: (ColumnView & { cells: CellView[]; group?: string; groupSpan?: number })[];
  } | null;
  /** With several feature spaces and metrics as columns: one heading over each space's columns, in order. */
  spaceHeads?: { label: string; span: number }[];
}

export interface ColumnView {
  label: string;
  unit: string;
  arrow: string;
  direction: string;
}

export interface RowView {
  model: string;
  family: string;
  cells: CellView[];
}

export interface CellView {
  kind: MetricCell['kind'] | 'missing';
  text: string;
  /** Second line: the interval for a value, the reason for a failure. */
  detail: string | null;
  /** The 95% interval's ends, formatted, for the outputs that lay it out themselves (Markdown, LaTeX). */
  interval: [string, string] | null;
  best: boolean;
  footnote: string | null;
}

export interface ChartView {
  title: string;
  caption: string;
  /** Vega's SVG, only when it passed the inline safety check. */
  svg: string | null;
}

export interface ImageView {
  title: string;
  caption: string;
  /** A data:image URI, or null when the entry held anything else. */
  src: string | null;
  width: number;
  height: number;
}

export interface MethodsView {
  tool: string;
  backend: { name: string; reason: string; device: string | null };
  extractor: {
    name: string;
    id: string;
    layer: string;
    dim: string;
    hash: string;
    note: string | null;
    provenance: string[];
  };
  /** Every feature space, where the run has several. */
  spaces?: {
    number: string;
    space: string;
    ids: string;
    name: string;
    id: string;
    layer: string;
    dim: string;
    hash: string;
    note: string | null;
    provenance: string[];
  }[];
  seed: string;
  samples: string;
  command: string;
  metrics: { label: string; arrow: string; direction: string; unit: string; definition: string; reference: string }[];
  models: {
    name: string;
    family: string;
    runtime: string;
    bundle: string;
    hash: string;
    parameters: string;
    speed: string;
    status: string;
  }[];
  timings: { stage: string; time: string }[];
}

const FAMILY_LABELS: Record<ModelEntry['family'], string> = {
  gan: 'GAN',
  vae: 'VAE',
  flow: 'Flow',
  autoregressive: 'Autoregressive',
  hybrid: 'Hybrid (VQ-VAE + AR prior)',
  unknown: 'unknown family',
};
const ARROWS = DIRECTION_ARROWS;
const DIRECTIONS = DIRECTION_TEXT;

export function toViewModel(data: ReportData): ReportView {
  const [height, width, channels] = data.dataset.shape;
  return {
    title: data.title,
    createdAt: formatTimestamp(data.createdAt),
    dataset: `${data.dataset.name} (${data.dataset.split}, ${formatCount(data.dataset.count)} images, ${height}×${width}×${channels})`,
    extractor:
      data.extractors && data.extractors.length > 1
        ? data.extractors
            .map((e, i) => `${shortSpaceName(e.name)}, ${e.dim}-d${i === 0 ? ' (headline)' : ''}`)
            .join('; ')
        : `${data.extractor.name}, layer ${data.extractor.layer}`,
    backend: data.run.backend.name,
    summary: {
      models: data.models.map((m) => `${m.name} (${FAMILY_LABELS[m.family]})`).join(', '),
      axes: axisSummaries(data),
      differences: differencesView(data),
    },
    warnings: data.warnings,
    failedModels: data.models
      .filter((m) => m.status === 'failed')
      .map((m) => ({ name: m.name, error: m.error ?? 'failed without a message' })),
    scorecard: scorecard(data),
    // Charts that belong to a section of their own are shown there.
    charts: data.charts.filter((c) => !SECTION_CHARTS.includes(c.id)).map(chartView),
    speed: speedView(data),
    density: densityView(data),
    invertibility: invertibilityView(data),
    training: trainingView(data),
    trend: trendView(data),
    human: humanView(data),
    images: data.images.filter((i) => i.section !== 'invertibility').map(imageView),
    methods: methods(data),
  };
}

const SECTION_CHARTS = [TRAINING_CHART_ID, TREND_CHART_ID, BITS_PER_DIM_CHART_ID];

function imageView(i: ImageEntry): ImageView {
  return {
    title: i.title,
    caption: i.caption,
    src: /^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$/.test(i.dataUri) ? i.dataUri : null,
    width: i.width,
    height: i.height,
  };
}

const DENSITY_KINDS: Record<DensityRow['kind'], string> = {
  exact: 'exact',
  bound: 'lower bound',
  unreliable: 'unreliable',
  none: 'no density',
  failed: 'failed',
};

function densityView(data: ReportData): DensityView | null {
  const section = data.density;
  if (!section) return null;
  return {
    intro: `Negative log-likelihood of the first ${formatCount(section.images)} images of ${section.source}, in nats per image and bits/dim on the 8-bit data space, with the 95% interval over images (lower is better). A lower bound on log-likelihood is an upper bound on these numbers: the model is at least this good.`,
    chart: sectionChart(data, BITS_PER_DIM_CHART_ID),
    rows: section.rows.map(densityRowView),
    reference: section.reference && densityRowView(section.reference),
    rankings: section.groups.map((g) => `Ranked together on ${g.dataSpace}, best first: ${g.models.join(', ')}.`),
    apart: section.apart.map((a) => `${a.model} (${a.label.split(':')[0]}) is not ranked: ${a.reason}.`),
    published: section.published
      ? {
          heading: `${section.published.dataSet}: ${section.published.note}.`,
          rows: section.published.figures.map((f) => ({
            model: f.model,
            bitsPerDim: f.bitsPerDim.toFixed(2),
            citation: f.citation,
          })),
        }
      : null,
  };
}

function densityRowView(r: DensityRow): DensityRowView {
  const gap = r.gap === undefined ? '' : `Gap to the ELBO: ${formatValue(r.gap)} nats. `;
  return {
    model: r.model,
    estimate: estimatorName(r),
    kind: DENSITY_KINDS[r.kind],
    nats: r.natsPerImage ? intervalText(r.natsPerImage) : '–',
    bitsPerDim: r.bitsPerDim ? intervalText(r.bitsPerDim) : '–',
    n: r.n === undefined ? '–' : formatCount(r.n),
    time: perImageTime(r.secondsPerImage),
    note: `${gap}${r.reason ?? r.label}`,
  };
}

function estimatorName(r: DensityRow): string {
  switch (r.estimator) {
    case 'elbo':
      return `ELBO, K = ${r.samples}`;
    case 'iwae':
      return `IWAE, K = ${r.samples}`;
    case 'dequantized':
      return `dequantized, S = ${r.samples}`;
    case 'exact':
      return 'sum of conditionals';
    case 'single-code':
      return "encoder's code z_q(x)";
    case 'parzen':
      return 'Parzen window';
    case 'independent-pixels':
      return 'pixel histograms';
    default:
      return r.estimator ?? '–';
  }
}

/** Milliseconds below a second, where most per-image times fall. */
function perImageTime(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  return seconds < 1 ? `${formatValue(seconds * 1000)} ms` : formatSeconds(seconds);
}

function intervalText(e: Estimate95): string {
  const decimals = decimalsFor(e.value);
  return `${formatValue(e.value, decimals)} [${formatValue(e.low, decimals)}, ${formatValue(e.high, decimals)}]`;
}

const METHODS: Record<InvertibilityRow['method'], string> = {
  'round-trip': 'exact inverse (round trip)',
  reconstruction: 'encoder mean',
  inversion: 'latent optimisation',
  completion: 'completion (no latent)',
  failed: 'failed',
  none: 'n/a',
};

/** Why z → x → z covers fewer draws than x → z → x, when it does. */
function outsideDomainNote(outside: number | undefined, n: number | undefined): string {
  if (!outside) return '';
  return ` (over ${formatCount((n ?? 0) - outside)} of ${formatCount(n ?? 0)} prior draws: ${formatCount(outside)} ${outside === 1 ? 'lands' : 'land'} where the forward is not finite in float32, pixels saturated at the range's edge, and cannot come back)`;
}

function invertibilityView(data: ReportData): InvertibilityView | null {
  const section = data.invertibility;
  if (!section || section.rows.length === 0) return null;
  return {
    intro: `How well ${formatCount(section.images)} test images are recovered. Flows: absolute error of the round trip both ways (model units). Others: mean squared error per image on [0, 1] pixels with its 95% interval, PSNR of the mean, and the share the domain classifier gives the original's label.`,
    rows: section.rows.map((r) => ({
      model: r.model,
      method: r.codebook ? "encoder's codes" : METHODS[r.method],
      error: r.roundTrip
        ? `x→z→x max ${formatValue(r.roundTrip.imageToImage.max)}, mean ${formatValue(r.roundTrip.imageToImage.mean)}; z→x→z max ${formatValue(r.roundTrip.latentToLatent.max)}, mean ${formatValue(r.roundTrip.latentToLatent.mean)}${outsideDomainNote(r.roundTrip.outsideDomain, r.n)}`
        : r.mse
          ? `MSE ${intervalText(r.mse)}`
          : '–',
      psnr: r.psnr === undefined ? '–' : `${formatValue(r.psnr, 1)} dB`,
      sameLabel: r.labelAgreement
        ? `${formatValue(100 * r.labelAgreement.value, 0)}% [${formatValue(100 * r.labelAgreement.low, 0)}, ${formatValue(100 * r.labelAgreement.high, 0)}]`
        : '–',
      time: perImageTime(r.secondsPerImage),
      note: r.reason ?? r.label,
    })),
    codebook: codebookView(section.rows),
    images: data.images.filter((i) => i.section === 'invertibility').map(imageView),
  };
}

function codebookView(rows: InvertibilityRow[]): InvertibilityView['codebook'] {
  const used = rows.filter((r) => r.codebook);
  if (used.length === 0) return null;
  return {
    intro:
      "Codebook usage of the hybrids (VQ-VAE + autoregressive prior) over the code grids of the same test images: vectors used, dead codes (never used), and the perplexity exp(H) of the code distribution — the codebook's size for uniform use, 1 when every position takes one code.",
    rows: used.map((r) => {
      const c = r.codebook!;
      return {
        model: r.model,
        size: formatCount(c.size),
        used: `${formatCount(c.used)} (${formatValue((100 * c.used) / c.size, 0)}%)`,
        dead: formatCount(c.dead),
        perplexity: formatValue(c.perplexity, 1),
        codes: `${formatCount(c.codes)} (${formatCount(c.images)} images)`,
      };
    }),
  };
}

/** Metric columns that fit the A4 text width beside the model names, at the scorecard's type size. */
const MAX_METRIC_COLUMNS = 6;

function chartView(c: ChartEntry): ChartView {
  return { title: c.title, caption: c.caption, svg: isInlineSafeSvg(c.svg) ? c.svg : null };
}

function sectionChart(data: ReportData, id: string): ChartView | null {
  const chart = data.charts.find((c) => c.id === id);
  return chart ? chartView(chart) : null;
}

function trainingView(data: ReportData): TrainingView | null {
  if (!data.training || data.training.models.length === 0) return null;
  return {
    chart: sectionChart(data, TRAINING_CHART_ID),
    rows: data.training.models.map((t) => ({
      model: t.model,
      label: t.label,
      severity: t.severity,
      verdict: t.verdict,
      logFile: t.log ?? 'none',
      findings: t.findings
        .filter((f) => f.severity !== 'info')
        .map((f) => ({
          severity: f.severity,
          text: f.steps ? `steps ${formatCount(f.steps[0])}–${formatCount(f.steps[1])}: ${f.evidence}` : f.evidence,
        })),
    })),
  };
}

function trendView(data: ReportData): TrendView | null {
  if (!data.trend) return null;
  const { runs, history, changes } = data.trend;
  return {
    chart: sectionChart(data, TREND_CHART_ID),
    summary:
      runs <= 1
        ? `This is the first run in ${history}; the trend starts with the next one.`
        : `${runs} comparable runs in ${history}. Change against the previous run of each model:`,
    rows:
      runs <= 1
        ? []
        : changes.map((c) => ({
            model: c.model,
            metric: c.metricLabel,
            latest: formatValue(c.latest),
            previous: c.previous === undefined ? '–' : formatValue(c.previous),
            change: c.change === undefined ? '–' : `${c.change >= 0 ? '+' : '−'}${formatValue(Math.abs(c.change))}`,
            verdict: c.bundleChanged ? `${c.verdict} (new bundle)` : c.verdict,
          })),
  };
}

function scorecard(data: ReportData): ScorecardView {
  // Equal reasons share one footnote, numbered in reading order.
  const footnoteMarks = new Map<string, string>();
  const markFor = (reason: string): string => {
    let mark = footnoteMarks.get(reason);
    if (!mark) {
      mark = String(footnoteMarks.size + 1);
      footnoteMarks.set(reason, mark);
    }
    return mark;
  };
  const rows = data.models.map((model) => ({
    model: model.name,
    family: FAMILY_LABELS[model.family],
    cells: data.metrics.map((metric) => cellView(data.results[model.name]?.[metric.id], metric, markFor)),
  }));
  const columns = data.metrics.map((m) => ({
    label: m.label,
    unit: m.unit,
    arrow: ARROWS[m.direction],
    direction: DIRECTIONS[m.direction],
  }));
  // Too many metrics to fit as columns: models become the columns when there are fewer of them (7 models × 9 metrics included).
  const transpose = columns.length > MAX_METRIC_COLUMNS && rows.length < columns.length;
  const spaceHeads: { label: string; span: number }[] = [];
  columns.forEach((_, i) => {
    const { group } = spaceGroup(data, i, 1);
    if (group) spaceHeads.push({ label: group, span: 1 });
    else if (spaceHeads.length > 0) spaceHeads[spaceHeads.length - 1]!.span++;
  });
  return {
    columns,
    rows,
    ...(spaceHeads.length > 0 ? { spaceHeads } : {}),
    footnotes: [...footnoteMarks].map(([text, mark]) => ({ mark, text })),
    transposed: transpose
      ? {
          models: rows.map((r) => ({ name: r.model, family: r.family })),
          rows: columns.map((column, i) => ({
            ...column,
            ...spaceGroup(data, i, rows.length + 1),
            cells: rows.map((r) => r.cells[i]!),
          })),
        }
      : null,
  };
}

/**
 * With several feature spaces, the first metric row of each space opens a group
 * heading ("Feature space 2: tiny-inception"); nothing for one space, so
 * one-space views stay as they were.
 */
function spaceGroup(data: ReportData, index: number, span: number): { group?: string; groupSpan?: number } {
  const spaces = data.extractors;
  if (!spaces || spaces.length < 2) return {};
  const spaceOf = (i: number) => data.metrics[i]?.space ?? spaces[0]!.space;
  if (index > 0 && spaceOf(index) === spaceOf(index - 1)) return {};
  const at = spaces.findIndex((e) => e.space === spaceOf(index));
  const e = spaces[at];
  if (!e) return {};
  const name = shortSpaceName(e.name);
  // Class-based metrics keep plain ids in whichever space's classifier gives them.
  const inGroup = data.metrics.filter((_m, i) => spaceOf(i) === e.space);
  const classes = inGroup.some((m) => !m.id.includes('@') && (at === 0 ? m.space === undefined : true));
  const ids = at === 0 ? 'headline' : `metric ids …@${e.space}`;
  return {
    group: `Feature space ${at + 1}: ${name} (${ids}${classes ? `; class-based metrics${at === 0 ? ' too' : ', plain ids'}` : ''})`,
    groupSpan: span,
  };
}

/** An extractor's name without its parenthesis, file kind or extension ("tiny-inception"). */
function shortSpaceName(name: string): string {
  return (
    name
      .replace(/\s*\(.*\)\s*$/, '')
      .replace(/^ONNX\s+/, '')
      .replace(/\.(onnx|json)$/i, '') || name
  );
}

function cellView(cell: MetricCell | undefined, metric: MetricInfo, markFor: (reason: string) => string): CellView {
  if (!cell) return { kind: 'missing', text: '–', detail: null, interval: null, best: false, footnote: null };
  switch (cell.kind) {
    case 'not-applicable':
      return {
        kind: cell.kind,
        text: 'n/a',
        detail: null,
        interval: null,
        best: false,
        footnote: markFor(`${metric.label}: ${cell.reason}`),
      };
    case 'failed':
      return { kind: cell.kind, text: 'failed', detail: cell.reason, interval: null, best: false, footnote: null };
    case 'value': {
      // Spread and interval take the value's decimals so the digits line up; a
      // whole number with neither is a count (classes covered) and has none.
      const count = Number.isInteger(cell.value) && cell.std === undefined && !cell.interval;
      const decimals = count ? 0 : decimalsFor(cell.value);
      const text =
        cell.std === undefined
          ? formatValue(cell.value, decimals)
          : `${formatValue(cell.value, decimals)} ± ${formatValue(cell.std, decimals)}`;
      const interval: [string, string] | null = cell.interval
        ? [formatValue(cell.interval[0], decimals), formatValue(cell.interval[1], decimals)]
        : null;
      const detail = interval ? `[${interval[0]}, ${interval[1]}]` : null;
      return { kind: cell.kind, text, detail, interval, best: cell.best === true, footnote: null };
    }
  }
}

/** Milliseconds per image for each density estimate of a model, or the reason it has none. */
function densityTime(data: ReportData, model: string): string {
  const rows = data.density?.rows.filter((r) => r.model === model) ?? [];
  const timed = rows.filter((r) => r.secondsPerImage !== undefined);
  if (timed.length === 0) return rows.length > 0 ? 'no density' : '–';
  return timed
    .map((r) => `${formatValue(r.secondsPerImage! * 1000)} ms${timed.length > 1 ? ` (${r.estimator})` : ''}`)
    .join(', ');
}

/** Sampling speed per model, fastest first, relative to the slowest so the spread reads at a glance. */
function speedView(data: ReportData): SpeedView | null {
  const timed = data.models.filter((m) => m.samplesPerSecond !== undefined);
  if (timed.length === 0) return null;
  const slowest = Math.min(...timed.map((m) => m.samplesPerSecond!));
  const threaded = timed.some((m) => m.samplingThreads);
  return {
    backend: `${data.run.backend.name} (${data.run.backend.reason})`,
    threadsNote: threaded
      ? 'Each model samples on one thread except where a thread count is given: an autoregressive model draws its batches on one worker thread per core, so its speed is not per thread.'
      : null,
    rows: [...timed]
      .sort((a, b) => b.samplesPerSecond! - a.samplesPerSecond!)
      .map((m) => ({
        model: m.name,
        family: FAMILY_LABELS[m.family],
        speed: `${formatValue(m.samplesPerSecond!)} img/s${m.samplingThreads ? ` on ${m.samplingThreads} threads` : ''}`,
        relative: slowest > 0 ? `${formatValue(m.samplesPerSecond! / slowest)}×` : '–',
        density: densityTime(data, m.name),
      })),
  };
}

/** A file extractor's provenance (absent for the built-in classifier and older reports), one line each. */
function extractorProvenanceLines(e: ReportData['extractor']): string[] {
  const lines: [string, string | undefined][] = [
    ['file', e.file],
    ['preset', e.preset],
    ['input', e.input],
    ['resize', e.resize],
    ['colour', e.colour],
    ['runtime', e.runtime],
  ];
  return lines.filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`);
}

function methods(data: ReportData): MethodsView {
  const { extractor, run } = data;
  return {
    tool: `${data.tool.name} ${data.tool.version}`,
    backend: { name: run.backend.name, reason: run.backend.reason, device: run.backend.device ?? null },
    extractor: {
      name: extractor.name,
      id: extractor.id,
      layer: extractor.layer,
      dim: formatCount(extractor.dim),
      hash: extractor.hash,
      note: extractor.note ?? null,
      provenance: extractorProvenanceLines(extractor),
    },
    // Only with several spaces, so one-space views (and goldens) stay as they were.
    ...(data.extractors && data.extractors.length > 1
      ? {
          spaces: data.extractors.map((e, i) => ({
            number: String(i + 1),
            space: e.space ?? e.id,
            ids: i === 0 ? 'plain metric ids (fid, kid, …)' : `metric ids <id>@${e.space ?? e.id}`,
            name: e.name,
            id: e.id,
            layer: e.layer,
            dim: formatCount(e.dim),
            hash: e.hash,
            note: e.note ?? null,
            provenance: extractorProvenanceLines(e),
          })),
        }
      : {}),
    seed: String(run.seed),
    // Models with their own count are named after the run's: "1,000 (pixelcnn: 200)".
    samples: ((own) =>
      own.length > 0
        ? `${formatCount(run.samples)} (${own.map((m) => `${m.name}: ${formatCount(m.samples!)}`).join(', ')})`
        : formatCount(run.samples))(data.models.filter((m) => m.samples !== undefined && m.samples !== run.samples)),
    command: run.command,
    // A metric is defined once, whatever its spaces: later spaces' `<id>@<space>` rows repeat the definition.
    metrics: data.metrics
      .filter((m) => !m.id.includes('@'))
      .map((m) => ({
        label: data.metrics.some((other) => other.id.startsWith(`${m.id}@`))
          ? `${m.label.split(' · ')[0]} (in every feature space)`
          : m.label,
        arrow: ARROWS[m.direction],
        direction: DIRECTIONS[m.direction],
        unit: m.unit,
        definition: m.definition,
        reference: m.reference,
      })),
    models: data.models.map((m) => ({
      name: m.name,
      family: FAMILY_LABELS[m.family],
      runtime: m.runtime ?? '',
      bundle: m.bundle,
      // In full: a reader checks it against the bundle on disk.
      hash: m.hash ? `sha256 ${m.hash}` : 'not hashed (the bundle did not load)',
      // A samples-only model has no weights to count.
      parameters: m.runtime?.startsWith('stored images') ? '–' : formatCount(m.parameters),
      speed: m.samplesPerSecond === undefined ? '–' : `${formatValue(m.samplesPerSecond)} img/s`,
      status: m.status,
    })),
    timings: run.timings.map((t) => ({ stage: t.stage, time: formatSeconds(t.seconds) })),
  };
}
