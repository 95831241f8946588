/**
 * Paths that a file we were handed names (a bundle's components, weight
 * shards, prior, log) must stay inside that file's folder: a bundle is input
 * from outside, and a path like `../../secret` or `/etc/passwd`, or a symlink
 * leading out, would make us read (and hash, and report the size of) any file
 * on the machine. The check runs before anything is opened and answers in the
 * user's words only: it never says what lies outside.
 */
import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep, win32 } from 'node:path';
import { inputError } from './errors.ts';

/** Set to 1 to let symlinks inside a bundle lead out of it (a shared weights store); off by default. */
export const ALLOW_SYMLINKS_OUT = 'GENREPORT_ALLOW_BUNDLE_SYMLINKS';

export function symlinksOutAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ALLOW_SYMLINKS_OUT] === '1';
}

export interface ContainOptions {
  /** `file`: the target must exist and be a regular file; `maybe-file`: it may be missing, but if it exists it is a regular file. */
  need?: 'file' | 'maybe-file';
  /** Follow symlinks out of the root (the opt-in); lexical escapes are refused either way. */
  allowSymlinksOut?: boolean;
  /** The message when the target does not exist. */
  notFound?: string;
  /** The folder `rel` is relative to, a path under the real `root` (a tfjs shard is relative to its model.json); default `root`. */
  from?: string;
}

export type Contained = { path: string } | { problem: string };

/**
 * Where `rel` leads from the folder `root`, or why it may not be read. The
 * path returned is spelled under the real root, as the bundle names it (its
 * symlinks, checked, left in): a file behind an allowed link out is then
 * still found where the bundle says, and its own relative paths resolve
 * from there.
 */
export function containedPath(root: string, rel: unknown, options: ContainOptions = {}): Contained {
  const { need = 'file', allowSymlinksOut = symlinksOutAllowed(), notFound, from } = options;
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0'))
    return { problem: 'must be a file path relative to the bundle folder' };
  // Both flavours: a Windows drive or UNC path is no more a bundle file than /etc/passwd.
  if (isAbsolute(rel) || win32.isAbsolute(rel))
    return { problem: `is an absolute path (${rel}); a bundle names its files relative to its own folder` };
  const realRoot = realpathSync(root);
  const lexical = resolve(from ?? realRoot, rel);
  if (lexical === realRoot) return { problem: `${rel} is the bundle folder itself, not a file` };
  if (!isInside(realRoot, lexical))
    return { problem: `leads out of the bundle folder (${rel}); a bundle may name only files inside it` };
  const real = realOrMissing(lexical);
  // For a missing target, the deepest folder that exists must be inside too: otherwise "not found" would tell what exists outside.
  if (!allowSymlinksOut && !isInside(realRoot, real.path, real.missing)) {
    return {
      problem: `leads out of the bundle folder through a symlink (${rel}); set ${ALLOW_SYMLINKS_OUT}=1 to allow links out of bundles`,
    };
  }
  if (real.missing) return need === 'file' ? { problem: notFound ?? `${rel} is not in the bundle` } : { path: lexical };
  // stat, not open: a FIFO or device would block or never end.
  const stats = statSync(real.path);
  if (stats.isDirectory()) return { problem: `${rel} is a folder, not a file` };
  if (!stats.isFile()) return { problem: `${rel} is not a regular file (a device, pipe or socket)` };
  return { path: lexical };
}

/** containedPath that throws an input error naming `file` and `field` (exit code 2). */
export function resolveInside(
  root: string,
  rel: unknown,
  where: { file: string; field?: string },
  options: ContainOptions = {},
): string {
  const found = containedPath(root, rel, options);
  if ('problem' in found) throw inputError(where.file, found.problem, where.field);
  return found.path;
}

/** `path` is `root` itself (allowed only for a folder that does not exist yet) or below it. */
function isInside(root: string, path: string, orSelf = false): boolean {
  const r = relative(root, path);
  if (r === '') return orSelf;
  return r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r);
}

/** The real path, or, when the target is missing, the real path of its deepest existing folder. */
function realOrMissing(path: string): { path: string; missing: boolean } {
  for (let probe = path; ; probe = dirname(probe)) {
    try {
      return { path: realpathSync(probe), missing: probe !== path };
    } catch (e) {
      // A dangling symlink reads as missing too.
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(probe) === probe) throw e;
    }
  }
}
