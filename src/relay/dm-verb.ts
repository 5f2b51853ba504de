/**
 * `dm <person> <message>`: sends a direct message to a colleague on whatever platform they work
 * on. Available to everyone; the same relay path as a message typed to someone's representation.
 */
import type { CommandSpec } from '../commands/registry.js';
import { UsageError } from '../commands/registry.js';
import { stripCommandPrefix } from '../commands/tokenize.js';
import { resolvePerson } from '../people/resolve.js';
import type { RelayEngine } from './delivery.js';
import { relayMessage, whereLabel } from './router.js';

/** Splits `dm <person> <text>` into the person token and the untouched message text. */
export function splitDmLine(raw: string): { person: string; text: string } | undefined {
  const line = stripCommandPrefix(raw).replace(/^dm\b\s*/i, '');
  if (!line) return undefined;
  const first = line[0];
  let end: number;
  if (first === '"' || first === "'" || first === '“') {
    const close = line.indexOf(first === '“' ? '”' : first, 1);
    if (close < 0) return undefined;
    return { person: line.slice(1, close), text: line.slice(close + 1).trim() };
  }
  if (first === '<') end = line.indexOf('>') + 1;
  else end = line.search(/\s/);
  if (end <= 0) return { person: line, text: '' };
  return { person: line.slice(0, end), text: line.slice(end).trim() };
}

/** The `dm` verb, sending through the service's delivery engine. */
export const dmVerb = (engine: RelayEngine): CommandSpec => ({
  path: ['dm'],
  usage: 'dm <person> <message>',
  summary: 'send a direct message to a colleague on another platform',
  admin: false,
  async run(ctx, { words }) {
    const raw = ctx.event.kind === 'command' || ctx.event.kind === 'message' ? ctx.event.text : words.join(' ');
    const parts = splitDmLine(raw);
    if (!parts?.person) throw new UsageError('name the person to message');
    if (!parts.text) throw new UsageError('write the message after the person');
    if (!ctx.person || !ctx.account) {
      return 'I could not find your account in the directory yet (it may have no email). Ask an admin to run `/crosstalk directory sync`.';
    }
    const recipient = await resolvePerson(ctx.organization._id, ctx.workspace._id, parts.person);
    const event = ctx.event;
    const result = await relayMessage(
      engine,
      { workspace: ctx.workspace, account: ctx.account, person: ctx.person },
      { recipient },
      { conversationId: event.conversationId, messageId: `dm:${event.eventId}`, text: parts.text },
    );
    if (!result.ok) return result.message;
    return `On its way to **${recipient.name}** on ${whereLabel(result.recipientWorkspace)}. Their replies come back to you here.`;
  },
});
