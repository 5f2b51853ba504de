/**
 * A neutral outbound message → Slack message fields: mrkdwn `text` (also the notification
 * fallback) and, when there are buttons, Block Kit section + actions blocks.
 */
import type { OutboundMessage } from '../../src/chat-adapter.js';
import { neutralToSlack } from './format.js';
import { LINK_ACTION_PREFIX } from './parse.js';

const SECTION_LIMIT = 3000;
const BUTTON_LABEL_LIMIT = 75;
const BUTTONS_PER_BLOCK = 25;

/** `text` and optional `blocks` for chat.postMessage / chat.update / ack / respond. */
export function toSlackMessage(message: OutboundMessage): { text: string; blocks?: Array<Record<string, unknown>> } {
  const text = neutralToSlack(message.text);
  if (!message.buttons?.length) return { text };
  const blocks: Array<Record<string, unknown>> = [];
  for (let i = 0; i < text.length; i += SECTION_LIMIT) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: text.slice(i, i + SECTION_LIMIT) } });
  }
  const elements = message.buttons.map((b, i) => ({
    type: 'button',
    text: { type: 'plain_text', text: b.label.slice(0, BUTTON_LABEL_LIMIT), emoji: true },
    action_id: b.url ? `${LINK_ACTION_PREFIX}${i}` : (b.actionId ?? `action:${i}`),
    ...(b.url ? { url: b.url } : {}),
    ...(b.value !== undefined ? { value: b.value } : {}),
    ...(b.style ? { style: b.style } : {}),
  }));
  for (let i = 0; i < elements.length; i += BUTTONS_PER_BLOCK) {
    blocks.push({ type: 'actions', elements: elements.slice(i, i + BUTTONS_PER_BLOCK) });
  }
  return { text, blocks };
}
