/**
 * Webex markdown ↔ neutral text, through the shared message tree (`src/format`). Webex writes
 * italic as `*x*`, mentions as `<@personId:ID|Name>` / `<@personEmail:EMAIL|Name>` (Webex
 * "Formatting Messages" guide), has no channel mentions and shows emoji as Unicode. Messages typed
 * in Webex clients arrive with `html`, where mentions are `<spark-mention data-object-id=…>`.
 *
 * `<@all>` becomes plain `@all` in neutral text and is never produced from neutral text: a message
 * relayed from another platform must not notify a whole Webex space.
 */
import type { Element } from 'hast';
import {
  attribute,
  elementText,
  isPlainText,
  mention,
  parseHtml,
  parseMarkdown,
  parseNeutral,
  renderMarkdown,
  renderNeutral,
  text,
  type Mention,
} from '../../src/format/index.js';

const AT = 64;

/** `@personId:ID|Name`, `@personEmail:EMAIL|Name`, `@all` → a node. */
function interpret(inner: string) {
  const m = /^@(?:personId|personEmail):([^|\s]+)(?:\|(.*))?$/.exec(inner);
  if (m) return mention('user', m[1]!, m[2] || undefined);
  if (/^@all$/i.test(inner)) return text('@all');
  return text(`<${inner}>`);
}

/** Webex markdown → neutral text. */
export function toNeutral(markdown: string): string {
  if (isPlainText(markdown)) return markdown;
  return renderNeutral(parseMarkdown(markdown, { accept: (code) => code === AT, interpret }));
}

function webexMention(node: Mention): string {
  if (node.kind === 'channel') return `#${node.name ?? node.id}`;
  const kind = node.id.includes('@') ? 'personEmail' : 'personId';
  const name = node.name?.replace(/[>\r\n]/g, ' ');
  return name ? `<@${kind}:${node.id}|${name}>` : `<@${kind}:${node.id}>`;
}

/** Neutral text → Webex markdown. */
export function fromNeutral(neutral: string): string {
  if (isPlainText(neutral)) return neutral;
  return renderMarkdown(parseNeutral(neutral), { emphasis: '*', mention: webexMention, emoji: (node) => node.value });
}

/** Webex message `html` (as clients send it) → neutral text. */
export function htmlToNeutral(html: string): string {
  if (isPlainText(html)) return html;
  const tree = parseHtml(html, {
    'spark-mention': (_state, node: Element) => {
      const name = elementText(node);
      const id = attribute(node, 'dataObjectId');
      if (attribute(node, 'dataObjectType') === 'person' && id) return mention('user', id, name);
      return text(attribute(node, 'dataGroupType') === 'all' ? '@all' : name);
    },
  });
  return renderNeutral(tree);
}
