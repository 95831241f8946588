/**
 * ReportData → report.md: a short summary for a CI comment or a pull request.
 * Title, one verdict line per axis, the scorecard, the footnotes and every
 * warning; the rest stays in report.html. Built from the same view model as
 * the HTML, so both say the same thing.
 */
import type { ReportData } from '../assemble/report-data.ts';
import { toViewModel, type CellView } from './view-model.ts';

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
  const lines: string[] = [`# ${markdownText(view.title)}`, '', `${markdownText(view.dataset)} · ${markdownText(view.backend)} backend · ${markdownText(view.createdAt)}`, ''];
  for (const axis of view.summary.axes) lines.push(`- **${axis.axis}**: ${markdownText(axis.verdict)}`);

  const { columns, rows, footnotes } = view.scorecard;
  lines.push('', `| Model | ${columns.map((c) => `${markdownText(c.label)} ${c.arrow}`).join(' | ')} |`, `|---|${columns.map(() => '---:|').join('')}`);
  for (const row of rows) {
    lines.push(`| ${markdownText(row.model)} (${markdownText(row.family)}) | ${row.cells.map(cellText).join(' | ')} |`);
  }
  lines.push('', '↓ lower is better · ↑ higher is better · **bold** ★ best in column · ± std over subsets · [a, b] 95% interval');
  for (const note of footnotes) lines.push('', `<sup>${note.mark}</sup> n/a: ${markdownText(note.text)}`);

  const problems = [...view.failedModels.map((m) => `Model ${m.name} failed: ${m.error}`), ...view.warnings];
  if (problems.length > 0) {
    lines.push('', '**Warnings**', '');
    for (const w of problems) lines.push(`- ⚠️ ${markdownText(w)}`);
  }
  lines.push('', `<sub>${markdownText(view.methods.tool)} · seed ${view.methods.seed} · ${view.methods.samples} samples per model · full report in report.html</sub>`, '');
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
