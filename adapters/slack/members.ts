/**
 * Channel membership beyond `addMember`: removing someone a group sync added
 * (`conversations.kick`), listing a channel's members (`conversations.members`) page by page, and
 * finding a channel by id or name (`conversations.info`, `conversations.list`) with whether the
 * bot can manage its members.
 *
 * What `conversations.invite`/`kick` need (Slack method reference, docs.slack.dev
 * `conversations.invite`: bot scopes `channels:manage` for public and `groups:write` for private
 * channels; errors `not_in_channel` "Authenticated user is not in the channel", `is_archived`,
 * `method_not_supported_for_channel_type`): the bot must be a member, must hold the scope for the
 * channel's kind, and the channel must be a live public or private channel.
 * `conversations.info` answers `channel_not_found` for a private channel the bot is not in;
 * `conversations.list` takes `types=public_channel,private_channel`, `exclude_archived`, `limit`
 * and `cursor` (from `response_metadata.next_cursor`), and shows private channels only to members.
 */
import type { ChannelInfo, WorkspaceRef } from '../../src/chat-adapter.js';
import { toAdapterError, type SlackApi } from './api.js';

const MEMBERS_PAGE_SIZE = 200;
const CHANNELS_PAGE_SIZE = 200;
/** A guard against a channel list that pages forever. */
const MAX_CHANNEL_PAGES = 200;
/** Slack conversation ids: C (public), G (private, legacy) or D (DM), then upper-case alphanumerics. */
const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

interface SlackChannel {
  id?: string;
  name?: string;
  is_channel?: boolean;
  is_group?: boolean;
  is_im?: boolean;
  is_mpim?: boolean;
  is_private?: boolean;
  is_archived?: boolean;
  is_member?: boolean;
}

function slackError(err: unknown): string | undefined {
  return (err as { data?: { error?: string } }).data?.error;
}

/** Whether the bot can invite and kick in `channel`, given its granted scopes. */
export function slackChannelInfo(channel: SlackChannel, scopes: string[] | undefined): ChannelInfo {
  const id = channel.id ?? '';
  const name = channel.name ? `#${channel.name}` : id;
  const base = { id, name };
  if (channel.is_im || channel.is_mpim) return { ...base, canManage: false, detail: 'it is a direct message, not a channel' };
  if (channel.is_archived) return { ...base, canManage: false, detail: 'the channel is archived' };
  const isPrivate = channel.is_private === true || channel.is_group === true;
  const scope = isPrivate ? 'groups:write' : 'channels:manage';
  // `x-oauth-scopes` is absent on some proxies; then the invite itself will tell.
  if (scopes && !scopes.includes(scope) && !scopes.includes('channels:write')) {
    return { ...base, canManage: false, detail: `the Crosstalk app lacks the ${scope} scope; reinstall it with the current manifest` };
  }
  if (!channel.is_member) return { ...base, canManage: false, detail: `the Crosstalk app is not in ${name}; add it there with /invite @Crosstalk` };
  return { ...base, canManage: true };
}

/** `removeMember`, `listMembers` and `findChannel` for the Slack adapter. */
export function slackMembers(api: SlackApi, botTokenFor: (workspace: WorkspaceRef) => Promise<string>) {
  return {
    async removeMember(workspace: WorkspaceRef, conversationId: string, userId: string): Promise<'removed' | 'not_member'> {
      const token = await botTokenFor(workspace);
      try {
        await api.client(token).conversations.kick({ channel: conversationId, user: userId });
        return 'removed';
      } catch (err) {
        if (slackError(err) === 'not_in_channel') return 'not_member';
        throw toAdapterError('conversations.kick', err);
      }
    },

    async listMembers(workspace: WorkspaceRef, conversationId: string, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }> {
      const token = await botTokenFor(workspace);
      const res = await api.call('conversations.members', () =>
        api.client(token).conversations.members({ channel: conversationId, limit: MEMBERS_PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
      );
      const next = res.response_metadata?.next_cursor;
      return { userIds: res.members ?? [], ...(next ? { nextCursor: next } : {}) };
    },

    /** A channel by id (`conversations.info`) or by name among the channels the bot can see (`conversations.list`). */
    async findChannel(workspace: WorkspaceRef, reference: { id?: string; name?: string }): Promise<ChannelInfo | undefined> {
      const client = api.client(await botTokenFor(workspace));
      if (reference.id !== undefined) {
        if (!CHANNEL_ID.test(reference.id)) return undefined;
        try {
          const res = await client.conversations.info({ channel: reference.id });
          return res.channel ? slackChannelInfo(res.channel as SlackChannel, res.response_metadata?.scopes) : undefined;
        } catch (err) {
          if (slackError(err) === 'channel_not_found') return undefined;
          if (slackError(err) === 'missing_scope') {
            const needed = (err as { data?: { needed?: string } }).data?.needed ?? 'channels:read';
            return { id: reference.id, name: reference.id, canManage: false, detail: `the Crosstalk app lacks the ${needed} scope; reinstall it with the current manifest` };
          }
          throw toAdapterError('conversations.info', err);
        }
      }
      const wanted = (reference.name ?? '').trim().replace(/^#/, '').toLowerCase();
      let cursor: string | undefined;
      for (let i = 0; i < MAX_CHANNEL_PAGES; i++) {
        const res = await api.call('conversations.list', () =>
          client.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: CHANNELS_PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
        );
        const found = (res.channels ?? []).find((c) => (c.name ?? '').toLowerCase() === wanted);
        if (found) return slackChannelInfo(found as SlackChannel, res.response_metadata?.scopes);
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!cursor) return undefined;
      }
      return undefined;
    },
  };
}
