/**
 * Outbound Microsoft Graph calls (directory, team/channel members, chat messages posted with a
 * person's own token), each through the shared `OutboundPolicy`. App-only Graph tokens are
 * tenant-scoped client-credentials tokens from `config.teams.loginUrl`.
 */
import { AdapterError, AdapterErrorCode, type DirectoryPage, type WorkspaceRef } from '../../src/chat-adapter.js';
import type { AppConfig } from '../../src/config.js';
import { HttpStatusError, type OutboundPolicy } from '../../src/outbound.js';
import { ClientCredentialTokens } from './tokens.js';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const USER_FIELDS = 'id,displayName,mail,userPrincipalName,officeLocation,department,accountEnabled';

interface GraphUser {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  officeLocation?: string | null;
  department?: string | null;
  accountEnabled?: boolean | null;
}

/**
 * What an administrator must do when Graph refuses an app-only call: application permissions
 * only work once an administrator has consented to them for the tenant.
 */
export function missingApplicationPermission(what: string, url: string): string {
  const path = new URL(url).pathname;
  const permission = /\/channels\//.test(path)
    ? 'ChannelMember.ReadWrite.All'
    : /\/teams\//.test(path)
      ? 'TeamMember.ReadWrite.All'
      : 'User.Read.All';
  return `teams ${what}: Microsoft Graph answered 403; grant ${permission} (application) and admin consent in Microsoft Entra ID (App registrations → API permissions → Grant admin consent)`;
}

/** Graph client for one Crosstalk process (all tenants). */
export class GraphApi {
  private readonly appTokens = new Map<string, ClientCredentialTokens>();
  readonly base: string;

  constructor(
    private readonly teams: AppConfig['teams'],
    private readonly policy: OutboundPolicy,
    private readonly pageSize = 100,
  ) {
    this.base = teams.graphUrl.replace(/\/+$/, '');
  }

  /** An app-only token for the workspace's tenant (its own app credentials win over the bot's). */
  appToken(workspace: WorkspaceRef): ClientCredentialTokens {
    const clientId = workspace.credentials.clientId ?? this.teams.appId;
    const clientSecret = workspace.credentials.clientSecret ?? this.teams.appPassword;
    if (!clientId || !clientSecret) throw new AdapterError(AdapterErrorCode.InvalidToken, 'teams: no app credentials for Graph');
    const key = `${workspace.externalId}:${clientId}`;
    let tokens = this.appTokens.get(key);
    if (!tokens) {
      const tokenUrl = `${this.teams.loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(workspace.externalId)}/oauth2/v2.0/token`;
      tokens = new ClientCredentialTokens(this.policy, { tokenUrl, clientId, clientSecret, scope: GRAPH_SCOPE });
      this.appTokens.set(key, tokens);
    }
    return tokens;
  }

  /**
   * One Graph request; `token` is a string (user) or an app token source, which forgets a token
   * Graph refused so the next call fetches a new one.
   */
  async request<T>(
    key: string,
    what: string,
    method: string,
    url: string,
    token: string | ClientCredentialTokens,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    if (!url.startsWith(`${this.base}/`)) throw new AdapterError(AdapterErrorCode.BadRequest, `teams: refusing to send a token to ${new URL(url).origin}`);
    const bearer = typeof token === 'string' ? token : await token.get();
    try {
      const { status, body: answer } = await this.policy.fetchJson<T>(key, what, url, {
        method,
        headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status, body: answer };
    } catch (err) {
      const refused = err instanceof AdapterError && err.cause instanceof HttpStatusError ? err.cause : undefined;
      if (refused?.status === 401 && typeof token !== 'string') token.invalidate();
      if (refused?.status === 403 && typeof token !== 'string') {
        throw new AdapterError(AdapterErrorCode.Forbidden, missingApplicationPermission(what, url), { cause: refused });
      }
      throw err;
    }
  }

  /** One page of the tenant's users; `cursor` is Graph's `@odata.nextLink`. */
  async listUsers(workspace: WorkspaceRef, cursor?: string): Promise<DirectoryPage> {
    const url = cursor ?? `${this.base}/users?$top=${this.pageSize}&$select=${USER_FIELDS}`;
    const { body } = await this.request<{ value: GraphUser[]; '@odata.nextLink'?: string }>(
      `graph:${workspace.externalId}`,
      'list users',
      'GET',
      url,
      this.appToken(workspace),
    );
    return {
      users: body.value.map((u) => ({
        userId: u.id,
        email: (u.mail ?? u.userPrincipalName ?? undefined)?.toLowerCase(),
        name: u.displayName ?? u.userPrincipalName ?? u.id,
        deactivated: u.accountEnabled === false,
        isBot: false,
        buildings: u.officeLocation ? [u.officeLocation] : [],
        department: u.department ?? undefined,
      })),
      nextCursor: body['@odata.nextLink'],
    };
  }

  /**
   * Adds a person to a team (`conversationId` = team id) or a private/shared channel
   * (`teamId/channelId`); Graph's `owner` role is Crosstalk's manager.
   */
  async addMember(workspace: WorkspaceRef, conversationId: string, userId: string, role: 'member' | 'manager'): Promise<'added' | 'already_member'> {
    const slash = conversationId.indexOf('/');
    const teamId = slash < 0 ? conversationId : conversationId.slice(0, slash);
    const channelId = slash < 0 ? undefined : conversationId.slice(slash + 1);
    const path = channelId
      ? `/teams/${encodeURIComponent(teamId)}/channels/${encodeURIComponent(channelId)}/members`
      : `/teams/${encodeURIComponent(teamId)}/members`;
    try {
      await this.request(`graph:${workspace.externalId}`, 'add member', 'POST', `${this.base}${path}`, this.appToken(workspace), {
        '@odata.type': '#microsoft.graph.aadUserConversationMember',
        roles: role === 'manager' ? ['owner'] : [],
        'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${userId}')`,
      });
      return 'added';
    } catch (err) {
      if (err instanceof AdapterError && err.cause instanceof HttpStatusError && err.cause.status === 409) return 'already_member';
      throw err;
    }
  }

  /** The signed-in person (for a user token). */
  me(accessToken: string): Promise<{ status: number; body: GraphUser }> {
    return this.request('graph:me', 'read profile', 'GET', `${this.base}/me`, accessToken);
  }
}
