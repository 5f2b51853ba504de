/**
 * Slack mrkdwn ↔ neutral text, through the shared message tree (`src/format`). Slack marks bold
 * with single `*`, strike with single `~`, links as `<url|label>`, mentions as `<@U…>` /
 * `<#C…|name>`, quotes as `>` lines, and escapes `&`, `<`, `>` as entities
 * (https://api.slack.com/reference/surfaces/formatting). Emoji stay `:shortcodes:` on Slack.
 */
import { isPlainText, mention, parseMarkers, parseNeutral, renderMarkers, renderNeutral, text, type MarkerDialect } from '../../src/format/index.js';

function decode(raw: string): string {
  return raw.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function encode(plain: string): string {
  return plain.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack's `<…>` tokens: mentions, special mentions, links. */
function angle(inner: string) {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : decode(inner.slice(bar + 1));
  if (target.startsWith('@') && target.length > 1) return mention('user', target.slice(1), label);
  if (target.startsWith('#') && target.length > 1) return mention('channel', target.slice(1), label);
  // `<!here>`, `<!subteam^ID|@team>`, `<!date^…|fallback>`: shown as their label, never as a ping.
  if (target.startsWith('!')) return text(label ?? `@${target.slice(1).split('^')[0]}`);
  const url = decode(target);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return undefined;
  return { type: 'link' as const, url, children: [text(label || url.replace(/^mailto:/, ''))] };
}

const slack: MarkerDialect = {
  decode,
  encode,
  angle,
  quote: /^(?:&gt;|>) ?/,
  doubleStarBold: false,
  writeMention: (node) => {
    const sigil = node.kind === 'user' ? '@' : '#';
    return node.name ? `<${sigil}${node.id}|${encode(node.name)}>` : `<${sigil}${node.id}>`;
  },
  writeEmoji: (node) => `:${node.shortcode}:`,
  writeLink: (url, label) => (label === undefined ? encode(url.replace(/^mailto:/, '')) : `<${encode(url)}|${encode(label)}>`),
};

/** Slack mrkdwn → neutral text. */
export function slackToNeutral(mrkdwn: string): string {
  return isPlainText(mrkdwn) ? mrkdwn : renderNeutral(parseMarkers(mrkdwn, slack));
}

/** Neutral text → Slack mrkdwn. */
export function neutralToSlack(neutral: string): string {
  return isPlainText(neutral) ? neutral : renderMarkers(parseNeutral(neutral), slack);
}
