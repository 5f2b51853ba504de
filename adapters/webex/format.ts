/**
 * Webex markdown ↔ neutral text. Webex writes italic as `*x*` (neutral `_x_`), mentions as
 * `<@personId:ID|Name>` / `<@personEmail:EMAIL|Name>`, has no channel mentions and no emoji
 * shortcodes (clients send Unicode). Messages typed in Webex clients arrive with `html`, where
 * mentions are `<spark-mention data-object-id=…>` elements.
 *
 * `<@all>` becomes plain `@all` in neutral text and is never produced from neutral text: a message
 * relayed from another platform must not notify a whole Webex space.
 */

const EMOJI: Array<[string, string]> = [
  ['smile', '😄'],
  ['grinning', '😀'],
  ['joy', '😂'],
  ['slightly_smiling_face', '🙂'],
  ['wink', '😉'],
  ['sob', '😭'],
  ['thinking_face', '🤔'],
  ['heart', '❤️'],
  ['+1', '👍'],
  ['thumbsup', '👍'],
  ['-1', '👎'],
  ['thumbsdown', '👎'],
  ['tada', '🎉'],
  ['wave', '👋'],
  ['fire', '🔥'],
  ['rocket', '🚀'],
  ['eyes', '👀'],
  ['white_check_mark', '✅'],
  ['x', '❌'],
  ['warning', '⚠️'],
  ['pray', '🙏'],
  ['clap', '👏'],
  ['100', '💯'],
  ['ok_hand', '👌'],
  ['star', '⭐'],
  ['sparkles', '✨'],
  ['coffee', '☕'],
];
const EMOJI_BY_CODE = new Map(EMOJI);
/** Unicode → first shortcode listed; longest sequences first so variation selectors stay attached. */
const CODE_BY_EMOJI = [...new Map([...EMOJI].reverse().map(([code, emoji]) => [emoji, code])).entries()].sort(
  (a, b) => b[0].length - a[0].length,
);

/** Runs `convert` on the parts of `text` outside fenced and inline code. */
function outsideCode(text: string, convert: (plain: string) => string): string {
  return text
    .split(/(```[\s\S]*?```|`[^`\n]+`)/g)
    .map((part, i) => (i % 2 === 1 ? part : convert(part)))
    .join('');
}

function emojiToShortcodes(text: string): string {
  let out = text;
  for (const [emoji, code] of CODE_BY_EMOJI) out = out.split(emoji).join(`:${code}:`);
  // A bare heart without the variation selector is still a heart.
  return out.split('❤').join(':heart:');
}

/** Webex markdown → neutral text. */
export function toNeutral(markdown: string): string {
  return outsideCode(markdown, (s) =>
    emojiToShortcodes(
      s
        .replace(/<@(?:personId|personEmail):([^|>]+)\|([^>]*)>/g, '<@$1|$2>')
        .replace(/<@(?:personId|personEmail):([^|>]+)>/g, '<@$1>')
        .replace(/<@all>/g, '@all')
        .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
        .replace(/__(?=\S)(.+?\S)__/g, '**$1**')
        .replace(/(^|[^*\w])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![*\w])/g, '$1_$2_'),
    ),
  );
}

/** Neutral text → Webex markdown. */
export function fromNeutral(neutral: string): string {
  return outsideCode(neutral, (s) =>
    s
      .replace(/<@([^|>\s]+)\|([^>]*)>/g, (_m, id: string, name: string) =>
        id.includes('@') ? `<@personEmail:${id}|${name}>` : `<@personId:${id}|${name}>`,
      )
      .replace(/<@([^|>\s]+)>/g, (_m, id: string) => (id.includes('@') ? `<@personEmail:${id}>` : `<@personId:${id}>`))
      .replace(/<#([^|>\s]+)\|([^>]*)>/g, '#$2')
      .replace(/<#([^|>\s]+)>/g, '#$1')
      .replace(/(^|[^\w_*])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\w_])/g, '$1*$2*')
      .replace(/:([a-z0-9_+-]+):/g, (m, code: string) => EMOJI_BY_CODE.get(code) ?? m),
  );
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/** Webex message `html` (as clients send it) → neutral text. */
export function htmlToNeutral(html: string): string {
  /* Code and mentions are set aside so tag stripping and entity decoding leave them alone. */
  const codeBlocks: string[] = [];
  const stash = (s: string) => `\u0000${codeBlocks.push(s) - 1}\u0000`;
  const out = html
    .replace(/<pre[^>]*>\s*<code[^>]*>([\s\S]*?)<\/code>\s*<\/pre>/gi, (_m, code: string) =>
      stash('```\n' + decodeEntities(code.replace(/<br\s*\/?>/gi, '\n')).replace(/\n$/, '') + '\n```'),
    )
    .replace(/<code[^>]*>([\s\S]*?)<\/code>/gi, (_m, code: string) => stash('`' + decodeEntities(code) + '`'))
    .replace(
      /<spark-mention[^>]*data-object-type="person"[^>]*data-object-id="([^"]+)"[^>]*>([\s\S]*?)<\/spark-mention>/gi,
      (_m, id: string, name: string) => stash(`<@${id}|${decodeEntities(name)}>`),
    )
    .replace(
      /<spark-mention[^>]*data-object-id="([^"]+)"[^>]*data-object-type="person"[^>]*>([\s\S]*?)<\/spark-mention>/gi,
      (_m, id: string, name: string) => stash(`<@${id}|${decodeEntities(name)}>`),
    )
    .replace(/<spark-mention[^>]*data-group-type="all"[^>]*>[\s\S]*?<\/spark-mention>/gi, '@all')
    .replace(/<\/?(strong|b)>/gi, '**')
    .replace(/<\/?(em|i)>/gi, '_')
    .replace(/<\/?(del|s|strike)>/gi, '~~')
    .replace(/<a [^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) => {
      const url = decodeEntities(href);
      const text = decodeEntities(label);
      return text === url ? url : `[${text}](${url})`;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n')
    .replace(/<li[^>]*>/gi, '- ')
    .replace(/<\/li>/gi, '\n')
    .replace(/<[^>]+>/g, '');
  return emojiToShortcodes(decodeEntities(out))
    .replace(/\u0000(\d+)\u0000/g, (_m, i: string) => codeBlocks[Number(i)])
    .replace(/\n+$/, '');
}
