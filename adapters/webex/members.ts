/**
 * Space membership beyond `addMember`: listing a space's members, removing someone a group sync
 * added, and finding a space by id or title. Webex deletes a membership by its id, so the
 * membership is looked up first (`GET /memberships?roomId=&personId=`), then
 * `DELETE /memberships/{id}`.
 *
 * Lookups, from the Webex REST reference (developer.webex.com/docs/api/v1/rooms and
 * …/memberships): `GET /rooms/{roomId}` gives `{id, title, type: direct|group, isLocked, …}` for a
 * room the caller is in (404 otherwise); `GET /rooms?type=group&max=` lists the caller's rooms,
 * paged by the `Link: <…>; rel="next"` header. "You must be a member of the room in order to list
 * its memberships or invite people"; in a locked (moderated) room only moderators may add people,
 * and nobody can be added to a 1:1 (`direct`) room.
 */
import { AdapterError, AdapterErrorCode, type ChannelInfo, type WorkspaceRef } from '../../src/chat-adapter.js';
import type { WebexApi } from './api.js';
import type { BotSession } from './sdk.js';

interface WebexMembership {
  id: string;
  personId: string;
  isModerator?: boolean;
}

interface WebexRoom {
  id: string;
  title?: string;
  type?: 'direct' | 'group';
  isLocked?: boolean;
}

const MEMBERS_PAGE_SIZE = 100;
const ROOMS_PAGE_SIZE = 100;
/** A guard against a room list that pages forever. */
const MAX_ROOM_PAGES = 200;

/** True for a Webex room id: base64 of `ciscospark://<region>/ROOM/<uuid>`. */
function isRoomId(text: string): boolean {
  if (!/^[A-Za-z0-9+/_-]{20,}={0,2}$/.test(text)) return false;
  return /^ciscospark:\/\/[a-z]+\/ROOM\//.test(Buffer.from(text, 'base64').toString('utf8'));
}

function nextLink(headers: Record<string, string | undefined>): string | undefined {
  return /<([^>]+)>;\s*rel="next"/.exec(headers.link ?? '')?.[1];
}

/** `removeMember`, `listMembers` and `findChannel` for the Webex adapter. */
export function webexMembers(api: WebexApi, apiUrl: string, session: (workspace?: WorkspaceRef) => Promise<BotSession>) {
  const base = apiUrl.replace(/\/+$/, '');

  /** Whether the bot can add and remove people in `room`. */
  async function roomInfo(s: BotSession, room: WebexRoom): Promise<ChannelInfo> {
    const info = { id: room.id, name: room.title ?? room.id };
    if (room.type === 'direct') return { ...info, canManage: false, detail: 'it is a 1:1 space; people can be added only to group spaces' };
    if (!room.isLocked) return { ...info, canManage: true };
    const mine = await api.asBot<{ items: WebexMembership[] }>(s, 'memberships.list', {
      uri: `${base}/memberships?roomId=${encodeURIComponent(room.id)}&personId=${encodeURIComponent(s.bot.id)}`,
    });
    if (mine.body.items?.[0]?.isModerator) return { ...info, canManage: true };
    return { ...info, canManage: false, detail: 'the space is moderated and the Crosstalk bot is not a moderator; make it one' };
  }

  return {
    /** A group space by id, or by title among the spaces the bot is in. */
    async findChannel(workspace: WorkspaceRef, reference: { id?: string; name?: string }): Promise<ChannelInfo | undefined> {
      const s = await session(workspace);
      if (reference.id !== undefined) {
        if (!isRoomId(reference.id)) return undefined;
        try {
          const room = await api.asBot<WebexRoom>(s, 'rooms.get', { resource: `rooms/${reference.id}` });
          return roomInfo(s, room.body);
        } catch (err) {
          if (err instanceof AdapterError && err.code === AdapterErrorCode.NotFound) return undefined;
          throw err;
        }
      }
      const wanted = (reference.name ?? '').trim().toLowerCase();
      let uri: string | undefined = `${base}/rooms?type=group&max=${ROOMS_PAGE_SIZE}`;
      for (let i = 0; uri && i < MAX_ROOM_PAGES; i++) {
        const page: { headers: Record<string, string | undefined>; body: { items?: WebexRoom[] } } = await api.asBot<{ items?: WebexRoom[] }>(s, 'rooms.list', { uri });
        const found = (page.body.items ?? []).find((r) => (r.title ?? '').trim().toLowerCase() === wanted);
        if (found) return roomInfo(s, found);
        const next = nextLink(page.headers);
        uri = next?.startsWith(`${base}/`) ? next : undefined;
      }
      return undefined;
    },

    async listMembers(workspace: WorkspaceRef, conversationId: string, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }> {
      const uri = cursor?.startsWith(`${base}/`) ? cursor : `${base}/memberships?roomId=${encodeURIComponent(conversationId)}&max=${MEMBERS_PAGE_SIZE}`;
      const res = await api.asBot<{ items: WebexMembership[] }>(await session(workspace), 'memberships.list', { uri });
      const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.link ?? '')?.[1];
      return { userIds: (res.body.items ?? []).map((m) => m.personId), ...(next ? { nextCursor: next } : {}) };
    },

    async removeMember(workspace: WorkspaceRef, conversationId: string, userId: string): Promise<'removed' | 'not_member'> {
      const s = await session(workspace);
      const query = `roomId=${encodeURIComponent(conversationId)}&${userId.includes('@') ? 'personEmail' : 'personId'}=${encodeURIComponent(userId)}`;
      const found = await api.asBot<{ items: WebexMembership[] }>(s, 'memberships.list', { uri: `${base}/memberships?${query}` });
      const membership = found.body.items?.[0];
      if (!membership) return 'not_member';
      try {
        await api.asBot(s, 'memberships.delete', { method: 'DELETE', resource: `memberships/${membership.id}` });
        return 'removed';
      } catch (err) {
        if (err instanceof AdapterError && err.code === AdapterErrorCode.NotFound) return 'not_member';
        throw err;
      }
    },
  };
}
