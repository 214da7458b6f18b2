// A tiny SVG tree without a DOM: the charts are built as plain objects so the same code runs in the window
// (React, or markup set as HTML) and in the headless CLI (written as .svg files). Nothing here touches a browser
// global, so src/shared stays loadable under plain Node.

export interface SvgNode {
  tag: string;
  attrs: Record<string, string | number>;
  children: (SvgNode | string)[];
}

/**
 * One element. Attributes whose value is undefined are left out, and so are falsy children (null, undefined,
 * false, ''), so a chart can write `cond && el(...)` and optional attributes inline.
 */
export function el(
  tag: string,
  attrs: Record<string, string | number | undefined> = {},
  ...children: (SvgNode | string | null | undefined | false)[]
): SvgNode {
  const kept: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) kept[name] = value;
  const kids: (SvgNode | string)[] = [];
  for (const child of children) if (child) kids.push(child);
  return { tag, attrs: kept, children: kids };
}

export interface SvgStringOptions {
  /** Fill of a first <rect> covering the whole chart; 'none' (or '') for a transparent chart. Default '#ffffff'. */
  background?: string;
  /** The root's CSS `color`, which every `currentColor` (text, axes, gridlines) resolves to. Default '#1f2328'. */
  color?: string;
}

// Characters XML 1.0 does not allow at all (C0 controls but tab, newline, return; lone surrogates; U+FFFE/FFFF).
// A model or category name from a file could hold one; dropped rather than written into a file no parser reads.
const INVALID_XML =
  // eslint-disable-next-line no-control-regex -- the control characters XML forbids are what this drops.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function escapeText(text: string): string {
  return text.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  // Newlines and tabs as character references: a parser would otherwise normalise them to spaces.
  return escapeText(value)
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** Numbers with at most 3 decimals: enough for a sharp chart, and the same text on every machine. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const rounded = Math.round(value * 1000) / 1000;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function attributeText(attrs: Record<string, string | number>): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    out += ` ${name}="${escapeAttribute(typeof value === 'number' ? formatNumber(value) : value)}"`;
  }
  return out;
}

// Elements whose whitespace is content: written on one line, so no indentation leaks into the text.
const INLINE_TAGS = new Set(['text', 'tspan', 'title', 'desc']);

function write(node: SvgNode, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  const open = `<${node.tag}${attributeText(node.attrs)}`;
  if (node.children.length === 0) {
    lines.push(`${indent}${open}/>`);
    return;
  }
  const mixed = INLINE_TAGS.has(node.tag) || node.children.some((child) => typeof child === 'string');
  if (mixed) {
    lines.push(`${indent}${open}>${node.children.map(inline).join('')}</${node.tag}>`);
    return;
  }
  lines.push(`${indent}${open}>`);
  for (const child of node.children) write(child as SvgNode, depth + 1, lines);
  lines.push(`${indent}</${node.tag}>`);
}

function inline(node: SvgNode | string): string {
  if (typeof node === 'string') return escapeText(node);
  const open = `<${node.tag}${attributeText(node.attrs)}`;
  return node.children.length === 0 ? `${open}/>` : `${open}>${node.children.map(inline).join('')}</${node.tag}>`;
}

/**
 * The tree as the text of a standalone SVG file: the SVG namespace on the root, escaped text and attributes, one
 * element a line with '\n' endings (never '\r\n', whatever the platform) and a final newline. The root gets a
 * `color` style so currentColor resolves outside a page, and a background rectangle so the file reads on any
 * viewer; `{ background: 'none', color: 'currentColor' }` gives markup that follows the page's theme instead.
 * No XML declaration: the text can also be set as innerHTML, where a declaration would turn into a stray comment.
 */
export function svgToString(node: SvgNode, options: SvgStringOptions = {}): string {
  const background = options.background ?? '#ffffff';
  const color = options.color ?? '#1f2328';
  const attrs: Record<string, string | number> = { xmlns: 'http://www.w3.org/2000/svg', ...node.attrs };
  // The chart's own style (if any) is kept after the colour, so a chart can still override it.
  attrs.style = node.attrs.style === undefined ? `color: ${color}` : `color: ${color}; ${node.attrs.style}`;
  const children = [...node.children];
  if (background && background !== 'none' && node.tag === 'svg') {
    const [, , width, height] = String(node.attrs.viewBox ?? `0 0 ${node.attrs.width ?? 0} ${node.attrs.height ?? 0}`)
      .split(/[\s,]+/)
      .map(Number);
    children.unshift(
      el('rect', { x: 0, y: 0, width: width ?? 0, height: height ?? 0, fill: background, 'data-part': 'background' }),
    );
  }
  const lines: string[] = [];
  write({ tag: node.tag, attrs, children }, 0, lines);
  return lines.join('\n') + '\n';
}
