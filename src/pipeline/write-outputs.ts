/**
 * The last stage: report.html, report.md, table.tex, report.pdf, then
 * report.json. Nothing replaces an earlier report until every output is ready.
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
import type { Timed } from './stage-timer.ts';

export interface WrittenOutputs {
  files: string[];
  /** Set when the PDF could not be printed; HTML and JSON were still written. */
  pdfSkipped?: string;
}

export async function writeOutputs(data: ReportData, html: string, out: string, output: RunConfig['output'], timed: Timed): Promise<WrittenOutputs> {
  const files: string[] = [];
  const pdfPath = join(out, 'report.pdf');
  let pdfSkipped: string | undefined;
  await timed('write', async () => {
    // Everything is staged first and renamed only once the PDF printed, so a
    // failed print leaves every earlier output (HTML, PDF, Markdown, TeX, JSON) as it was.
    const outputs: [string, string][] = [
      [join(out, 'report.html'), html],
      [join(out, 'report.md'), renderMarkdown(data)],
      [join(out, 'table.tex'), renderLatex(data)],
    ];
    const staged: { path: string; staged: string }[] = [];
    try {
      for (const [path, text] of outputs) staged.push({ path, staged: stageFile(path, text) });
      if (output.pdf) {
        const browser = resolveBrowser();
        if ('missing' in browser) pdfSkipped = browser.missing;
        else {
          await printPdf(staged[0].staged, pdfPath, { paper: output.paper });
          files.push(pdfPath);
        }
      }
      for (const file of staged) renameSync(file.staged, file.path);
      files.unshift(...staged.map((f) => f.path));
    } finally {
      for (const file of staged) rmSync(file.staged, { force: true });
    }
  });
  // report.json last, with the final timings, so it describes the whole run.
  const jsonPath = join(out, 'report.json');
  writeFileAtomic(jsonPath, JSON.stringify(data, null, 2) + '\n');
  files.push(jsonPath);
  return { files, pdfSkipped };
}
