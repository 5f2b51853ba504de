/**
 * Chat "marker" dialects ↔ the tree: Slack mrkdwn and Zoom chatbot markdown write `*bold*`,
 * `_italic_`, `~strike~`, `` `code` ``, ``` ```preformatted``` ``` and `<url|label>`. They are not
 * CommonMark (a single `*` is bold, markers only count at word boundaries and never span lines,
 * code fences need no line breaks, there are no backslash escapes), so they get this small parser
 * of their own; both directions go through the same tree as every other dialect.
 */
import type { BlockContent, List, ListItem, Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import { markEmoji } from './emoji.js';
import { blankLinesBetween, isBareLink, plainText, text, type Emoji, type Mention } from './tree.js';

/** What differs between marker dialects. */
export interface MarkerDialect {
  /** Literal text as it arrives → plain text (Slack decodes `&amp;`, `&lt;`, `&gt;`). */
  decode(raw: string): string;
  /** Plain text → literal text to send. */
  encode(plain: string): string;
  /** The inside of a `<…>` token → a node, or undefined to keep it as text. */
  angle(inner: string): PhrasingContent | undefined;
  /** A line that starts a quote (Slack sends `&gt; `). */
  quote: RegExp;
  /** Whether `**x**` is bold too (Zoom accepts both). */
  doubleStarBold: boolean;
  /** Rendering of what has no marker syntax. */
  writeMention(node: Mention): string;
  writeEmoji(node: Emoji): string;
  writeLink(url: string, label: string | undefined): string;
}

// ---------------------------------------------------------------- parsing

interface Segment {
  code?: string;
  text?: string;
  line: number;
}

/** Splits off ``` … ``` spans first: nothing inside them is formatted and they may hold blank lines. */
function splitFences(raw: string): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  let line = 1;
  const lineAt = (from: number, to: number) => raw.slice(from, to).split('\n').length - 1;
  for (;;) {
    const open = raw.indexOf('```', at);
    const close = open < 0 ? -1 : raw.indexOf('```', open + 3);
    if (open < 0 || close < 0) break;
    if (open > at) segments.push({ text: raw.slice(at, open), line });
    line += lineAt(at, open);
    segments.push({ code: raw.slice(open + 3, close).replace(/^\n/, '').replace(/\n$/, ''), line });
    line += lineAt(open, close + 3);
    at = close + 3;
  }
  if (at < raw.length) segments.push({ text: raw.slice(at), line });
  return segments;
}

const BULLET = /^\s*[•◦▪‣*-]\s+/;
const ORDERED = /^\s*(\d{1,9})[.)]\s+/;

function at(line: number, endLine = line) {
  return { start: { line, column: 1 }, end: { line: endLine, column: 1 } };
}

function parseBlocks(source: string, firstLine: number, d: MarkerDialect): RootContent[] {
  const lines = source.split('\n');
  const blocks: RootContent[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const start = firstLine + i;
    if (line.trim() === '') {
      i += 1;
    } else if (d.quote.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && d.quote.test(lines[i]!)) quoted.push(lines[i++]!.replace(d.quote, ''));
      const children = parseBlocks(quoted.join('\n'), start, d) as BlockContent[];
      blocks.push({ type: 'blockquote', children, position: at(start, firstLine + i - 1) });
    } else if (BULLET.test(line) || ORDERED.test(line)) {
      const ordered = !BULLET.test(line);
      const marker = ordered ? ORDERED : BULLET;
      const items: ListItem[] = [];
      while (i < lines.length && marker.test(lines[i]!) && (ordered || BULLET.test(lines[i]!))) {
        const content = lines[i]!.replace(marker, '');
        items.push({ type: 'listItem', spread: false, children: [paragraph(content, firstLine + i, d)] });
        i += 1;
      }
      const list: List = { type: 'list', ordered, spread: false, children: items, position: at(start, firstLine + i - 1) };
      if (ordered) list.start = Number(ORDERED.exec(line)![1]);
      blocks.push(list);
    } else {
      const para: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '' && !d.quote.test(lines[i]!) && !BULLET.test(lines[i]!) && !ORDERED.test(lines[i]!)) {
        para.push(lines[i++]!);
      }
      blocks.push({ ...paragraph(para.join('\n'), start, d), position: at(start, firstLine + i - 1) });
    }
  }
  return blocks;
}

function paragraph(source: string, line: number, d: MarkerDialect): Paragraph {
  return { type: 'paragraph', children: parseInline(source.trim(), d), position: at(line) };
}

interface Rule {
  re: RegExp;
  /** Only after a non-word character (keeps `snake_case` and `2*3*4` literal). */
  boundary?: boolean;
  make: (m: RegExpExecArray, d: MarkerDialect) => PhrasingContent | undefined;
}

const wrap = (type: 'strong' | 'emphasis' | 'delete') => (m: RegExpExecArray, d: MarkerDialect) => ({ type, children: parseInline(m[1]!, d) }) as PhrasingContent;

const RULES: Rule[] = [
  { re: /`([^`\n]+)`/y, make: (m, d) => ({ type: 'inlineCode', value: d.decode(m[1]!) }) },
  { re: /<([^<>\n]+)>/y, make: (m, d) => d.angle(m[1]!) },
  {
    re: /https?:\/\/[^\s<>]*[^\s<>.,;:!?'")\]]/y,
    boundary: true,
    make: (m, d) => {
      const url = d.decode(m[0]);
      return { type: 'link', url, children: [text(url)] };
    },
  },
  { re: /\*\*(?=\S)([^\n]*?\S)\*\*(?![\w*])/y, boundary: true, make: (m, d) => (d.doubleStarBold ? wrap('strong')(m, d) : undefined) },
  { re: /\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])/y, boundary: true, make: wrap('strong') },
  { re: /_(?=[^\s_])([^_\n]*?[^\s_])_(?![\w_])/y, boundary: true, make: wrap('emphasis') },
  { re: /~(?=[^\s~])([^~\n]*?[^\s~])~(?![\w~])/y, boundary: true, make: wrap('delete') },
];

function parseInline(source: string, d: MarkerDialect): PhrasingContent[] {
  const nodes: PhrasingContent[] = [];
  let pending = '';
  const flush = () => {
    if (pending) nodes.push(text(d.decode(pending)));
    pending = '';
  };
  let i = 0;
  next: while (i < source.length) {
    for (const rule of RULES) {
      if (rule.boundary && i > 0 && /[\w*_~]/.test(source[i - 1]!)) continue;
      rule.re.lastIndex = i;
      const m = rule.re.exec(source);
      if (!m) continue;
      const node = rule.make(m, d);
      if (!node) continue;
      flush();
      nodes.push(node);
      i += m[0].length;
      continue next;
    }
    pending += source[i];
    i += 1;
  }
  flush();
  return nodes;
}

/** Marker-dialect text → tree (emoji marked). */
export function parseMarkers(raw: string, d: MarkerDialect): Root {
  const children: RootContent[] = [];
  for (const segment of splitFences(raw.replace(/\r\n?/g, '\n'))) {
    if (segment.code !== undefined) {
      const lines = segment.code.split('\n').length;
      children.push({ type: 'code', value: d.decode(segment.code), position: at(segment.line, segment.line + lines + 1) });
    } else children.push(...parseBlocks(segment.text!, segment.line, d));
  }
  return markEmoji({ type: 'root', children });
}

// ---------------------------------------------------------------- rendering

function renderInline(nodes: PhrasingContent[], d: MarkerDialect): string {
  return nodes.map((n) => renderPhrasing(n, d)).join('');
}

function marked(marker: string, inner: string): string {
  return inner.trim() === '' ? inner : `${marker}${inner}${marker}`;
}

function renderPhrasing(node: PhrasingContent, d: MarkerDialect): string {
  switch (node.type) {
    case 'text':
      return d.encode(node.value);
    case 'strong':
      return marked('*', renderInline(node.children, d));
    case 'emphasis':
      return marked('_', renderInline(node.children, d));
    case 'delete':
      return marked('~', renderInline(node.children, d));
    case 'inlineCode':
      return `\`${d.encode(node.value)}\``;
    case 'link':
      return d.writeLink(node.url, isBareLink(node.url, node.children) ? undefined : plainText(node));
    case 'image':
      return d.writeLink(node.url, node.alt || undefined);
    case 'mention':
      return d.writeMention(node);
    case 'emoji':
      return d.writeEmoji(node);
    case 'break':
      return '\n';
    default:
      return d.encode(plainText(node));
  }
}

function renderBlock(node: RootContent, d: MarkerDialect): string {
  switch (node.type) {
    case 'paragraph':
      return renderInline(node.children, d);
    case 'heading':
      return marked('*', renderInline(node.children, d));
    case 'code':
      return `\`\`\`\n${d.encode(node.value)}\n\`\`\``;
    case 'blockquote':
      return renderBlocks(node.children, d)
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    case 'list':
      return node.children
        .map((item, index) => {
          const marker = node.ordered ? `${(node.start ?? 1) + index}. ` : '• ';
          const body = renderBlocks(item.children, d).split('\n');
          return [`${marker}${body[0]}`, ...body.slice(1).map((l) => `    ${l}`)].join('\n');
        })
        .join('\n');
    case 'thematicBreak':
      return '---';
    default:
      return 'children' in node || 'value' in node ? renderPhrasing(node as PhrasingContent, d) : '';
  }
}

function renderBlocks(nodes: RootContent[], d: MarkerDialect): string {
  let out = '';
  nodes.forEach((node, index) => {
    if (index > 0) out += '\n'.repeat(1 + blankLinesBetween(nodes[index - 1]!, node));
    out += renderBlock(node, d);
  });
  return out;
}

/** Tree → marker-dialect text. */
export function renderMarkers(tree: Root, d: MarkerDialect): string {
  return renderBlocks(tree.children, d);
}
