/**
 * ReportData → table.tex: the scorecard as a booktabs table to \input into a
 * paper (needs \usepackage{booktabs,graphicx}). Best per column in bold, ± std
 * and 95% intervals, n/a with footnote marks explained under the table.
 * Every string, user-given or ours, goes through latexText.
 */
import type { ReportData } from '../assemble/report-data.ts';
import { toViewModel, type CellView, type ColumnView } from './view-model.ts';

/** Characters LaTeX reads as syntax, and the non-ASCII symbols our display strings use, in their text-safe forms. */
const LATEX_REPLACEMENTS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  '%': '\\%',
  _: '\\_',
  '^': '\\textasciicircum{}',
  '~': '\\textasciitilde{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
  // `\\` reads a following [ as its optional argument, so brackets are grouped.
  '[': '{[}',
  ']': '{]}',
  '±': '\\ensuremath{\\pm}',
  '−': '\\ensuremath{-}',
  '–': '--',
  '—': '---',
  '×': '\\ensuremath{\\times}',
  '↓': '\\ensuremath{\\downarrow}',
  '→': '\\ensuremath{\\rightarrow}',
  '↑': '\\ensuremath{\\uparrow}',
  '∞': '\\ensuremath{\\infty}',
  '²': '\\ensuremath{^2}',
  '·': '\\ensuremath{\\cdot}',
  '★': '\\ensuremath{\\star}',
};

export function latexText(text: string): string {
  return text.replace(/[\\{}$&#%_^~<>|[\]±−–—×↓↑∞²·★]/g, (c) => LATEX_REPLACEMENTS[c] ?? c).replace(/\r?\n/g, ' ');
}

export function renderLatex(data: ReportData): string {
  const view = toViewModel(data);
  const { columns, rows, footnotes, transposed } = view.scorecard;
  const metricLabel = (c: ColumnView) =>
    `${latexText(c.label)} ${latexText(c.arrow)}${c.unit ? ` (${latexText(c.unit)})` : ''}`;
  // Many metrics: one row per metric, as in the HTML, so the table stays legible at paper width.
  const [header, body] = transposed
    ? [
        ['Metric', ...transposed.models.map((m) => latexText(m.name))],
        transposed.rows.map((row) => [metricLabel(row), ...row.cells.map(cellTex)]),
      ]
    : [['Model', ...columns.map(metricLabel)], rows.map((row) => [latexText(row.model), ...row.cells.map(cellTex)])];
  const notes = [
    `${latexText('↓')} lower is better, ${latexText('↑')} higher is better; bold: best in its ${transposed ? 'row' : 'column'}; ${latexText('±')} standard deviation over subsets; [a, b] 95\\% bootstrap interval.`,
    ...footnotes.map((n) => `\\textsuperscript{${n.mark}}\\,n/a: ${latexText(n.text)}.`),
  ];
  return [
    `% Scorecard of "${latexText(view.title)}", written by ${latexText(view.methods.tool)}.`,
    '% Needs \\usepackage{booktabs} and \\usepackage{graphicx}.',
    '\\begin{table}[t]',
    '\\centering',
    `\\caption{${latexText(view.title)}: ${latexText(view.dataset)}, ${latexText(view.methods.samples)} samples per model.}`,
    '\\label{tab:genreport-scorecard}',
    // Shrunk to the line width only when wider than it.
    '\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%',
    `\\begin{tabular}{l${'r'.repeat(header.length - 1)}}`,
    '\\toprule',
    `${header.join(' & ')} \\\\`,
    '\\midrule',
    ...body.map((cells) => `${cells.join(' & ')} \\\\`),
    '\\bottomrule',
    '\\end{tabular}}',
    '\\par\\smallskip',
    `{\\footnotesize\\raggedright ${notes.join('\\\\\n')}\\par}`,
    '\\end{table}',
    '',
  ].join('\n');
}

function cellTex(cell: CellView): string {
  const text = latexText(cell.text);
  const value = cell.best ? `\\textbf{${text}}` : text;
  const interval = cell.interval ? `\\,{\\scriptsize${latexText(`[${cell.interval[0]}, ${cell.interval[1]}]`)}}` : '';
  const note = cell.footnote ? `\\textsuperscript{${cell.footnote}}` : '';
  return `${value}${interval}${note}`;
}
