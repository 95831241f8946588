/**
 * `import { renderHtml } from 'genreport/render'`: ReportData to a
 * self-contained HTML page, Markdown, a LaTeX table, or a PDF (Chromium).
 */
import type { PdfOptions } from '../render/pdf.ts';

export { renderHtml, type HtmlOptions } from '../render/html.ts';
export { renderLatex } from '../render/latex.ts';
export { renderMarkdown } from '../render/markdown.ts';
export type { Paper, PdfOptions } from '../render/pdf.ts';

/** Prints an HTML file to PDF; the browser library loads only when this is called. */
export async function printPdf(htmlPath: string, pdfPath: string, options: PdfOptions): Promise<void> {
  return (await import('../render/pdf.ts')).printPdf(htmlPath, pdfPath, options);
}
