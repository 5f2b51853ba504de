/**
 * Teams text dialect ↔ neutral text. Teams renders a subset of HTML in bot messages (`<b>`, `<i>`,
 * `<s>`, `<code>`, `<pre>`, `<a href>`, `<br>`) and mentions as `<at>Name</at>` tags whose ids live
 * in the activity's `mention` entities, so conversion in both directions carries the entities too.
 */

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

const EMOJI: Record<string, string> = {
  smile: '😄',
  grinning: '😀',
  joy: '😂',
  wink: '😉',
  slightly_smiling_face: '🙂',
  heart_eyes: '😍',
  thinking_face: '🤔',
  sob: '😭',
  heart: '❤️',
  thumbsup: '👍',
  '+1': '👍',
  thumbsdown: '👎',
  '-1': '👎',
  clap: '👏',
  pray: '🙏',
  ok_hand: '👌',
  wave: '👋',
  tada: '🎉',
  fire: '🔥',
  rocket: '🚀',
  eyes: '👀',
  white_check_mark: '✅',
  x: '❌',
  warning: '⚠️',
  '100': '💯',
};

const SHORTCODE = new Map<string, string>();
for (const [name, char] of Object.entries(EMOJI)) {
  if (!SHORTCODE.has(char)) SHORTCODE.set(char, name);
  const bare = char.replace(/\uFE0F/g, '');
  if (!SHORTCODE.has(bare)) SHORTCODE.set(bare, name);
}
const EMOJI_CHARS = new RegExp(
  [...SHORTCODE.keys()]
    .sort((a, b) => b.length - a.length)
    .map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'gu',
);

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** Keeps already-converted pieces out of later substitutions. */
class Slots {
  private readonly values: string[] = [];
  put(value: string): string {
    this.values.push(value);
    return `\u0000${this.values.length - 1}\u0000`;
  }
  restore(s: string): string {
    return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => this.values[Number(i)] ?? '');
  }
}

/** Neutral text → Teams HTML and mention entities. */
export function fromNeutral(neutral: string): TeamsText {
  const slots = new Slots();
  const entities: MentionEntity[] = [];
  let s = neutral;

  s = s.replace(/```[^\n`]*\n?([\s\S]*?)\n?```/g, (_, code: string) => slots.put(`<pre>${escapeHtml(code)}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_, code: string) => slots.put(`<code>${escapeHtml(code)}</code>`));
  s = s.replace(/<([@#])([^|>\s]+)(?:\|([^>]+))?>/g, (_, _kind: string, id: string, name?: string) => {
    const label = name ?? id;
    const tag = `<at>${escapeHtml(label)}</at>`;
    entities.push({ type: 'mention', text: tag, mentioned: { id, name: label } });
    return slots.put(tag);
  });
  s = s.replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, (_, label: string, url: string) =>
    slots.put(`<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`),
  );
  s = s.replace(/https?:\/\/[^\s<>]+/g, (url: string) => slots.put(escapeHtml(url)));
  s = escapeHtml(s);
  s = s.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
  s = s.replace(/\*\*(.+?)\*\*/g, '<b>$1</b>');
  s = s.replace(/~~(.+?)~~/g, '<s>$1</s>');
  s = s.replace(/(^|[^\w])_(?=\S)(.+?)(?<=\S)_(?!\w)/g, '$1<i>$2</i>');
  s = s.replace(/\r?\n/g, '<br>');
  return { text: slots.restore(s), entities };
}

/**
 * Teams HTML (or plain text) → neutral text. `entities` are the activity's entities; `ids` maps a
 * mention's Teams id to the id Crosstalk uses for that person (their Entra object id) when known.
 */
export function toNeutral(platformText: string, entities: unknown[] = [], ids: ReadonlyMap<string, string> = new Map()): string {
  const mentions = entities.filter(
    (e): e is MentionEntity => typeof e === 'object' && e !== null && (e as { type?: string }).type === 'mention' && !!(e as MentionEntity).mentioned,
  );
  const used = new Set<MentionEntity>();
  const slots = new Slots();
  let s = platformText.replace(/\r?\n/g, '\n');

  s = s.replace(/<pre[^>]*>([\s\S]*?)<\/pre>/gi, (_, inner: string) => {
    const code = unescapeHtml(inner.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, ''));
    return slots.put(`\`\`\`\n${code}\n\`\`\``);
  });
  s = s.replace(/<code[^>]*>([\s\S]*?)<\/code>/gi, (_, inner: string) => slots.put(`\`${unescapeHtml(inner.replace(/<[^>]+>/g, ''))}\``));
  s = s.replace(/<at(?:\s[^>]*)?>([\s\S]*?)<\/at>/gi, (whole: string, inner: string) => {
    const name = unescapeHtml(inner.replace(/<[^>]+>/g, ''));
    const entity = mentions.find((m) => !used.has(m) && (m.text === whole || m.text === `<at>${inner}</at>` || m.mentioned.name === name));
    if (!entity) return slots.put(`@${name}`);
    used.add(entity);
    const id = ids.get(entity.mentioned.id) ?? entity.mentioned.id;
    return slots.put(id.startsWith('19:') ? `<#${id}|${name}>` : `<@${id}|${name}>`);
  });
  s = s.replace(/<a\s[^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, inner: string) => {
    const url = unescapeHtml(href);
    const label = unescapeHtml(inner.replace(/<[^>]+>/g, ''));
    return slots.put(label === url ? url : `[${label}](${url})`);
  });
  s = s.replace(/<emoji\s[^>]*alt="([^"]*)"[^>]*>(?:<\/emoji>)?/gi, (_, alt: string) => unescapeHtml(alt));
  s = s.replace(/<img\s[^>]*itemtype="http:\/\/schema\.skype\.com\/Emoji"[^>]*>/gi, (tag: string) => unescapeHtml(/alt="([^"]*)"/.exec(tag)?.[1] ?? ''));
  s = s.replace(/<\/?(?:b|strong)>/gi, '**');
  s = s.replace(/<\/?(?:i|em)>/gi, '_');
  s = s.replace(/<\/?(?:s|strike|del)>/gi, '~~');
  s = s.replace(/<br\s*\/?>/gi, '\n');
  s = s.replace(/<\/(?:p|div)>\s*<(?:p|div)[^>]*>/gi, '\n');
  s = s.replace(/<[^>]+>/g, '');
  s = unescapeHtml(s);
  s = s.replace(EMOJI_CHARS, (c) => `:${SHORTCODE.get(c)}:`);
  return slots.restore(s).replace(/\n+$/, '').replace(/^\n+/, '');
}
