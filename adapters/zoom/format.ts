/**
 * Zoom text ↔ neutral text, through the shared message tree (`src/format`). Zoom has two dialects:
 * - chatbot messages with `is_markdown_support: true`: `*bold*` (also `**bold**`), `_italic_`,
 *   `~strike~`, `` `code` ``, links `<url|label>` / `<url>` (Zoom's chatbot markdown reference and
 *   card builder examples);
 * - user messages (`/chat/users/me/messages` and the `team_chat.dm_*` events): plain text plus
 *   `rich_text` ranges (`Bold`, `Italic`, `Strikethrough`, `AddLink` with the URL in
 *   `format_attr`; `end_position` is inclusive) and `at_items` for @mentions.
 *
 * Zoom's chatbot markdown mention syntax is not confirmed, so mentions in chatbot messages are
 * written as readable `@Name` / `#channel`; user messages carry real mentions through `at_items`.
 * Inline code and code blocks have no rich-text type and stay as backticks. Emoji are Unicode.
 */
import type { PhrasingContent, Root, RootContent } from 'mdast';
import {
  blankLinesBetween,
  isBareLink,
  isPlainText,
  markEmoji,
  parseMarkers,
  parseNeutral,
  plainText,
  renderMarkers,
  renderNeutral,
  text,
  type MarkerDialect,
} from '../../src/format/index.js';

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

const chatbot: MarkerDialect = {
  decode: (raw) => raw,
  encode: (plain) => plain,
  angle: (inner) => {
    const m = /^(https?:\/\/[^|\s]+)(?:\|(.+))?$/.exec(inner);
    return m ? { type: 'link', url: m[1]!, children: [text(m[2] ?? m[1]!)] } : undefined;
  },
  quote: /^> ?/,
  doubleStarBold: true,
  writeMention: (node) => `${node.kind === 'user' ? '@' : '#'}${node.name ?? node.id}`,
  writeEmoji: (node) => node.value,
  writeLink: (url, label) => (label === undefined ? url.replace(/^mailto:/, '') : `<${url}|${label}>`),
};

/** Zoom chatbot markdown → neutral text. */
export function zoomMarkdownToNeutral(markdown: string): string {
  return isPlainText(markdown) ? markdown : renderNeutral(parseMarkers(markdown, chatbot));
}

/** Neutral text → Zoom chatbot markdown (send with `is_markdown_support: true`). */
export function neutralToZoomMarkdown(neutral: string): string {
  return isPlainText(neutral) ? neutral : renderMarkers(parseNeutral(neutral), chatbot);
}

// ---------------------------------------------------------------- user messages: tree → ranges

/** Writes plain text while recording where each style, link and mention lands. */
class UserMessageWriter {
  message = '';
  readonly rich: ZoomRichTextRange[] = [];
  readonly at: ZoomAtItem[] = [];
  private prefix = '';

  constructor(private readonly contactOf: (userId: string) => string) {}

  private write(s: string): void {
    this.message += this.prefix ? s.replace(/\n/g, `\n${this.prefix}`) : s;
  }

  private styled(type: string, children: PhrasingContent[], attr?: string): void {
    const start = this.message.length;
    this.inline(children);
    if (this.message.length > start) {
      this.rich.push({ start_position: start, end_position: this.message.length - 1, format_type: type, ...(attr ? { format_attr: attr } : {}) });
    }
  }

  inline(nodes: PhrasingContent[]): void {
    for (const n of nodes) {
      switch (n.type) {
        case 'strong':
          this.styled('Bold', n.children);
          break;
        case 'emphasis':
          this.styled('Italic', n.children);
          break;
        case 'delete':
          this.styled('Strikethrough', n.children);
          break;
        case 'inlineCode':
          this.write(`\`${n.value}\``);
          break;
        case 'link':
          if (isBareLink(n.url, n.children)) this.write(plainText(n));
          else this.styled('AddLink', n.children, n.url);
          break;
        case 'mention': {
          const start = this.message.length;
          this.write(`${n.kind === 'user' ? '@' : '#'}${n.name ?? n.id}`);
          if (n.kind === 'user') this.at.push({ at_contact: this.contactOf(n.id), at_type: 1, start_position: start, end_position: this.message.length - 1 });
          break;
        }
        case 'emoji':
          this.write(n.value);
          break;
        case 'break':
          this.write('\n');
          break;
        case 'text':
          this.write(n.value);
          break;
        default:
          this.write(plainText(n));
      }
    }
  }

  blocks(nodes: RootContent[]): void {
    nodes.forEach((node, index) => {
      if (index > 0) this.write('\n'.repeat(1 + blankLinesBetween(nodes[index - 1]!, node)));
      this.block(node);
    });
  }

  private block(node: RootContent): void {
    switch (node.type) {
      case 'paragraph':
        this.inline(node.children);
        break;
      case 'heading':
        this.styled('Bold', node.children);
        break;
      case 'code':
        this.write(`\`\`\`\n${node.value}\n\`\`\``);
        break;
      case 'blockquote': {
        const outer = this.prefix;
        this.write('> ');
        this.prefix = `${outer}> `;
        this.blocks(node.children);
        this.prefix = outer;
        break;
      }
      case 'list':
        node.children.forEach((item, i) => {
          if (i > 0) this.write('\n');
          this.write(node.ordered ? `${(node.start ?? 1) + i}. ` : '• ');
          this.blocks(item.children);
        });
        break;
      case 'thematicBreak':
        this.write('---');
        break;
      default:
        this.inline([node as PhrasingContent]);
    }
  }
}

/**
 * Neutral text → a Zoom user message: plain text, `rich_text` ranges and `at_items`.
 * `contactOf` maps a mention's user id to what Zoom's `at_contact` takes (default: the id).
 */
export function neutralToUserMessage(neutral: string, contactOf: (userId: string) => string = (id) => id): ZoomUserMessageBody {
  if (isPlainText(neutral)) return { message: neutral };
  const writer = new UserMessageWriter(contactOf);
  writer.blocks(parseNeutral(neutral).children);
  const { message, rich, at } = writer;
  return { message, ...(rich.length ? { rich_text: rich } : {}), ...(at.length ? { at_items: at } : {}) };
}

// ---------------------------------------------------------------- user messages: ranges → tree

type Style = { kind: 'link'; url: string } | { kind: 'strong' | 'emphasis' | 'delete' };

const STYLE_BY_TYPE: Record<string, 'strong' | 'emphasis' | 'delete' | undefined> = { Bold: 'strong', Italic: 'emphasis', Strikethrough: 'delete' };
/** Outermost first: a link around styled words reads better than styles around a link. */
const NESTING: Array<Style['kind']> = ['link', 'strong', 'emphasis', 'delete'];

interface Run {
  text: string;
  styles: Style[];
}

const sameStyle = (a: Style, b: Style) => a.kind === b.kind && (a.kind !== 'link' || (b.kind === 'link' && a.url === b.url));

/** Plain text of a run, with `` `code` `` spans (no rich-text type exists for code) as code. */
function leaf(value: string): PhrasingContent[] {
  return value.split(/(`[^`\n]+`)/).flatMap((part, i) => (i % 2 === 1 ? [{ type: 'inlineCode', value: part.slice(1, -1) } as PhrasingContent] : part ? [text(part)] : []));
}

/** Nests runs by style, merging neighbours that share the outer style. */
function nest(runs: Run[], depth: number): PhrasingContent[] {
  const kind = NESTING[depth];
  if (kind === undefined) return runs.flatMap((r) => leaf(r.text));
  const out: PhrasingContent[] = [];
  let i = 0;
  while (i < runs.length) {
    const style = runs[i]!.styles.find((s) => s.kind === kind);
    let j = i + 1;
    while (j < runs.length && (style ? runs[j]!.styles.some((s) => sameStyle(s, style)) : !runs[j]!.styles.some((s) => s.kind === kind))) j += 1;
    const inner = nest(runs.slice(i, j), depth + 1);
    if (!style) out.push(...inner);
    else if (style.kind === 'link') out.push({ type: 'link', url: style.url, children: inner });
    else out.push({ type: style.kind, children: inner } as PhrasingContent);
    i = j;
  }
  return out;
}

/** A Zoom user message (plain text + `rich_text`, as the `team_chat.dm_*` events carry it) → neutral text. */
export function userMessageToNeutral(message: string, richText: ZoomRichTextRange[] = []): string {
  if (isPlainText(message) && richText.length === 0) return message;
  const ranges: Array<{ from: number; to: number; style: Style }> = [];
  for (const r of richText) {
    if (!(r.start_position >= 0 && r.end_position >= r.start_position && r.end_position < message.length)) continue;
    const kind = STYLE_BY_TYPE[r.format_type];
    const style: Style | undefined =
      r.format_type === 'AddLink' && r.format_attr && /^https?:\/\//.test(r.format_attr) ? { kind: 'link', url: r.format_attr } : kind ? { kind } : undefined;
    if (style) ranges.push({ from: r.start_position, to: r.end_position + 1, style });
  }
  const root: Root = { type: 'root', children: [] };
  // Code blocks are written as ``` fences in the plain text; nothing inside them is styled.
  const fence = /```\n?([\s\S]*?)\n?```/g;
  let at = 0;
  /** A blank line starts a new paragraph. */
  const paragraphs = (from: number, to: number) => {
    let start = from;
    for (const gap of message.slice(from, to).matchAll(/\n[ \t]*\n\s*/g)) {
      paragraph(start, from + gap.index);
      start = from + gap.index + gap[0].length;
    }
    paragraph(start, to);
  };
  const paragraph = (from: number, to: number) => {
    const cuts = new Set([from, to]);
    for (const r of ranges) for (const p of [r.from, r.to]) if (p > from && p < to) cuts.add(p);
    const points = [...cuts].sort((a, b) => a - b);
    const runs: Run[] = [];
    for (let k = 0; k + 1 < points.length; k += 1) {
      const [start, end] = [points[k]!, points[k + 1]!];
      runs.push({ text: message.slice(start, end), styles: ranges.filter((r) => r.from <= start && r.to >= end).map((r) => r.style) });
    }
    const children = nest(runs, 0);
    if (children.some((c) => c.type !== 'text' || c.value.trim() !== '')) root.children.push({ type: 'paragraph', children });
  };
  for (const m of message.matchAll(fence)) {
    paragraphs(at, m.index);
    root.children.push({ type: 'code', value: m[1]! });
    at = m.index + m[0].length;
  }
  paragraphs(at, message.length);
  return renderNeutral(markEmoji(root));
}
