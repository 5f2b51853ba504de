/**
 * Team and channel membership beyond `addMember`: listing members, removing someone a group sync
 * added, and finding a team or channel by id or name. Graph removes a member by its
 * conversationMember id, so the member is looked up first by user id. `conversationId` is a team
 * id, or `teamId/channelId` for a private or shared channel (the form `addMember` takes).
 *
 * Lookups, from the Microsoft Graph v1.0 reference (learn.microsoft.com/graph/api/…):
 * - `GET /teams/{team-id}` (team-get): `{id, displayName, isArchived, …}`; 404 `NotFound` otherwise.
 * - `GET /teams?$filter=displayName eq '…'` (teams-list, application permission
 *   `Team.ReadBasic.All`; `$filter`, `$select`, `$top`, `$skiptoken`; only `id`, `displayName`,
 *   `description` and `visibility` are filled in), paged by `@odata.nextLink`.
 * - `GET /teams/{team-id}/channels/{channel-id}` (channel-get) and
 *   `GET /teams/{team-id}/channels?$filter=displayName eq '…'` (channel-list):
 *   `{id, displayName, membershipType: standard|private|shared}`.
 * Members can be added only to a team or to a private or shared channel (channel-post-members:
 * a standard channel's members are its team's); an archived team is read-only (team-archive).
 */
import { AdapterError, AdapterErrorCode, type ChannelInfo, type WorkspaceRef } from '../../src/chat-adapter.js';
import type { GraphApi } from './api.js';

interface GraphTeam {
  id: string;
  displayName?: string | null;
  isArchived?: boolean | null;
}

interface GraphChannel {
  id: string;
  displayName?: string | null;
  membershipType?: 'standard' | 'private' | 'shared' | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Teams channel ids: `19:…@thread.tacv2` (or the older `@thread.skype`). */
const CHANNEL_ID = /^19:[^/\s]+@thread\.[a-z0-9]+$/i;
/** A guard against a list that pages forever. */
const MAX_PAGES = 100;

/** An OData string literal: single quotes doubled. */
function odataString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function isNotFound(err: unknown): boolean {
  return err instanceof AdapterError && err.code === AdapterErrorCode.NotFound;
}

interface GraphMember {
  id: string;
  userId?: string | null;
  roles?: string[];
}

function membersPath(conversationId: string): string {
  const slash = conversationId.indexOf('/');
  if (slash < 0) return `/teams/${encodeURIComponent(conversationId)}/members`;
  return `/teams/${encodeURIComponent(conversationId.slice(0, slash))}/channels/${encodeURIComponent(conversationId.slice(slash + 1))}/members`;
}

/** `removeMember`, `listMembers` and `findChannel` for the Teams adapter. */
export function teamsMembers(graph: GraphApi) {
  async function page(workspace: WorkspaceRef, conversationId: string, cursor?: string) {
    const url = cursor ?? `${graph.base}${membersPath(conversationId)}`;
    const { body } = await graph.request<{ value: GraphMember[]; '@odata.nextLink'?: string }>(
      `graph:${workspace.externalId}`,
      'list members',
      'GET',
      url,
      graph.appToken(workspace),
    );
    return body;
  }

  async function get<T>(workspace: WorkspaceRef, what: string, path: string): Promise<T | undefined> {
    try {
      return (await graph.request<T>(`graph:${workspace.externalId}`, what, 'GET', `${graph.base}${path}`, graph.appToken(workspace))).body;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async function findInPages<T>(workspace: WorkspaceRef, what: string, path: string, match: (item: T) => boolean): Promise<T | undefined> {
    let url: string | undefined = `${graph.base}${path}`;
    for (let i = 0; url && i < MAX_PAGES; i++) {
      const { body }: { body: { value?: T[]; '@odata.nextLink'?: string } } = await graph.request(`graph:${workspace.externalId}`, what, 'GET', url, graph.appToken(workspace));
      const found = (body.value ?? []).find(match);
      if (found) return found;
      url = body['@odata.nextLink'];
    }
    return undefined;
  }

  /** The full team (the list answer leaves `isArchived` empty). */
  const getTeam = (workspace: WorkspaceRef, teamId: string) => get<GraphTeam>(workspace, 'get team', `/teams/${encodeURIComponent(teamId)}`);

  async function teamNamed(workspace: WorkspaceRef, name: string): Promise<GraphTeam | undefined> {
    if (!name) return undefined;
    const listed = await findInPages<GraphTeam>(
      workspace,
      'list teams',
      `/teams?$filter=${encodeURIComponent(`displayName eq ${odataString(name)}`)}&$select=id,displayName`,
      (t) => (t.displayName ?? '').toLowerCase() === name.toLowerCase(),
    );
    return listed ? getTeam(workspace, listed.id) : undefined;
  }

  function teamInfo(team: GraphTeam): ChannelInfo {
    const name = team.displayName ?? team.id;
    if (team.isArchived) return { id: team.id, name, canManage: false, detail: 'the team is archived (read-only); unarchive it first' };
    return { id: team.id, name, canManage: true };
  }

  function channelInfo(team: GraphTeam, channel: GraphChannel): ChannelInfo {
    const info = { id: `${team.id}/${channel.id}`, name: `${team.displayName ?? team.id} / ${channel.displayName ?? channel.id}` };
    if (team.isArchived) return { ...info, canManage: false, detail: 'the team is archived (read-only); unarchive it first' };
    if (channel.membershipType !== 'private' && channel.membershipType !== 'shared') {
      return { ...info, canManage: false, detail: `it is a standard channel, whose members are the team's: name the team ${team.displayName ?? team.id} instead` };
    }
    return { ...info, canManage: true };
  }

  return {
    async listMembers(workspace: WorkspaceRef, conversationId: string, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }> {
      const body = await page(workspace, conversationId, cursor);
      const userIds = body.value.map((m) => m.userId).filter((id): id is string => Boolean(id));
      return { userIds, ...(body['@odata.nextLink'] ? { nextCursor: body['@odata.nextLink'] } : {}) };
    },

    /**
     * A team by id or display name, or a private/shared channel by `teamId/channelId` or
     * `Team name/Channel name`. With application permissions the app manages any team's members.
     */
    async findChannel(workspace: WorkspaceRef, reference: { id?: string; name?: string }): Promise<ChannelInfo | undefined> {
      if (reference.id !== undefined) {
        const slash = reference.id.indexOf('/');
        const teamId = slash < 0 ? reference.id : reference.id.slice(0, slash);
        const channelId = slash < 0 ? undefined : reference.id.slice(slash + 1);
        if (!GUID.test(teamId) || (channelId !== undefined && !CHANNEL_ID.test(channelId))) return undefined;
        const team = await getTeam(workspace, teamId);
        if (!team) return undefined;
        if (channelId === undefined) return teamInfo(team);
        const channel = await get<GraphChannel>(workspace, 'get channel', `/teams/${encodeURIComponent(teamId)}/channels/${encodeURIComponent(channelId)}`);
        return channel ? channelInfo(team, channel) : undefined;
      }
      const name = (reference.name ?? '').trim();
      const team = await teamNamed(workspace, name);
      if (team) return teamInfo(team);
      const slash = name.lastIndexOf('/');
      if (slash <= 0) return undefined;
      const parent = await teamNamed(workspace, name.slice(0, slash).trim());
      if (!parent) return undefined;
      const wanted = name.slice(slash + 1).trim();
      const channel = await findInPages<GraphChannel>(
        workspace,
        'list channels',
        `/teams/${encodeURIComponent(parent.id)}/channels?$filter=${encodeURIComponent(`displayName eq ${odataString(wanted)}`)}`,
        (c) => (c.displayName ?? '').toLowerCase() === wanted.toLowerCase(),
      );
      return channel ? channelInfo(parent, channel) : undefined;
    },

    async removeMember(workspace: WorkspaceRef, conversationId: string, userId: string): Promise<'removed' | 'not_member'> {
      let cursor: string | undefined;
      let member: GraphMember | undefined;
      do {
        const body = await page(workspace, conversationId, cursor);
        member = body.value.find((m) => m.userId === userId);
        cursor = body['@odata.nextLink'];
      } while (!member && cursor);
      if (!member) return 'not_member';
      try {
        await graph.request(
          `graph:${workspace.externalId}`,
          'remove member',
          'DELETE',
          `${graph.base}${membersPath(conversationId)}/${encodeURIComponent(member.id)}`,
          graph.appToken(workspace),
        );
        return 'removed';
      } catch (err) {
        if (err instanceof AdapterError && err.code === AdapterErrorCode.NotFound) return 'not_member';
        throw err;
      }
    },
  };
}
