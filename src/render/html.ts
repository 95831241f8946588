/**
 * ReportData → one self-contained HTML file: inline CSS, inline chart SVG,
 * images as data URIs, no script. Handlebars escapes every `{{ }}`; the only
 * unescaped output is the stylesheet (a partial) and SVG that passed svg-guard.
 */
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { ReportData } from '../assemble/report-data.ts';
import { toViewModel } from './view-model.ts';

export const DEFAULT_TEMPLATE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface HtmlOptions {
  /** Folder with report.hbs, report.css and partials/*.hbs; defaults to the bundled templates. */
  templateDir?: string;
}

export async function renderHtml(data: ReportData, options: HtmlOptions = {}): Promise<string> {
  const templateDir = options.templateDir ?? DEFAULT_TEMPLATE_DIR;
  // A private environment: partials registered here never leak into other renders.
  const handlebars = Handlebars.create();
  const partialDir = join(templateDir, 'partials');
  for (const file of (await readdir(partialDir)).filter((f) => f.endsWith('.hbs'))) {
    handlebars.registerPartial(basename(file, '.hbs'), await readFile(join(partialDir, file), 'utf8'));
  }
  // The stylesheet is ours, so it goes in as a partial: inserted verbatim, never escaped.
  handlebars.registerPartial('styles', await readFile(join(templateDir, 'report.css'), 'utf8'));
  // strict: a field the view model lacks is a template bug, and should fail loudly.
  const template = handlebars.compile(await readFile(join(templateDir, 'report.hbs'), 'utf8'), { strict: true });
  return template(toViewModel(data));
}
