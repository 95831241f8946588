/**
 * The import graph of src/, read from the source text: every static
 * `import … from`, `export … from`, side-effect `import '…'` and dynamic
 * `import('…')` with a literal specifier. Relative specifiers are resolved to
 * files under src/; package specifiers are kept as they are. Type-only
 * imports are edges too (a type names the stage it comes from).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface ImportEdge {
  /** Importing file, relative to the root, with forward slashes. */
  from: string;
  /** Imported file (relative to the root) or package specifier. */
  to: string;
  typeOnly: boolean;
  /** The names imported or re-exported as the exporting file spells them (before any `as`); `*` for a namespace, a dynamic or `typeof import('…')` import, a side-effect import. */
  names: string[];
  /** An `import('…')` call: loaded when the code runs it, not when the file loads. */
  dynamic: boolean;
  line: number;
}

/** Blanks comments and the text of template literals, so that only code that imports is read. Line breaks are kept. */
export function codeOnly(source: string): string {
  let out = '';
  let i = 0;
  const templateDepth: number[] = []; // brace depth at each open `${`
  let braces = 0;
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else if (c === '`' || (c === '}' && templateDepth.length > 0 && templateDepth.at(-1) === braces)) {
      // Inside a template literal up to its end or the next `${`.
      if (c === '}') templateDepth.pop();
      let j = i + 1;
      while (j < source.length && source[j] !== '`' && !(source[j] === '$' && source[j + 1] === '{'))
        j += source[j] === '\\' ? 2 : 1;
      out += c + blank(source.slice(i + 1, j));
      if (source[j] === '$') {
        templateDepth.push(braces);
        out += '${';
        i = j + 2;
      } else {
        out += '`';
        i = j + 1;
      }
    } else {
      if (c === '{') braces++;
      else if (c === '}') braces--;
      out += c;
      i++;
    }
  }
  return out;
}

const STATIC = /^[ \t]*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export type RawImport = Omit<ImportEdge, 'from' | 'to'> & { specifier: string };

/** `D, { a, type B as C }` → D, a, B; `* as ns` and `*` → *. */
function importedNames(clause: string): string[] {
  return clause
    .replace(/[{}]/g, ',')
    .split(',')
    .map((part) => part.trim().replace(/^type\s+/, ''))
    .filter((part) => part !== '')
    .map((part) => (part.startsWith('*') ? '*' : part.split(/\s+as\s+/)[0]!));
}

/** The module specifiers one file names. */
export function importsOf(source: string): RawImport[] {
  const code = codeOnly(source);
  const lineAt = (index: number) => code.slice(0, index).split('\n').length;
  const found: RawImport[] = [];
  for (const m of code.matchAll(STATIC)) {
    // `import { type A, type B } from` is type-only too.
    const names = m[3]!.trim();
    const allTypes =
      /^\{[\s\S]*\}$/.test(names) &&
      names
        .slice(1, -1)
        .split(',')
        .filter((n) => n.trim() !== '')
        .every((n) => /^\s*type\s/.test(n));
    found.push({
      specifier: m[4]!,
      typeOnly: m[2] !== undefined || allTypes,
      names: importedNames(names),
      dynamic: false,
      line: lineAt(m.index),
    });
  }
  for (const m of code.matchAll(SIDE_EFFECT))
    found.push({ specifier: m[1]!, typeOnly: false, names: ['*'], dynamic: false, line: lineAt(m.index) });
  for (const m of code.matchAll(DYNAMIC)) {
    // `typeof import('x')` names a type: nothing is loaded.
    const typeOnly = /\btypeof\s+$/.test(code.slice(Math.max(0, m.index - 12), m.index));
    found.push({ specifier: m[1]!, typeOnly, names: ['*'], dynamic: !typeOnly, line: lineAt(m.index) });
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const posix = (path: string) => path.split(sep).join('/');

/** Every import edge of the .ts files under `root/dir`, paths relative to `root`. */
export function importGraph(root: string, dir = 'src'): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of tsFiles(join(root, dir)).sort()) {
    const from = posix(relative(root, file));
    for (const raw of importsOf(readFileSync(file, 'utf8'))) {
      const to = raw.specifier.startsWith('.')
        ? posix(relative(root, resolve(dirname(file), raw.specifier)))
        : raw.specifier;
      edges.push({ from, to, typeOnly: raw.typeOnly, names: raw.names, dynamic: raw.dynamic, line: raw.line });
    }
  }
  return edges;
}

/**
 * The circles of a directed graph: each strongly connected component with
 * more than one node (or a node that names itself), as a sorted list.
 */
export function circles(edges: ReadonlyArray<{ from: string; to: string }>): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, []);
    if (!next.has(e.to)) next.set(e.to, []);
    next.get(e.from)!.push(e.to);
  }
  // Tarjan's algorithm, iterative so that a deep graph cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let counter = 0;
  for (const start of next.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; child: number }> = [{ node: start, child: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const children = next.get(frame.node)!;
      if (frame.child < children.length) {
        const child = children[frame.child++]!;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, child: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = children.includes(frame.node);
        if (component.length > 1 || selfLoop) found.push(component.sort());
      }
    }
  }
  return found;
}
