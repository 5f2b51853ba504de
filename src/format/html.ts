/**
 * HTML dialects ↔ the tree. Reading goes through the unified HTML tools (`hast-util-from-html`
 * parses like a browser, `hast-util-to-mdast` maps elements to mdast) with handlers for each
 * platform's own elements; writing uses the small tag set chat clients render (`<b>`, `<i>`, `<s>`,
 * `<code>`, `<pre>`, `<a>`, `<ul>`/`<ol>`, `<blockquote>`, `<br>`).
 */
import { fromHtml } from 'hast-util-from-html';
import { toMdast, type Handle } from 'hast-util-to-mdast';
import type { Element, Nodes as HastNodes } from 'hast';
import type { PhrasingContent, Root, RootContent } from 'mdast';
import { markEmoji } from './emoji.js';
import { blankLinesBetween, isBareLink, normalizeRoot, plainText, type Emoji, type Mention } from './tree.js';

/** Handlers for a platform's own elements, keyed by tag name. */
export type ElementHandlers = Record<string, Handle>;

/** The text inside an element, as a reader sees it. */
export function elementText(node: HastNodes): string {
  if (node.type === 'text') return node.value;
  return 'children' in node ? node.children.map((c) => elementText(c as HastNodes)).join('') : '';
}

/** An attribute of an element as a string. */
export function attribute(node: Element, name: string): string | undefined {
  const value = node.properties[name];
  return value === undefined || value === null ? undefined : Array.isArray(value) ? value.join(' ') : String(value);
}

const BLOCK_TAGS = /<(p|div|br|pre|ul|ol|li|blockquote|h[1-6]|table)\b/i;

/**
 * HTML → tree (emoji marked). Text without block markup keeps its line breaks (messages sent as
 * plain text); in HTML, line breaks come from `<br>` and blocks as a browser shows them.
 */
export function parseHtml(html: string, handlers: ElementHandlers = {}, asText?: (node: Element) => string | undefined): Root {
  const hast = fromHtml(html, { fragment: true });
  if (asText) replaceWithText(hast, asText);
  const tree = toMdast(hast, { handlers, newlines: !BLOCK_TAGS.test(html) }) as Root;
  return markEmoji(paragraphsAsLines(normalizeRoot(tree)));
}

/**
 * Chat clients write each line as its own `<p>` or `<div>`, shown without a gap, so consecutive
 * paragraphs become one paragraph with line breaks.
 */
function paragraphsAsLines(root: Root): Root {
  const children: RootContent[] = [];
  for (const node of root.children) {
    const prev = children.at(-1);
    // A line holding only a space (`<p>&nbsp;</p>`) is how clients write an empty line.
    const empty = node.type === 'paragraph' && plainText(node).trim() === '';
    if (prev?.type === 'paragraph' && node.type === 'paragraph') prev.children.push({ type: 'break' }, ...(empty ? [] : node.children));
    else children.push(node);
  }
  return { type: 'root', children };
}

/** Replaces elements that stand for text (emoji images) with that text, before whitespace is judged. */
function replaceWithText(node: HastNodes, asText: (node: Element) => string | undefined): void {
  if (!('children' in node)) return;
  node.children = node.children.map((child) => {
    if (child.type !== 'element') return child;
    const value = asText(child);
    if (value !== undefined) return { type: 'text', value };
    replaceWithText(child, asText);
    return child;
  }) as typeof node.children;
}

/** How an HTML dialect writes mentions and emoji. */
export interface HtmlWriter {
  mention(node: Mention): string;
  emoji?(node: Emoji): string;
}

/** Escapes text for HTML content. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (always written in double quotes). */
function escapeAttribute(s: string): string {
  return escapeHtml(s).replace(/"/g, '&quot;');
}

function inline(nodes: PhrasingContent[], w: HtmlWriter): string {
  return nodes.map((n) => phrasing(n, w)).join('');
}

function phrasing(node: PhrasingContent, w: HtmlWriter): string {
  switch (node.type) {
    case 'text':
      return escapeHtml(node.value).replace(/\r?\n/g, '<br>');
    case 'strong':
      return `<b>${inline(node.children, w)}</b>`;
    case 'emphasis':
      return `<i>${inline(node.children, w)}</i>`;
    case 'delete':
      return `<s>${inline(node.children, w)}</s>`;
    case 'inlineCode':
      return `<code>${escapeHtml(node.value)}</code>`;
    case 'link':
      // A bare address stays text: clients link it themselves, and it reads the same everywhere.
      return isBareLink(node.url, node.children) ? escapeHtml(plainText(node)) : `<a href="${escapeAttribute(node.url)}">${inline(node.children, w)}</a>`;
    case 'image':
      return `<a href="${escapeAttribute(node.url)}">${escapeHtml(node.alt || node.url)}</a>`;
    case 'mention':
      return w.mention(node);
    case 'emoji':
      return w.emoji ? w.emoji(node) : escapeHtml(node.value);
    case 'break':
      return '<br>';
    default:
      return escapeHtml(plainText(node));
  }
}

const FLOWING = new Set(['paragraph', 'heading', 'thematicBreak']);

function block(node: RootContent, w: HtmlWriter): string {
  switch (node.type) {
    case 'paragraph':
      return inline(node.children, w);
    case 'heading':
      return `<b>${inline(node.children, w)}</b>`;
    case 'code':
      return `<pre>${escapeHtml(node.value)}</pre>`;
    case 'blockquote':
      return `<blockquote>${blocks(node.children, w)}</blockquote>`;
    case 'list': {
      const items = node.children.map((item) => `<li>${blocks(item.children, w)}</li>`).join('');
      if (!node.ordered) return `<ul>${items}</ul>`;
      return node.start && node.start !== 1 ? `<ol start="${node.start}">${items}</ol>` : `<ol>${items}</ol>`;
    }
    case 'thematicBreak':
      return '<hr>';
    default:
      return phrasing(node as PhrasingContent, w);
  }
}

function blocks(nodes: RootContent[], w: HtmlWriter): string {
  let out = '';
  nodes.forEach((node, index) => {
    const prev = nodes[index - 1];
    // Block elements break lines themselves; text blocks need `<br>`s, two for a blank line.
    if (prev && FLOWING.has(prev.type) && FLOWING.has(node.type)) out += '<br>'.repeat(1 + blankLinesBetween(prev, node));
    out += block(node, w);
  });
  return out;
}

/** Tree → HTML. */
export function renderHtml(tree: Root, writer: HtmlWriter): string {
  return blocks(tree.children, writer);
}

