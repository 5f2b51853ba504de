/**
 * Zoom Team Chat text ↔ neutral text (see `src/chat-adapter.ts`).
 *
 * Zoom has two dialects:
 * - chatbot messages with `is_markdown_support: true`: `*bold*` (also `**bold**`), `_italic_`,
 *   `~strike~`, `` `code` ``, links `<url|label>` / `<url>` (Zoom's markdown reference and card
 *   builder examples);
 * - user messages (`/chat/users/me/messages` and the `team_chat.dm_*` events): plain text plus
 *   `rich_text` ranges (`Bold`, `Italic`, `Strikethrough`, `AddLink` with the URL in
 *   `format_attr`; `end_position` is inclusive) and `at_items` for @mentions.
 *
 * Zoom's chatbot markdown mention syntax is not confirmed, so mentions in chatbot messages are
 * written as readable `@Name` / `#channel`; user messages carry real mentions through `at_items`.
 * Inline code and code blocks have no rich-text type and stay as backticks.
 */

/** A rich-text range of a Zoom user message. */
export interface ZoomRichTextRange {
  start_position: number;
  end_position: number;
  format_type: string;
  format_attr?: string;
}

/** An @mention range of a Zoom user message. */
export interface ZoomAtItem {
  at_contact: string;
  at_type: 1 | 2;
  start_position: number;
  end_position: number;
}

/** A user message body: plain text with its formatting ranges and mentions. */
export interface ZoomUserMessageBody {
  message: string;
  rich_text?: ZoomRichTextRange[];
  at_items?: ZoomAtItem[];
}

type Node =
  | { t: 'text'; v: string }
  | { t: 'bold' | 'italic' | 'strike'; c: Node[] }
  | { t: 'code'; v: string }
  | { t: 'pre'; v: string }
  | { t: 'link'; url: string; label: string }
  | { t: 'user'; id: string; name?: string }
  | { t: 'channel'; id: string; name?: string }
  | { t: 'emoji'; name: string };

const EMOJI: Array<[string, string]> = [
  ['+1', '👍'],
  ['thumbsup', '👍'],
  ['-1', '👎'],
  ['smile', '😄'],
  ['joy', '😂'],
  ['heart', '❤️'],
  ['tada', '🎉'],
  ['wave', '👋'],
  ['white_check_mark', '✅'],
  ['x', '❌'],
  ['eyes', '👀'],
  ['rocket', '🚀'],
  ['fire', '🔥'],
  ['pray', '🙏'],
];
const EMOJI_BY_NAME = new Map(EMOJI);
const NAME_BY_EMOJI = new Map<string, string>();
for (const [name, char] of EMOJI) if (!NAME_BY_EMOJI.has(char)) NAME_BY_EMOJI.set(char, name === '+1' ? 'thumbsup' : name);
const EMOJI_CHARS = [...NAME_BY_EMOJI.keys()].sort((a, b) => b.length - a.length);

type Dialect = 'neutral' | 'zoom';

interface Rule {
  re: RegExp;
  make: (m: RegExpExecArray, dialect: Dialect) => Node | undefined;
  /** Only where the previous character is not a word character (keeps snake_case literal). */
  wordBoundary?: boolean;
}

const common: Rule[] = [
  { re: /```\n?([\s\S]*?)\n?```/y, make: (m) => ({ t: 'pre', v: m[1]! }) },
  { re: /`([^`\n]+)`/y, make: (m) => ({ t: 'code', v: m[1]! }) },
  { re: /\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/y, make: (m) => ({ t: 'link', url: m[2]!, label: m[1]! }) },
];

const neutralRules: Rule[] = [
  ...common,
  { re: /<@([^>|\s]+)(?:\|([^>]+))?>/y, make: (m) => ({ t: 'user', id: m[1]!, name: m[2] }) },
  { re: /<#([^>|\s]+)(?:\|([^>]+))?>/y, make: (m) => ({ t: 'channel', id: m[1]!, name: m[2] }) },
  { re: /\*\*(?=\S)([\s\S]*?\S)\*\*/y, make: (m) => ({ t: 'bold', c: parse(m[1]!, 'neutral') }) },
  { re: /~~(?=\S)([\s\S]*?\S)~~/y, make: (m) => ({ t: 'strike', c: parse(m[1]!, 'neutral') }) },
  { re: /_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)/y, make: (m) => ({ t: 'italic', c: parse(m[1]!, 'neutral') }), wordBoundary: true },
  { re: /:([a-z0-9_+-]+):/y, make: (m) => ({ t: 'emoji', name: m[1]! }) },
];

const zoomRules: Rule[] = [
  ...common,
  { re: /<(https?:\/\/[^>|\s]+)(?:\|([^>]+))?>/y, make: (m) => ({ t: 'link', url: m[1]!, label: m[2] ?? m[1]! }) },
  { re: /\*\*(?=\S)([\s\S]*?\S)\*\*/y, make: (m) => ({ t: 'bold', c: parse(m[1]!, 'zoom') }) },
  { re: /\*(?=[^\s*])([^*\n]*?[^\s*])\*/y, make: (m) => ({ t: 'bold', c: parse(m[1]!, 'zoom') }), wordBoundary: true },
  { re: /~(?=[^\s~])([^~\n]*?[^\s~])~/y, make: (m) => ({ t: 'strike', c: parse(m[1]!, 'zoom') }), wordBoundary: true },
  { re: /_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)/y, make: (m) => ({ t: 'italic', c: parse(m[1]!, 'zoom') }), wordBoundary: true },
];

function parse(input: string, dialect: Dialect): Node[] {
  const rules = dialect === 'neutral' ? neutralRules : zoomRules;
  const nodes: Node[] = [];
  let text = '';
  const flush = () => {
    if (text) nodes.push({ t: 'text', v: text });
    text = '';
  };
  let i = 0;
  outer: while (i < input.length) {
    for (const rule of rules) {
      if (rule.wordBoundary && i > 0 && /\w/.test(input[i - 1]!)) continue;
      rule.re.lastIndex = i;
      const m = rule.re.exec(input);
      if (!m) continue;
      const end = m.index + m[0].length;
      const node = rule.make(m, dialect);
      if (!node) continue;
      flush();
      nodes.push(node);
      i = end;
      continue outer;
    }
    if (dialect === 'zoom') {
      const emoji = EMOJI_CHARS.find((c) => input.startsWith(c, i));
      if (emoji) {
        flush();
        nodes.push({ t: 'emoji', name: NAME_BY_EMOJI.get(emoji)! });
        i += emoji.length;
        continue;
      }
    }
    text += input[i];
    i += 1;
  }
  flush();
  return nodes;
}

function renderNeutral(nodes: Node[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return n.v;
        case 'bold':
          return `**${renderNeutral(n.c)}**`;
        case 'italic':
          return `_${renderNeutral(n.c)}_`;
        case 'strike':
          return `~~${renderNeutral(n.c)}~~`;
        case 'code':
          return `\`${n.v}\``;
        case 'pre':
          return `\`\`\`\n${n.v}\n\`\`\``;
        case 'link':
          return n.label === n.url ? n.url : `[${n.label}](${n.url})`;
        case 'user':
          return n.name ? `<@${n.id}|${n.name}>` : `<@${n.id}>`;
        case 'channel':
          return n.name ? `<#${n.id}|${n.name}>` : `<#${n.id}>`;
        case 'emoji':
          return `:${n.name}:`;
      }
    })
    .join('');
}

function renderZoom(nodes: Node[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return n.v;
        case 'bold':
          return `*${renderZoom(n.c)}*`;
        case 'italic':
          return `_${renderZoom(n.c)}_`;
        case 'strike':
          return `~${renderZoom(n.c)}~`;
        case 'code':
          return `\`${n.v}\``;
        case 'pre':
          return `\`\`\`\n${n.v}\n\`\`\``;
        case 'link':
          return n.label === n.url ? `<${n.url}>` : `<${n.url}|${n.label}>`;
        case 'user':
          return `@${n.name ?? n.id}`;
        case 'channel':
          return `#${n.name ?? n.id}`;
        case 'emoji':
          return EMOJI_BY_NAME.get(n.name) ?? `:${n.name}:`;
      }
    })
    .join('');
}

/** Zoom chatbot markdown → neutral text. */
export function zoomMarkdownToNeutral(text: string): string {
  return renderNeutral(parse(text, 'zoom'));
}

/** Neutral text → Zoom chatbot markdown (send with `is_markdown_support: true`). */
export function neutralToZoomMarkdown(text: string): string {
  return renderZoom(parse(text, 'neutral'));
}

/**
 * Neutral text → a Zoom user message: plain text, `rich_text` ranges and `at_items`.
 * `contactOf` maps a mention's user id to what Zoom's `at_contact` takes (default: the id).
 */
export function neutralToUserMessage(text: string, contactOf: (userId: string) => string = (id) => id): ZoomUserMessageBody {
  let message = '';
  const rich: ZoomRichTextRange[] = [];
  const at: ZoomAtItem[] = [];
  const styled = (type: string, children: Node[], attr?: string) => {
    const start = message.length;
    walk(children);
    if (message.length > start) {
      rich.push({ start_position: start, end_position: message.length - 1, format_type: type, ...(attr ? { format_attr: attr } : {}) });
    }
  };
  const walk = (nodes: Node[]): void => {
    for (const n of nodes) {
      switch (n.t) {
        case 'text':
          message += n.v;
          break;
        case 'bold':
          styled('Bold', n.c);
          break;
        case 'italic':
          styled('Italic', n.c);
          break;
        case 'strike':
          styled('Strikethrough', n.c);
          break;
        case 'code':
          message += `\`${n.v}\``;
          break;
        case 'pre':
          message += `\`\`\`\n${n.v}\n\`\`\``;
          break;
        case 'link':
          if (n.label === n.url) message += n.url;
          else styled('AddLink', [{ t: 'text', v: n.label }], n.url);
          break;
        case 'user': {
          const start = message.length;
          message += `@${n.name ?? n.id}`;
          at.push({ at_contact: contactOf(n.id), at_type: 1, start_position: start, end_position: message.length - 1 });
          break;
        }
        case 'channel':
          message += `#${n.name ?? n.id}`;
          break;
        case 'emoji':
          message += EMOJI_BY_NAME.get(n.name) ?? `:${n.name}:`;
          break;
      }
    }
  };
  walk(parse(text, 'neutral'));
  return { message, ...(rich.length ? { rich_text: rich } : {}), ...(at.length ? { at_items: at } : {}) };
}

const RICH_MARKERS: Record<string, [string, string] | undefined> = {
  Bold: ['**', '**'],
  Italic: ['_', '_'],
  Strikethrough: ['~~', '~~'],
};

/** A Zoom user message (plain text + `rich_text`, as the `team_chat.dm_*` events carry it) → neutral text. */
export function userMessageToNeutral(message: string, richText: ZoomRichTextRange[] = []): string {
  const opens = new Map<number, string[]>();
  const closes = new Map<number, string[]>();
  const add = (map: Map<number, string[]>, at: number, s: string, front: boolean) => {
    const list = map.get(at) ?? [];
    if (front) list.unshift(s);
    else list.push(s);
    map.set(at, list);
  };
  const ranges = richText
    .filter((r) => r.start_position >= 0 && r.end_position >= r.start_position && r.end_position < message.length)
    .sort((a, b) => a.start_position - b.start_position || b.end_position - a.end_position);
  for (const r of ranges) {
    if (r.format_type === 'AddLink' && r.format_attr && /^https?:\/\//.test(r.format_attr)) {
      add(opens, r.start_position, '[', false);
      add(closes, r.end_position + 1, `](${r.format_attr})`, true);
      continue;
    }
    const markers = RICH_MARKERS[r.format_type];
    if (!markers) continue;
    add(opens, r.start_position, markers[0], false);
    add(closes, r.end_position + 1, markers[1], true);
  }
  let out = '';
  for (let i = 0; i <= message.length; i += 1) {
    out += (closes.get(i) ?? []).join('');
    out += (opens.get(i) ?? []).join('');
    if (i < message.length) out += message[i];
  }
  return replaceEmoji(out);
}

function replaceEmoji(text: string): string {
  let out = text;
  for (const char of EMOJI_CHARS) out = out.split(char).join(`:${NAME_BY_EMOJI.get(char)!}:`);
  return out;
}
