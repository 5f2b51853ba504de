/**
 * Channel membership on Zoom Team Chat: adding someone (and promoting them to channel admin for
 * role `manager`), listing a channel's members, removing someone a group sync added, and finding a
 * channel by id or name. `conversationId` is a channel id or channel JID.
 *
 * Paths, from the Zoom Team Chat API reference (endpoint inventory of
 * https://developers.zoom.us/api-hub/team-chat/methods/endpoints.json; Rivet `Team_Chat` types):
 * - `GET /chat/channels` — list account's public channels (`getAccountChannels`):
 *   `{channels:[{id,jid,name,type,…}],next_page_token,page_size,total_records}`.
 * - `GET /chat/channels/{channelId}` — get a channel (`getUserLevelChannel`).
 * - `GET|POST /chat/channels/{channelId}/members` — list / invite members; invite takes
 *   `{members:[{email}]}` and answers `{ids,member_ids,added_at}` with only the ids it added.
 * - `DELETE /chat/channels/{channelId}/members/{identifier}` — remove a member (id, member id or email).
 * - `POST /chat/users/{userId}/channels/{channelId}/admins` — promote members to administrators
 *   (`promoteChannelMembersAsAdmin`), body `{admins:[{email}|{member_id}]}`, answer
 *   `{ids,member_ids,added_at}`. `{userId}` is the channel's owner (Rivet
 *   `ChatChannelsAccountLevelPromoteChannelMembersToAdministratorsPathParams` takes both ids).
 *   There is no `/chat/channels/{channelId}/admins`.
 */
import { AdapterError, AdapterErrorCode, type ChannelInfo, type WorkspaceRef } from '../../src/chat-adapter.js';
import type { Logger } from '../../src/log.js';
import type { ZoomApi } from './api.js';
import { bareJid } from './parse.js';

const MEMBERS_PAGE_SIZE = 100;
const CHANNELS_PAGE_SIZE = 100;
/** A guard against a channel list that pages forever. */
const MAX_CHANNEL_PAGES = 200;

interface ZoomChannel {
  id: string;
  jid?: string;
  name?: string;
  type?: number;
}

interface ZoomMember {
  id: string;
  email?: string;
  role?: 'owner' | 'admin' | 'member';
}

function channelIdOf(conversationId: string): string {
  return bareJid(conversationId).split('@')[0]!;
}

function isNotFound(err: unknown): boolean {
  return (err instanceof AdapterError && err.code === AdapterErrorCode.NotFound) || (err as { status?: number })?.status === 404;
}

/** Membership methods of the Zoom adapter. */
export function zoomMembers(api: ZoomApi, log?: Logger) {
  async function call<T>(workspace: WorkspaceRef, what: string, method: string, path: string, init?: { body?: unknown; query?: Record<string, string | undefined> }): Promise<T> {
    const { token } = await api.accountToken(workspace);
    return api.request<T>(workspace.externalId, what, token, method, path, init);
  }

  async function membersPage(workspace: WorkspaceRef, channelId: string, cursor?: string) {
    return call<{ members?: ZoomMember[]; next_page_token?: string }>(workspace, 'list channel members', 'GET', `/chat/channels/${encodeURIComponent(channelId)}/members`, {
      query: { page_size: String(MEMBERS_PAGE_SIZE), next_page_token: cursor || undefined },
    });
  }

  /** The channel owner's user id: promotion is addressed on the owner's behalf. */
  async function ownerOf(workspace: WorkspaceRef, channelId: string): Promise<string> {
    let cursor: string | undefined;
    for (let i = 0; i < MAX_CHANNEL_PAGES; i++) {
      const page = await membersPage(workspace, channelId, cursor);
      const owner = (page.members ?? []).find((m) => m.role === 'owner');
      if (owner) return owner.id;
      cursor = page.next_page_token || undefined;
      if (!cursor) break;
    }
    throw new AdapterError(AdapterErrorCode.NotFound, `zoom: channel ${channelId} has no owner to promote members on behalf of`);
  }

  return {
    /**
     * Invites by email; `manager` then promotes to channel admin. The invite is what makes the
     * person a member: when only the promotion fails, the add still counts (and is logged), so
     * the person is recorded and `group undo` removes them.
     */
    async addMember(workspace: WorkspaceRef, conversationId: string, userId: string, role: 'member' | 'manager'): Promise<'added' | 'already_member'> {
      const channelId = channelIdOf(conversationId);
      const user = await api.getUser(workspace, userId);
      if (!user.email) throw new AdapterError(AdapterErrorCode.BadRequest, `zoom: user ${userId} has no email to invite`);
      const added = await call<{ ids?: string }>(workspace, 'add channel members', 'POST', `/chat/channels/${encodeURIComponent(channelId)}/members`, {
        body: { members: [{ email: user.email }] },
      });
      const wasAdded = (added.ids ?? '').split(',').includes(user.id);
      if (role === 'manager') {
        try {
          const owner = await ownerOf(workspace, channelId);
          const promoted = await call<{ ids?: string }>(
            workspace,
            'promote channel admins',
            'POST',
            `/chat/users/${encodeURIComponent(owner)}/channels/${encodeURIComponent(channelId)}/admins`,
            { body: { admins: [{ email: user.email }] } },
          );
          if ((promoted.ids ?? '').split(',').includes(user.id)) return 'added';
        } catch (err) {
          log?.warn({ err, workspace: workspace.externalId, channelId, userId }, 'zoom: member invited but not promoted to channel admin');
        }
      }
      return wasAdded ? 'added' : 'already_member';
    },

    async listMembers(workspace: WorkspaceRef, conversationId: string, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }> {
      const page = await membersPage(workspace, channelIdOf(conversationId), cursor);
      return { userIds: (page.members ?? []).map((m) => m.id), ...(page.next_page_token ? { nextCursor: page.next_page_token } : {}) };
    },

    async removeMember(workspace: WorkspaceRef, conversationId: string, userId: string): Promise<'removed' | 'not_member'> {
      try {
        await call(workspace, 'remove channel member', 'DELETE', `/chat/channels/${encodeURIComponent(channelIdOf(conversationId))}/members/${encodeURIComponent(userId)}`);
        return 'removed';
      } catch (err) {
        if (isNotFound(err)) return 'not_member';
        throw err;
      }
    },

    /**
     * A channel by id or JID, else by name among the account's public channels. The account
     * token (`chat_channel:write:admin`) manages any channel's members.
     */
    async findChannel(workspace: WorkspaceRef, reference: { id?: string; name?: string }): Promise<ChannelInfo | undefined> {
      if (reference.id) {
        try {
          const c = await call<ZoomChannel>(workspace, 'get channel', 'GET', `/chat/channels/${encodeURIComponent(channelIdOf(reference.id))}`);
          return { id: c.id, name: c.name ?? c.id, canManage: true };
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      }
      const wanted = (reference.name ?? '').trim().toLowerCase();
      let cursor: string | undefined;
      for (let i = 0; i < MAX_CHANNEL_PAGES; i++) {
        const page = await call<{ channels?: ZoomChannel[]; next_page_token?: string }>(workspace, 'list channels', 'GET', '/chat/channels', {
          query: { page_size: String(CHANNELS_PAGE_SIZE), next_page_token: cursor },
        });
        const found = (page.channels ?? []).find((c) => (c.name ?? '').toLowerCase() === wanted);
        if (found) return { id: found.id, name: found.name ?? found.id, canManage: true };
        cursor = page.next_page_token || undefined;
        if (!cursor) return undefined;
      }
      return undefined;
    },
  };
}
