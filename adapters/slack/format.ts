/**
 * Slack mrkdwn ↔ neutral text. Slack marks bold with single `*`, strike with single `~`, links as
 * `<url|label>`, mentions as `<@U…>`/`<#C…|name>` and escapes `&`, `<`, `>` as entities; code spans
 * and blocks are left untouched apart from that escaping.
 */

const HOLD = '\u0000';

/** Keeps already-rendered pieces out of reach of later rewrites. */
class Holder {
  private readonly parts: string[] = [];
  hold(rendered: string): string {
    this.parts.push(rendered);
    return `${HOLD}${this.parts.length - 1}${HOLD}`;
  }
  restore(text: string): string {
    return text.replace(new RegExp(`${HOLD}(\\d+)${HOLD}`, 'g'), (_, i: string) => this.parts[Number(i)]);
  }
}

function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function trimFenceNewlines(code: string): string {
  return code.replace(/^\n/, '').replace(/\n$/, '');
}

/** Slack's angle-bracket tokens → neutral. */
function angleToNeutral(inner: string): string {
  const [target, ...rest] = inner.split('|');
  const label = rest.length > 0 ? unescapeEntities(rest.join('|')) : undefined;
  if (target.startsWith('@')) return label ? `<${target}|${label}>` : `<${target}>`;
  if (target.startsWith('#')) return label ? `<${target}|${label}>` : `<${target}>`;
  if (target.startsWith('!')) {
    if (label) return label;
    const special = target.slice(1).split('^')[0];
    return `@${special}`;
  }
  const url = unescapeEntities(target);
  if (!label || label === url || `mailto:${label}` === url) return url;
  return `[${label}](${url})`;
}

/** Slack mrkdwn → neutral text. */
export function slackToNeutral(mrkdwn: string): string {
  const holder = new Holder();
  let text = mrkdwn.replace(/```([\s\S]*?)```|`([^`\n]+)`/g, (_, block: string | undefined, inline: string | undefined) =>
    holder.hold(block !== undefined ? `\`\`\`\n${trimFenceNewlines(unescapeEntities(block))}\n\`\`\`` : `\`${unescapeEntities(inline!)}\``),
  );
  text = text.replace(/<([^<>\n]+)>/g, (_, inner: string) => holder.hold(angleToNeutral(inner)));
  text = text.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, '$1**$2**');
  text = text.replace(/(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])/g, '$1~~$2~~');
  return holder.restore(unescapeEntities(text));
}

/** Neutral text → Slack mrkdwn. */
export function neutralToSlack(neutral: string): string {
  const holder = new Holder();
  let text = neutral.replace(/```[^\n`]*\n([\s\S]*?)```|`([^`\n]+)`/g, (_, block: string | undefined, inline: string | undefined) =>
    holder.hold(block !== undefined ? `\`\`\`\n${escapeEntities(trimFenceNewlines(block))}\n\`\`\`` : `\`${escapeEntities(inline!)}\``),
  );
  text = text.replace(/<([@#])([A-Z0-9]+)(?:\|([^<>]*))?>/g, (_, sigil: string, id: string, label: string | undefined) =>
    holder.hold(label ? `<${sigil}${id}|${escapeEntities(label)}>` : `<${sigil}${id}>`),
  );
  text = text.replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (_, label: string, url: string) =>
    holder.hold(`<${escapeEntities(url)}|${escapeEntities(label)}>`),
  );
  text = text.replace(/\bhttps?:\/\/[^\s<>]+/g, (url: string) => holder.hold(escapeEntities(url)));
  text = escapeEntities(text);
  const BOLD = '\u0001';
  text = text.replace(/\*\*(?=\S)([^\n]*?\S)\*\*/g, `${BOLD}$1${BOLD}`);
  text = text.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, '$1_$2_');
  text = text.replace(/~~(?=\S)([^\n]*?\S)~~/g, '~$1~');
  text = text.replace(new RegExp(BOLD, 'g'), '*');
  return holder.restore(text);
}
