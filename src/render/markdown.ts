/**
 * ReportData → report.md: a short summary for a CI comment or a pull request.
 * Title, one verdict line per axis, the scorecard, the footnotes, the density
 * and invertibility tables, and every warning; charts and images stay in
 * report.html. Built from the same view model as
 * the HTML, so both say the same thing.
 */
import type { ReportData } from '../assemble/report-data.ts';
import type { DifferencesView } from './differences-view.ts';
import { toViewModel, type CellView, type DensityView, type InvertibilityView } from './view-model.ts';
import type { HumanView } from './human-view.ts';

/**
 * Backslash-escape the punctuation Markdown reads as syntax, HTML, an entity,
 * or (on GitHub) a mention or issue link, and fold newlines, so user text
 * stays plain text in one table cell.
 */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~&@]/g, '\\$&').replace(/\r?\n/g, ' ');
}

export function renderMarkdown(data: ReportData): string {
  const view = toViewModel(data);
  const lines: string[] = [
    `# ${markdownText(view.title)}`,
    '',
    `${markdownText(view.dataset)} · ${markdownText(view.backend)} backend · ${markdownText(view.createdAt)}`,
    '',
  ];
  for (const axis of view.summary.axes) lines.push(`- **${axis.axis}**: ${markdownText(axis.verdict)}`);
  if (view.summary.differences) lines.push(...differenceLines(view.summary.differences));

  const { columns, rows, footnotes } = view.scorecard;
  lines.push(
    '',
    `| Model | ${columns.map((c) => `${markdownText(c.label)} ${c.arrow}`).join(' | ')} |`,
    `|---|${columns.map(() => '---:|').join('')}`,
  );
  for (const row of rows) {
    lines.push(`| ${markdownText(row.model)} (${markdownText(row.family)}) | ${row.cells.map(cellText).join(' | ')} |`);
  }
  lines.push(
    '',
    '↓ lower is better · ↑ higher is better · **bold** ★ best in column · ± std over subsets · [a, b] 95% interval',
  );
  for (const note of footnotes) lines.push('', `<sup>${note.mark}</sup> n/a: ${markdownText(note.text)}`);

  if (view.density) lines.push(...densityLines(view.density));
  if (view.invertibility) lines.push(...invertibilityLines(view.invertibility));
  if (view.human) lines.push(...humanLines(view.human));

  const problems = [...view.failedModels.map((m) => `Model ${m.name} failed: ${m.error}`), ...view.warnings];
  if (problems.length > 0) {
    lines.push('', '**Warnings**', '');
    for (const w of problems) lines.push(`- ⚠️ ${markdownText(w)}`);
  }
  lines.push(
    '',
    `<sub>${markdownText(view.methods.tool)} · seed ${view.methods.seed} · ${view.methods.samples} samples per model · full report in report.html</sub>`,
    '',
  );
  return lines.join('\n');
}

function cellText(cell: CellView): string {
  const text = markdownText(cell.text);
  const value = cell.best ? `**${text}** ★` : text;
  const interval = cell.interval ? ` [${cell.interval[0]}, ${cell.interval[1]}]` : '';
  const note = cell.footnote ? `<sup>${cell.footnote}</sup>` : '';
  const reason = cell.kind === 'failed' && cell.detail ? ` (${markdownText(cell.detail)})` : '';
  return `${value}${interval}${note}${reason}`;
}

function densityLines(density: DensityView): string[] {
  const measured = density.rows.filter((r) => r.bitsPerDim !== '–');
  const lines = [
    '',
    '## Density',
    '',
    'Negative log-likelihood in bits/dim, 95% interval over test images; lower is better. A lower bound on log-likelihood is an upper bound on these numbers.',
    '',
  ];
  lines.push('| Model | Estimate | Kind | bits/dim [95%] | n |', '|---|---|---|---:|---:|');
  for (const r of measured)
    lines.push(`| ${markdownText(r.model)} | ${markdownText(r.estimate)} | ${r.kind} | ${r.bitsPerDim} | ${r.n} |`);
  const ref = density.reference;
  if (ref)
    lines.push(
      `| *${markdownText(ref.model)}* | ${markdownText(ref.estimate)} | ${ref.kind} | ${ref.bitsPerDim} | ${ref.n} |`,
    );
  if (density.published) {
    lines.push(
      '',
      `*${markdownText(density.published.heading)}*`,
      '',
      '| Model | bits/dim | Source |',
      '|---|---:|---|',
    );
    for (const r of density.published.rows)
      lines.push(`| ${markdownText(r.model)} | ${r.bitsPerDim} | ${markdownText(r.citation)} |`);
  }
  // One paragraph each: the rankings, what is kept apart, and who has no figure and why.
  for (const text of [...density.rankings, ...density.apart].map(markdownText)) lines.push('', text);
  for (const text of reasonLines(density.rows.filter((r) => r.bitsPerDim === '–'))) lines.push('', text);
  return lines;
}

/** Every model minus the best, paired; bold where the interval excludes 0. */
function differenceLines(view: DifferencesView): string[] {
  const lines = [
    '',
    '**Difference to the best model** (paired 95% interval; **bold**: excludes 0, the lead is clear)',
    '',
  ];
  lines.push(
    `| Metric | Best | ${view.models.map(markdownText).join(' | ')} |`,
    `|---|---|${view.models.map(() => '---:|').join('')}`,
  );
  for (const row of view.rows) {
    const cells = row.cells.map((c) => {
      const text = c.interval ? `${c.text} ${c.interval}` : c.text;
      return c.clear ? `**${text}**` : c.best ? `*${text}*` : text;
    });
    lines.push(
      `| ${markdownText(row.quantity)} (${markdownText(row.method)}) | ${markdownText(row.best)} | ${cells.join(' | ')} |`,
    );
  }
  return lines;
}

function invertibilityLines(section: InvertibilityView): string[] {
  const lines = [
    '',
    '## Invertibility',
    '',
    '| Model | Method | Error | PSNR | Same label |',
    '|---|---|---|---:|---:|',
  ];
  for (const r of section.rows)
    lines.push(
      `| ${markdownText(r.model)} | ${markdownText(r.method)} | ${markdownText(r.error)} | ${r.psnr} | ${r.sameLabel} |`,
    );
  if (section.codebook) {
    lines.push(
      '',
      '### Codebook usage',
      '',
      markdownText(section.codebook.intro),
      '',
      '| Model | Codebook | Used | Dead codes | Perplexity | Codes seen |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const r of section.codebook.rows)
      lines.push(`| ${markdownText(r.model)} | ${r.size} | ${r.used} | ${r.dead} | ${r.perplexity} | ${r.codes} |`);
  }
  return lines;
}

/** "a, b — why" for the models without a figure, once per distinct reason. */
function reasonLines(rows: { model: string; note: string }[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const r of rows) byReason.set(r.note, [...(byReason.get(r.note) ?? []), r.model]);
  return [...byReason].map(([reason, models]) => `${models.map(markdownText).join(', ')} — ${markdownText(reason)}`);
}

function humanLines(human: HumanView): string[] {
  const lines = [
    '',
    '## Human judgments',
    '',
    markdownText(human.intro),
    '',
    '| Images of | Judged real [95%] | Answers "real" | Can\'t tell |',
    '|---|---:|---:|---:|',
  ];
  for (const r of human.rows)
    lines.push(
      `| ${r.reference ? `*${markdownText(r.model)}*` : markdownText(r.model)} | ${r.share} | ${r.answers} | ${r.unsure} |`,
    );
  if (human.preferences) {
    lines.push(
      '',
      markdownText(human.preferences.intro),
      '',
      '| Model | Bradley–Terry strength [95%] | Wins | Comparisons |',
      '|---|---:|---:|---:|',
    );
    for (const r of human.preferences.rows)
      lines.push(`| ${markdownText(r.model)} | ${r.strength} | ${r.wins} | ${r.comparisons} |`);
  }
  lines.push('', markdownText(human.agreement));
  return lines;
}
