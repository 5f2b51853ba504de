/**
 * `GET /v2/chat/users/me/messages` of the Zoom simulator, from Zoom's reference ("List user's chat
 * messages", https://developers.zoom.us/docs/api/team-chat/#tag/chat-messages/GET/chat/users/{userId}/messages):
 * a user token lists the messages between its owner and one contact (`to_contact`: user id or
 * email) or in one channel (`to_channel`), one of the two required; `from`/`to` (date-time) bound
 * the window, else `date` (a day, default today); `page_size` up to 50 (default 10);
 * the answer is `{from, to, page_size, next_page_token, messages:[{id, message, sender, sender_display_name,
 * date_time, timestamp, reply_main_message_id}]}`, newest first. Errors are Zoom's `{code, message}`.
 */
import type { Request, Response } from 'express';
import type { ZoomSimAccount, ZoomSimUser, ZoomSimUserMessage } from './server.js';

/** What the route needs of the simulator. */
export interface UserMessageListHost {
  /** The token's account and owner, or undefined once an error was answered. */
  caller(req: Request, res: Response): { account: ZoomSimAccount; me: ZoomSimUser } | undefined;
  findUser(account: ZoomSimAccount, idOrEmail: string): ZoomSimUser | undefined;
  messages(): Iterable<ZoomSimUserMessage>;
  fail(res: Response, status: number, code: number, message: string): void;
}

const MAX_PAGE = 50;

/** Answers one `GET /v2/chat/users/me/messages`. */
export function listUserMessages(host: UserMessageListHost, req: Request, res: Response): void {
  const ctx = host.caller(req, res);
  if (!ctx) return;
  const q = req.query as Record<string, string | undefined>;
  if (!!q.to_contact === !!q.to_channel) return host.fail(res, 400, 300, 'Either to_contact or to_channel is required.');
  const pageSize = q.page_size === undefined ? 10 : Number(q.page_size);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE) return host.fail(res, 400, 300, `page_size must be between 1 and ${MAX_PAGE}.`);
  let contact: ZoomSimUser | undefined;
  if (q.to_contact) {
    contact = host.findUser(ctx.account, q.to_contact);
    if (!contact) return host.fail(res, 404, 1001, `User does not exist: ${q.to_contact}.`);
  } else {
    const channel = ctx.account.channels.get(q.to_channel!);
    if (!channel) return host.fail(res, 404, 4130, `Channel does not exist: ${q.to_channel}.`);
    if (!channel.members.has(ctx.me.id)) return host.fail(res, 403, 4130, 'You are not a member of this channel.');
  }
  const day = q.date ?? new Date().toISOString().slice(0, 10);
  const from = q.from ? Date.parse(q.from) : Date.parse(`${day}T00:00:00Z`);
  const to = q.to ? Date.parse(q.to) : Date.parse(`${day}T23:59:59.999Z`);
  if (Number.isNaN(from) || Number.isNaN(to)) return host.fail(res, 400, 300, 'Invalid from, to or date.');
  const me = ctx.me.id;
  const mine = [...host.messages()].filter((m) => {
    if (m.deleted || m.accountId !== ctx.account.accountId) return false;
    const at = m.sentAt.getTime();
    if (at < from || at > to) return false;
    if (contact) return (m.senderId === me && m.toContact === contact.id) || (m.senderId === contact.id && m.toContact === me);
    return m.toChannel === q.to_channel;
  });
  mine.sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime());
  const offset = q.next_page_token ? Number(Buffer.from(q.next_page_token, 'base64url').toString()) || 0 : 0;
  const slice = mine.slice(offset, offset + pageSize);
  const more = offset + pageSize < mine.length;
  const people = new Map(ctx.account.users.map((u) => [u.id, u]));
  res.json({
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    page_size: pageSize,
    next_page_token: more ? Buffer.from(String(offset + pageSize)).toString('base64url') : '',
    messages: slice.map((m) => {
      const sender = people.get(m.senderId);
      return {
        id: m.id,
        message: m.message,
        sender: sender?.email ?? '',
        sender_display_name: sender?.displayName ?? '',
        date_time: m.sentAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        timestamp: m.sentAt.getTime(),
        ...(m.replyMainMessageId ? { reply_main_message_id: m.replyMainMessageId } : {}),
        ...(m.richText ? { rich_text: m.richText } : {}),
        ...(m.atItems ? { at_items: m.atItems } : {}),
      };
    }),
  });
}
