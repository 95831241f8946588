/**
 * The HTML inlines chart SVG unescaped, and report.json can be edited and
 * re-rendered, so an SVG is inlined only when it looks like what vega emits:
 * a whitelist of drawing elements, no event handlers, no links, no styles.
 */

const DRAWING_ELEMENTS = new Set([
  'svg',
  'g',
  'rect',
  'path',
  'line',
  'circle',
  'ellipse',
  'polygon',
  'polyline',
  'text',
  'tspan',
  'title',
  'desc',
  'defs',
  'clippath',
  'lineargradient',
  'radialgradient',
  'stop',
]);

export function isInlineSafeSvg(svg: string): boolean {
  const trimmed = svg.trim();
  if (!trimmed.startsWith('<svg') || !trimmed.endsWith('</svg>')) return false;
  if (/<[!?]/.test(trimmed)) return false;
  for (const [, name] of trimmed.matchAll(/<\/?\s*([^\s/>]+)/g)) {
    if (!DRAWING_ELEMENTS.has(name!.toLowerCase())) return false;
  }
  if (/[\s/"']on[a-z]+\s*=/i.test(trimmed)) return false;
  if (/href\s*=|javascript:|url\(\s*(?!['"]?#)/i.test(trimmed)) return false;
  return true;
}
