/**
 * Neutral text ("Crosstalk markdown", described in `src/chat-adapter.ts`) ↔ the tree. Neutral
 * text is CommonMark with GFM `~~strike~~` and bare-URL links, `<@ID|Name>` / `<#ID|name>`
 * mentions, and emoji as Slack `:shortcodes:` (Unicode emoji read from other platforms are written
 * as their shortcode when the data set has one). Literal markup characters are backslash-escaped,
 * so text typed on one platform is never read as formatting on another.
 */
import type { Root } from 'mdast';
import { parseMarkdown, renderMarkdown } from './markdown.js';
import { mention, text, type Mention } from './tree.js';

const AT = 64;
const HASH = 35;

/** The inner text of a neutral angle token (`@ID|Name`, `#ID|name`) → a mention, else literal text. */
function interpret(inner: string) {
  const bar = inner.indexOf('|');
  const id = (bar < 0 ? inner : inner.slice(0, bar)).slice(1);
  const name = bar < 0 ? undefined : inner.slice(bar + 1);
  if (!id || /\s/.test(id)) return text(`<${inner}>`);
  return mention(inner.startsWith('@') ? 'user' : 'channel', id, name || undefined);
}

/** Neutral text → tree. */
export function parseNeutral(neutral: string): Root {
  return parseMarkdown(neutral, { accept: (code) => code === AT || code === HASH, interpret });
}

/** A neutral mention token; `>` and line breaks in a name would end or break the token. */
export function neutralMention(node: Mention): string {
  const sigil = node.kind === 'user' ? '@' : '#';
  const name = node.name?.replace(/[>\r\n]/g, ' ').trim();
  return name ? `<${sigil}${node.id}|${name}>` : `<${sigil}${node.id}>`;
}

/** Tree → neutral text. */
export function renderNeutral(tree: Root): string {
  return renderMarkdown(tree, { emphasis: '_', mention: neutralMention, emoji: (node) => `:${node.shortcode}:` });
}
