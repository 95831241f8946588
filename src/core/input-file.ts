/**
 * Reading the files a user hands us (run configs, gate rules, manifests,
 * reports, training logs): every failure becomes one input error that names
 * the file, so the CLI exits 2 with a message saying what to fix.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { inputError } from './errors.ts';

/** The file's text; `notFound` is the message when it does not exist ("config file not found"). */
export function readInputText(path: string, notFound: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError(path, notFound);
    if (code === 'EISDIR') throw inputError(path, 'is a folder, not a file');
    throw inputError(path, `cannot be read (${(e as Error).message})`);
  }
}

export function readJsonInput(path: string, notFound: string): unknown {
  const text = readInputText(path, notFound);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw inputError(path, `is not valid JSON (${(e as Error).message})`);
  }
}

export function readYamlInput(path: string, notFound: string): unknown {
  const text = readInputText(path, notFound);
  try {
    return parseYaml(text);
  } catch (e) {
    throw inputError(path, `is not valid YAML: ${yamlProblem(e as Error, text)}`);
  }
}

/**
 * The parser's whole explanation on one line, then where: its message is
 * "<what> at line L, column C:" followed by a source excerpt, so taking only
 * the first line left a sentence ending in a colon. The excerpt's line is
 * quoted instead.
 */
function yamlProblem(error: Error & { linePos?: { line: number; col: number }[] }, text: string): string {
  const what = error.message.split(/ at line \d+, column \d+:/)[0]!;
  const pos = error.linePos?.[0];
  if (!pos)
    return error.message
      .split('\n')
      .filter((l) => l.trim() !== '')
      .join(' ');
  const line = text.split(/\r?\n/)[pos.line - 1] ?? '';
  return `${what.trim()} (line ${pos.line}, column ${pos.col}: ${JSON.stringify(line.length > 80 ? `${line.slice(0, 77)}...` : line)})`;
}
