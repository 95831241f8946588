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
    // The parser's first line says where; the rest is a source excerpt.
    throw inputError(path, `is not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
}
