/** `node --import tsx test/helpers/print-page.ts page.html out.pdf`: one real print, for tests that trace the process. */
import { printPdf } from '../../src/render/pdf.ts';

const [html, pdf] = process.argv.slice(2);
await printPdf(html!, pdf!, { paper: 'A4' });
