/**
 * Neutral text (the bot's replies) → HTML for the admin page: code blocks, inline code, bold,
 * italics and links; everything else escaped.
 */
import { escapeHtml, SafeHtml } from '../http/pages.js';

/** Renders a bot reply as HTML. */
export function neutralToHtml(text: string): SafeHtml {
  const slots: string[] = [];
  const hold = (h: string) => `\u0000${slots.push(h) - 1}\u0000`;
  let s = text.replace(/```\n?([\s\S]*?)\n?```/g, (_m, code: string) => hold(`<pre>${escapeHtml(code)}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_m, code: string) => hold(`<code>${escapeHtml(code)}</code>`));
  s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, (_m, label: string, url: string) => hold(`<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`));
  s = escapeHtml(s)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?:;])/g, '$1<em>$2</em>')
    .replace(/\n/g, '<br>');
  return new SafeHtml(s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => slots[Number(i)]));
}
