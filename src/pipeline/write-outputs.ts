/**
 * The last stage: report.html, report.md, table.tex, report.pdf, then
 * report.json. Nothing replaces an earlier report until every output is ready.
 * `genreport render` writes through the same code (writeRendered), so a report
 * re-rendered from JSON lands as atomically as one from a run.
 */
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportData } from '../assemble/report-data.ts';
import type { RunConfig } from '../config/config.ts';
import { stageFile, writeFileAtomic } from '../core/atomic-file.ts';
import { resolveBrowser } from '../render/browser.ts';
import { renderLatex } from '../render/latex.ts';
import { renderMarkdown } from '../render/markdown.ts';
import { printPdf } from '../render/pdf.ts';

export interface WrittenOutputs {
  files: string[];
  /** Set when the PDF could not be printed; HTML and JSON were still written. */
  pdfSkipped?: string;
}

/** Where the rendered outputs go. */
export interface OutputPaths {
  html: string;
  md: string;
  tex: string;
  pdf: string;
}

/** `<stem>.html`, `.md`, `.pdf` and the table (table.tex for the stem `report`, as `run` names it). */
export function outputPaths(out: string, stem = 'report'): OutputPaths {
  return {
    html: join(out, `${stem}.html`),
    md: join(out, `${stem}.md`),
    tex: join(out, stem === 'report' ? 'table.tex' : `${stem}-table.tex`),
    pdf: join(out, `${stem}.pdf`),
  };
}

export async function writeOutputs(
  data: ReportData,
  html: string,
  out: string,
  output: RunConfig['output'],
): Promise<WrittenOutputs> {
  const written = await writeRendered(data, html, outputPaths(out), output);
  // report.json last: a folder with it holds a whole report.
  const jsonPath = join(out, 'report.json');
  writeFileAtomic(jsonPath, `${JSON.stringify(data, null, 2)}\n`);
  return { ...written, files: [...written.files, jsonPath] };
}

/** HTML, Markdown, TeX and (when asked and a browser exists) the PDF, all or nothing. */
export async function writeRendered(
  data: ReportData,
  html: string,
  paths: OutputPaths,
  output: RunConfig['output'],
): Promise<WrittenOutputs> {
  const files: string[] = [];
  let pdfSkipped: string | undefined;
  // Everything is staged first and renamed only once the PDF printed, so a
  // failed print leaves every earlier output (HTML, PDF, Markdown, TeX, JSON) as it was.
  const outputs: [string, string][] = [
    [paths.html, html],
    [paths.md, renderMarkdown(data)],
    [paths.tex, renderLatex(data)],
  ];
  const staged: { path: string; staged: string }[] = [];
  try {
    for (const [path, text] of outputs) staged.push({ path, staged: stageFile(path, text) });
    if (output.pdf) {
      const browser = resolveBrowser();
      if ('missing' in browser) pdfSkipped = browser.missing;
      else {
        // The PDF is printed from the staged HTML, outputs' first entry.
        await printPdf(staged[0]!.staged, paths.pdf, { paper: output.paper });
        files.push(paths.pdf);
      }
    }
    for (const file of staged) renameSync(file.staged, file.path);
    files.unshift(...staged.map((f) => f.path));
  } finally {
    for (const file of staged) rmSync(file.staged, { force: true });
  }
  return { files, pdfSkipped };
}
