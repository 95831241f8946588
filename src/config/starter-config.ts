/**
 * The commented starter config `genreport init` writes: every field of the
 * config schema in its order, with its description as a comment and its
 * default as the value. It is made from the schema itself, so a new field or
 * a changed default shows up here without anyone remembering to.
 */
import { stringify } from 'yaml';
import { configSchema } from './config.ts';

/** Values shown, commented out, for the fields that have no default. */
export const EXAMPLES: Record<string, unknown> = {
  'data.count': 10000,
  'data.stats': 'real-stats.npz',
  'data.train': 'mnist:train',
  features: ['mnist-classifier'],
  metrics: ['fid', 'kid', 'precision', 'recall', 'density', 'coverage'],
  human: { ratings: 'ratings.jsonl', resamples: 1000 },
};

const HEADER = `# genreport run configuration, written by \`genreport init\`.
# Run it with:  npx genreport run genreport.yaml
#
# Paths in this file are relative to this file, not to where genreport runs.
# Every field is listed with its default; delete what you do not change.
# A field without a default is shown commented out (# count: 10000): remove
# the "# " to set it. Reference: docs/configuration.md.
`;

interface SchemaNode {
  def: { type: string; innerType?: SchemaNode; shape?: Record<string, SchemaNode> };
  description?: string;
}

/** The object shape under optional/default/prefault wrappers, or undefined for a leaf. */
function shapeOf(node: SchemaNode): Record<string, SchemaNode> | undefined {
  let n: SchemaNode | undefined = node;
  while (n && n.def.type !== 'object') n = n.def.innerType;
  return n?.def.shape;
}

const hasDefault = (node: SchemaNode): boolean => node.def.type === 'default' || node.def.type === 'prefault';

/** Wrap a description into comment lines of at most ~88 characters. */
function comment(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > 88) {
      lines.push(`${indent}# ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`${indent}# ${line}`);
  return lines;
}

/** `key: value` as YAML: lists on one line, nested maps indented under the key. */
function entry(key: string, value: unknown, indent: string): string[] {
  const text = Array.isArray(value)
    ? `${key}: ${stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false }).trim()}`
    : stringify({ [key]: value }).trimEnd();
  return text.split('\n').map((l) => indent + l);
}

/** Comment lines out at their own indent, so removing "# " gives valid YAML. */
const commentedOut = (lines: string[], indent: string): string[] =>
  lines.map((l) => `${indent}# ${l.slice(indent.length)}`);

function fields(
  shape: Record<string, SchemaNode>,
  values: Record<string, unknown>,
  path: string,
  indent: string,
): string[] {
  const lines: string[] = [];
  for (const [key, node] of Object.entries(shape)) {
    const at = path ? `${path}.${key}` : key;
    if (node.description) lines.push(...comment(node.description, indent));
    const nested = shapeOf(node);
    if (key === 'models' && !path) {
      lines.push(
        `${indent}models:`,
        `${indent}  - my-gan            # a bundle folder with genmodel.json`,
        `${indent}  - path: samples.npz # samples only`,
        `${indent}    name: my-samples`,
      );
    } else if (!hasDefault(node)) {
      if (!(at in EXAMPLES)) throw new Error(`starter config: field ${at} has no default and no example`);
      lines.push(...commentedOut(entry(key, EXAMPLES[at], indent), indent));
    } else if (nested) {
      lines.push(`${indent}${key}:`, ...fields(nested, values[key] as Record<string, unknown>, at, `${indent}  `));
    } else {
      lines.push(...entry(key, values[key], indent));
    }
    if (!path) lines.push('');
  }
  return lines;
}

/** The starter config's text. Its values are the schema's defaults. */
export function starterConfig(): string {
  const defaults = configSchema.parse({ models: ['x'] }) as Record<string, unknown>;
  const shape = (configSchema as unknown as SchemaNode).def.shape!;
  return `${HEADER}\n${fields(shape, defaults, '', '').join('\n').trimEnd()}\n`;
}

/** docs/configuration.md: the starter config, as the reference of every field. */
export function configReferencePage(): string {
  return `# Configuration reference

A run is described by one YAML file (\`genreport run my.yaml\`). Below is every
field, with its default and what it does, exactly as \`genreport init\` writes
it. Only \`models\` is required. Paths are relative to the config file.
Made from the config schema by \`scripts/write-config-reference.ts\`.

\`\`\`yaml
${starterConfig().trimEnd()}
\`\`\`
`;
}
