/**
 * Teams text ↔ neutral text, through the shared message tree (`src/format`). Teams renders a
 * subset of HTML in bot messages (`<b>`, `<i>`, `<s>`, `<code>`, `<pre>`, `<a href>`, lists,
 * `<blockquote>`, `<br>`) and mentions as `<at>Name</at>` tags whose ids live in the activity's
 * `mention` entities (Bot Framework "Add mentions to messages"), so conversion in both directions
 * carries the entities too. Emoji are Unicode on Teams; clients send them as `<emoji alt="…">`.
 */
import type { Element } from 'hast';
import { isPlainText, attribute, elementText, escapeHtml, mention, parseHtml, parseNeutral, renderHtml, renderNeutral, text } from '../../src/format/index.js';

/** A Bot Framework mention entity. */
export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

/** Outbound Teams text plus the mention entities it needs. */
export interface TeamsText {
  text: string;
  entities: MentionEntity[];
}

/** Neutral text → Teams HTML and mention entities. */
export function fromNeutral(neutral: string): TeamsText {
  if (isPlainText(neutral)) return { text: neutral.replace(/\n/g, '<br>'), entities: [] };
  const entities: MentionEntity[] = [];
  const html = renderHtml(parseNeutral(neutral), {
    mention: (node) => {
      const name = node.name ?? node.id;
      const tag = `<at>${escapeHtml(name)}</at>`;
      entities.push({ type: 'mention', text: tag, mentioned: { id: node.id, name } });
      return tag;
    },
  });
  return { text: html, entities };
}

function isMention(e: unknown): e is MentionEntity {
  return typeof e === 'object' && e !== null && (e as { type?: string }).type === 'mention' && !!(e as MentionEntity).mentioned;
}

/**
 * Teams HTML (or plain text) → neutral text. `entities` are the activity's entities; `ids` maps a
 * mention's Teams id to the id Crosstalk uses for that person (their Entra object id) when known.
 */
export function toNeutral(platformText: string, entities: unknown[] = [], ids: ReadonlyMap<string, string> = new Map()): string {
  if (isPlainText(platformText)) return platformText;
  const mentions = entities.filter(isMention);
  const used = new Set<MentionEntity>();
  const tree = parseHtml(platformText, {
    at: (_state, node: Element) => {
      const name = elementText(node);
      const entity = mentions.find((m) => !used.has(m) && (m.text === `<at>${escapeHtml(name)}</at>` || m.text === `<at>${name}</at>` || m.mentioned.name === name));
      if (!entity) return text(`@${name}`);
      used.add(entity);
      const id = ids.get(entity.mentioned.id) ?? entity.mentioned.id;
      // Channel ids are thread ids (`19:…@thread…`); people have user or Entra ids.
      return mention(id.startsWith('19:') ? 'channel' : 'user', id, name);
    },
  }, (node) => {
    // Teams clients send emoji as `<emoji alt="👍">` and older ones as Skype emoji images.
    if (node.tagName === 'emoji') return attribute(node, 'alt') ?? '';
    if (node.tagName === 'img' && attribute(node, 'itemType') === 'http://schema.skype.com/Emoji') return attribute(node, 'alt') ?? '';
    return undefined;
  });
  return renderNeutral(tree);
}
