import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latexText, renderLatex } from '../../src/render/latex.ts';
import { buildFixtureReport } from './fixture-report.ts';

const HOSTILE_NAMES: [string, string] = ['gan_#1 & $x^2$ 100% ~{}', '[vae]\\input{/etc/passwd}'];

const engine = spawnSync('pdflatex', ['--version']).status === 0 ? 'pdflatex' : null;
const skip = engine
  ? false
  : 'no TeX engine (pdflatex) installed: table.tex not compiled; apt-get install texlive-latex-base texlive-latex-recommended to run this';

test('table.tex: booktabs rules, bold best, ± and intervals, n/a with a footnote mark', async () => {
  const tex = renderLatex(await buildFixtureReport());
  for (const rule of ['\\toprule', '\\midrule', '\\bottomrule']) assert.ok(tex.includes(rule), rule);
  assert.ok(tex.includes('\\begin{tabular}{lrrrr}'));
  assert.ok(
    tex.includes(
      'Model & FID \\ensuremath{\\downarrow} & KID \\ensuremath{\\downarrow} & Precision \\ensuremath{\\uparrow} & Bits/dim \\ensuremath{\\downarrow} (bits) \\\\',
    ),
  );
  assert.ok(
    tex.includes(
      'dcgan-mnist & \\textbf{12.4}\\,{\\scriptsize{[}11.6, 13.4{]}} & \\textbf{0.0114 \\ensuremath{\\pm} 0.0021} &',
    ),
  );
  assert.ok(tex.includes('& n/a\\textsuperscript{1} \\\\'));
  assert.ok(tex.includes('\\textsuperscript{1}\\,n/a: Bits/dim: a GAN defines no likelihood.'));
});

test('LaTeX specials in user strings are escaped', () => {
  assert.equal(
    latexText(HOSTILE_NAMES[0]),
    'gan\\_\\#1 \\& \\$x\\textasciicircum{}2\\$ 100\\% \\textasciitilde{}\\{\\}',
  );
  assert.equal(latexText(HOSTILE_NAMES[1]), '{[}vae{]}\\textbackslash{}input\\{/etc/passwd\\}');
});

test('table.tex compiles in a document, hostile names included', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genreport-tex-test-'));
  try {
    writeFileSync(join(dir, 'table.tex'), renderLatex(await buildFixtureReport({ modelNames: HOSTILE_NAMES })));
    writeFileSync(
      join(dir, 'paper.tex'),
      '\\documentclass{article}\n\\usepackage{booktabs,graphicx}\n\\begin{document}\n\\input{table.tex}\n\\end{document}\n',
    );
    execFileSync(engine!, ['-interaction=nonstopmode', '-halt-on-error', '-no-shell-escape', 'paper.tex'], {
      cwd: dir,
      stdio: 'pipe',
    });
    const text = execFileSync('pdftotext', [join(dir, 'paper.pdf'), '-'], { encoding: 'utf8' });
    // pdftotext reads the default font's _ ^ ~ as a space and accents, so those are left out here.
    for (const expected of [
      '#1 & $x',
      '$ 100%',
      '[vae]\\input{/etc/passwd}',
      'FID',
      'Bits/dim',
      '12.4 [11.6, 13.4]',
      '0.0114 ± 0.0021',
    ]) {
      assert.ok(text.includes(expected), `PDF text contains ${expected}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
