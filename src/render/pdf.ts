/**
 * HTML file → PDF with a headless Chromium. The page may load only itself and
 * data: URIs; everything else is refused, so printing never reaches the network.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { GenreportError } from '../core/errors.ts';
import { CHROMIUM_ARGS, resolveBrowser } from './browser.ts';
import { cleanUpOnSignals, killGroup, killLeftoverBrowsers, PROFILE_PREFIX, writeOwner } from './browser-leftovers.ts';
import { isOfflineRequest } from './offline-chromium.ts';

export type Paper = 'A4' | 'Letter';

export interface PdfOptions {
  paper: Paper;
}

/** Same margins as report.css's @page, so the running header and footer sit in them. */
const MARGINS = { top: '18mm', bottom: '18mm', left: '14mm', right: '14mm' };

// Chromium fills the `title`, `pageNumber` and `totalPages` spans itself (escaped); these templates need explicit font sizes.
const HEADER_TEMPLATE =
  '<div style="font-size:8px;font-family:DejaVu Sans,Helvetica,Arial,sans-serif;color:#5b6270;width:100%;margin:0 14mm;padding-bottom:1.5mm;border-bottom:0.5px solid #c0c4cc;"><span class="title"></span></div>';
const FOOTER_TEMPLATE =
  '<div style="font-size:8px;font-family:DejaVu Sans,Helvetica,Arial,sans-serif;color:#5b6270;width:100%;margin:0 14mm;text-align:right;">page <span class="pageNumber"></span> of <span class="totalPages"></span></div>';

export async function printPdf(htmlPath: string, pdfPath: string, options: PdfOptions): Promise<void> {
  const browser = resolveBrowser();
  if ('missing' in browser) throw new GenreportError({ file: pdfPath, message: browser.missing });

  const pageUrl = pathToFileURL(resolve(htmlPath)).href;
  // Written beside the target and renamed over it: a failed print leaves an earlier PDF intact.
  const partialPdf = join(dirname(resolve(pdfPath)), `.${basename(pdfPath)}.${process.pid}.partial`);
  // A run killed earlier (SIGKILL) may have left its Chromium running.
  killLeftoverBrowsers();
  const profileDir = await mkdtemp(join(tmpdir(), PROFILE_PREFIX));
  writeOwner(profileDir, { pid: process.pid });
  let browserPid: number | undefined;
  const detachSignals = cleanUpOnSignals(() => {
    if (browserPid) killGroup(browserPid);
    rmSync(partialPdf, { force: true });
    rmSync(profileDir, { recursive: true, force: true });
  });
  try {
    const chromium = await puppeteer.launch({
      executablePath: browser.path,
      headless: true,
      args: [...CHROMIUM_ARGS, `--user-data-dir=${profileDir}`],
      // DevTools over the browser's fds 3 and 4, not a loopback port that any local process could reach: printing opens no network socket.
      pipe: true,
      // Ours instead (cleanUpOnSignals): puppeteer's SIGTERM handler closes the browser but leaves genreport running.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    browserPid = chromium.process()?.pid;
    if (browserPid) writeOwner(profileDir, { pid: process.pid, browser: browserPid });
    try {
      const page = await chromium.newPage();
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        const url = request.url();
        if (isOfflineRequest(url, pageUrl)) void request.continue();
        else void request.abort('blockedbyclient');
      });
      await page.goto(pageUrl, { waitUntil: 'load' });
      await page.pdf({
        path: partialPdf,
        format: options.paper,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: HEADER_TEMPLATE,
        footerTemplate: FOOTER_TEMPLATE,
        margin: MARGINS,
      });
    } finally {
      await chromium.close();
    }
    await rename(partialPdf, pdfPath);
  } finally {
    detachSignals();
    await rm(partialPdf, { force: true });
    await rm(profileDir, { recursive: true, force: true });
  }
}
