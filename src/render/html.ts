/**
 * ReportData → one self-contained HTML file: inline CSS, inline chart SVG,
 * images as data URIs, no script. Handlebars escapes every `{{ }}`; the only
 * unescaped output is the stylesheet (a partial) and SVG that passed svg-guard.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { ReportData } from '../assemble/report-data.ts';
import { inputError } from '../core/errors.ts';
import { toViewModel } from './view-model.ts';

export const DEFAULT_TEMPLATE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface HtmlOptions {
  /**
   * Folder whose report.hbs, report.css and partials/*.hbs replace the built-in
   * ones of the same name; anything it lacks comes from the built-in templates.
   */
  templateDir?: string;
}

export async function renderHtml(data: ReportData, options: HtmlOptions = {}): Promise<string> {
  const dirs = [DEFAULT_TEMPLATE_DIR];
  if (options.templateDir !== undefined) {
    if (!existsSync(options.templateDir))
      throw inputError(options.templateDir, 'template folder not found', '--template');
    dirs.push(options.templateDir);
  }
  // A private environment: partials registered here never leak into other renders.
  const handlebars = Handlebars.create();
  // Later folders win: the user's partials are registered over the built-in ones.
  for (const dir of dirs) {
    const partialDir = join(dir, 'partials');
    if (!existsSync(partialDir)) continue;
    for (const file of (await readdir(partialDir)).filter((f) => f.endsWith('.hbs'))) {
      handlebars.registerPartial(basename(file, '.hbs'), await readFile(join(partialDir, file), 'utf8'));
    }
  }
  const source = (name: string) =>
    readFile(join([...dirs].reverse().find((dir) => existsSync(join(dir, name)))!, name), 'utf8');
  // The stylesheet is ours (or the user's own), so it goes in as a partial: inserted verbatim, never escaped.
  handlebars.registerPartial('styles', await source('report.css'));
  // strict: a field the view model lacks is a template bug, and should fail loudly.
  const template = handlebars.compile(await source('report.hbs'), { strict: true });
  return template(toViewModel(data));
}
