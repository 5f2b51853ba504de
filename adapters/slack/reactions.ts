/**
 * Emoji reactions through `reactions.add` / `reactions.remove`. Adding one that is already there,
 * or removing one that is not, counts as done: a relayed reaction may be retried.
 */
import { AdapterError, type MessageRef } from '../../src/chat-adapter.js';
import type { SlackApi } from './api.js';

const ALREADY_DONE = /already_reacted|no_reaction/;

/** Adds or removes `emoji` (`:name:` or `name`) on a message with `token`. */
export async function reactOnSlack(api: SlackApi, token: string, ref: MessageRef, emoji: string, added: boolean): Promise<void> {
  const name = emoji.replace(/^:|:$/g, '');
  const args = { channel: ref.conversationId, timestamp: ref.messageId, name };
  try {
    if (added) await api.call('reactions.add', () => api.client(token).reactions.add(args));
    else await api.call('reactions.remove', () => api.client(token).reactions.remove(args));
  } catch (err) {
    if (err instanceof AdapterError && ALREADY_DONE.test(err.message)) return;
    throw err;
  }
}
