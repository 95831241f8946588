/**
 * ReportData → the display strings the templates print. Pure: every decision
 * about how a number, a missing value or a failure looks is made here, so the
 * templates hold only loops and conditionals.
 */
import type { Direction, MetricCell, MetricInfo, ModelEntry, ReportData } from '../assemble/report-data.ts';
import { decimalsFor, formatCount, formatSeconds, formatTimestamp, formatValue } from './format.ts';
import { isInlineSafeSvg } from './svg-guard.ts';

export interface ReportView {
  title: string;
  createdAt: string;
  dataset: string;
  extractor: string;
  backend: string;
  summary: { models: string; best: BestView[] };
  warnings: string[];
  failedModels: { name: string; error: string }[];
  scorecard: ScorecardView;
  charts: ChartView[];
  images: ImageView[];
  methods: MethodsView;
}

export interface BestView {
  metric: string;
  arrow: string;
  models: string;
  value: string;
}

export interface ScorecardView {
  columns: ColumnView[];
  rows: RowView[];
  footnotes: { mark: string; text: string }[];
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
  backend: { name: string; reason: string };
  extractor: { name: string; id: string; layer: string; dim: string; hash: string; note: string | null };
  seed: string;
  samples: string;
  command: string;
  metrics: { label: string; arrow: string; direction: string; unit: string; definition: string; reference: string }[];
  models: { name: string; family: string; bundle: string; hash: string; parameters: string; speed: string; status: string }[];
  timings: { stage: string; time: string }[];
}

const FAMILY_LABELS: Record<ModelEntry['family'], string> = { gan: 'GAN', vae: 'VAE', flow: 'Flow', autoregressive: 'Autoregressive', unknown: 'unknown family' };
const ARROWS: Record<Direction, string> = { lower: '↓', higher: '↑' };
const DIRECTIONS: Record<Direction, string> = { lower: 'lower is better', higher: 'higher is better' };

export function toViewModel(data: ReportData): ReportView {
  const [height, width, channels] = data.dataset.shape;
  return {
    title: data.title,
    createdAt: formatTimestamp(data.createdAt),
    dataset: `${data.dataset.name} (${data.dataset.split}, ${formatCount(data.dataset.count)} images, ${height}×${width}×${channels})`,
    extractor: `${data.extractor.name}, layer ${data.extractor.layer}`,
    backend: data.run.backend.name,
    summary: {
      models: data.models.map((m) => `${m.name} (${FAMILY_LABELS[m.family]})`).join(', '),
      best: bestPerMetric(data),
    },
    warnings: data.warnings,
    failedModels: data.models
      .filter((m) => m.status === 'failed')
      .map((m) => ({ name: m.name, error: m.error ?? 'failed without a message' })),
    scorecard: scorecard(data),
    charts: data.charts.map((c) => ({ title: c.title, caption: c.caption, svg: isInlineSafeSvg(c.svg) ? c.svg : null })),
    images: data.images.map((i) => ({
      title: i.title,
      caption: i.caption,
      src: /^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$/.test(i.dataUri) ? i.dataUri : null,
      width: i.width,
      height: i.height,
    })),
    methods: methods(data),
  };
}

function bestPerMetric(data: ReportData): BestView[] {
  const best: BestView[] = [];
  for (const metric of data.metrics) {
    const winners = data.models.flatMap((m) => {
      const cell = data.results[m.name]?.[metric.id];
      return cell?.kind === 'value' && cell.best ? [{ name: m.name, value: cell.value }] : [];
    });
    if (winners.length === 0) continue;
    best.push({
      metric: metric.label,
      arrow: ARROWS[metric.direction],
      models: winners.map((w) => w.name).join(', '),
      value: withUnit(formatValue(winners[0].value), metric.unit),
    });
  }
  return best;
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
  return {
    columns: data.metrics.map((m) => ({ label: m.label, unit: m.unit, arrow: ARROWS[m.direction], direction: DIRECTIONS[m.direction] })),
    rows,
    footnotes: [...footnoteMarks].map(([text, mark]) => ({ mark, text })),
  };
}

function cellView(cell: MetricCell | undefined, metric: MetricInfo, markFor: (reason: string) => string): CellView {
  if (!cell) return { kind: 'missing', text: '–', detail: null, best: false, footnote: null };
  switch (cell.kind) {
    case 'not-applicable':
      return { kind: cell.kind, text: 'n/a', detail: null, best: false, footnote: markFor(`${metric.label}: ${cell.reason}`) };
    case 'failed':
      return { kind: cell.kind, text: 'failed', detail: cell.reason, best: false, footnote: null };
    case 'value': {
      // Spread and interval take the value's decimals so the digits line up.
      const decimals = decimalsFor(cell.value);
      const text = cell.std === undefined
        ? formatValue(cell.value, decimals)
        : `${formatValue(cell.value, decimals)} ± ${formatValue(cell.std, decimals)}`;
      const detail = cell.interval
        ? `95% CI ${formatValue(cell.interval[0], decimals)} – ${formatValue(cell.interval[1], decimals)}`
        : null;
      return { kind: cell.kind, text, detail, best: cell.best === true, footnote: null };
    }
  }
}

function methods(data: ReportData): MethodsView {
  const { extractor, run } = data;
  return {
    tool: `${data.tool.name} ${data.tool.version}`,
    backend: { name: run.backend.name, reason: run.backend.reason },
    extractor: {
      name: extractor.name,
      id: extractor.id,
      layer: extractor.layer,
      dim: formatCount(extractor.dim),
      hash: extractor.hash,
      note: extractor.note ?? null,
    },
    seed: String(run.seed),
    samples: formatCount(run.samples),
    command: run.command,
    metrics: data.metrics.map((m) => ({
      label: m.label,
      arrow: ARROWS[m.direction],
      direction: DIRECTIONS[m.direction],
      unit: m.unit,
      definition: m.definition,
      reference: m.reference,
    })),
    models: data.models.map((m) => ({
      name: m.name,
      family: FAMILY_LABELS[m.family],
      bundle: m.bundle,
      hash: m.hash.slice(0, 12),
      parameters: formatCount(m.parameters),
      speed: m.samplesPerSecond === undefined ? '–' : `${formatValue(m.samplesPerSecond)} img/s`,
      status: m.status,
    })),
    timings: run.timings.map((t) => ({ stage: t.stage, time: formatSeconds(t.seconds) })),
  };
}

function withUnit(value: string, unit: string): string {
  return unit ? `${value} ${unit}` : value;
}
