/**
 * Outbound Zoom REST calls, every one through the shared `OutboundPolicy.fetchJson`.
 *
 * Three kinds of token, from two apps:
 * - the chatbot token of the Team Chat (General) app (`grant_type=client_credentials`, scope
 *   `imchat:bot`) for `/im/chat/messages`;
 * - a person's own user token of the same app (user sync) for `/chat/users/me/messages`;
 * - an account token (`grant_type=account_credentials&account_id=…`) for the admin APIs (`/users`,
 *   channel members and admins). Zoom grants it only to a Server-to-Server OAuth app, never to a
 *   General app (https://developers.zoom.us/docs/internal-apps/s2s-oauth/), so it comes from the
 *   optional `ZOOM_S2S_*` app; without one those APIs are unavailable and say so.
 * App-level tokens are cached until shortly before they expire and fetched once even when many
 * sends start together; a 401 (Zoom code 124) drops the cached token and retries once.
 */
import { AdapterError, AdapterErrorCode, type WorkspaceRef } from '../../src/chat-adapter.js';
import { ZOOM } from '../../manifests/source.js';
import type { Logger } from '../../src/log.js';
import { HttpStatusError, type OutboundPolicy } from '../../src/outbound.js';
import type { ZoomAtItem, ZoomRichTextRange } from './format.js';

/** App credentials; a workspace may carry its own (`credentials.clientId/clientSecret/botJid`). */
export interface ZoomAppCredentials {
  clientId: string;
  clientSecret: string;
  botJid: string;
}

/** A Server-to-Server OAuth app: internal to one account, so it names that account. */
export interface ZoomS2sCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

/** A chatbot message card. */
export interface ZoomCardContent {
  head?: { text: string; sub_head?: { text: string } };
  body: Array<Record<string, unknown> & { type: string }>;
}

/** A Zoom user as `GET /users` lists it. */
export interface ZoomApiUser {
  id: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  display_name?: string;
  status?: string;
  dept?: string;
  location?: string;
  pic_url?: string;
  account_id?: string;
  jid?: string;
}

/** A token grant as `/oauth/token` answers it. */
export interface ZoomTokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  api_url?: string;
}

interface CachedToken {
  token: string;
  scopes: string[];
  expiresAt: number;
}

/** Refresh this long before Zoom's expiry so a token never dies mid-request. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/** Options of `ZoomApi`. */
export interface ZoomApiOptions {
  apiUrl: string;
  oauthUrl: string;
  defaults: Partial<ZoomAppCredentials>;
  /** The configured Server-to-Server OAuth app (`ZOOM_S2S_*`), if any. */
  s2s?: ZoomS2sCredentials;
  policy: OutboundPolicy;
  log: Logger;
  now?: () => number;
}

/** The Zoom REST client used by the adapter. */
export class ZoomApi {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();
  private readonly now: () => number;

  constructor(private readonly opts: ZoomApiOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The workspace's app credentials, falling back to the configured app. */
  credentials(workspace: WorkspaceRef): ZoomAppCredentials {
    const c = workspace.credentials ?? {};
    const clientId = c.clientId ?? this.opts.defaults.clientId;
    const clientSecret = c.clientSecret ?? this.opts.defaults.clientSecret;
    const botJid = c.botJid ?? this.opts.defaults.botJid;
    if (!clientId || !clientSecret || !botJid) {
      throw new AdapterError(AdapterErrorCode.InvalidToken, `zoom: no app credentials for account ${workspace.externalId}`);
    }
    return { clientId, clientSecret, botJid };
  }

  // ---- tokens -------------------------------------------------------------------------------

  /** POST `/oauth/token` with Basic auth and a form body. */
  async tokenRequest(creds: Pick<ZoomAppCredentials, 'clientId' | 'clientSecret'>, form: Record<string, string>, key = 'oauth'): Promise<ZoomTokenResponse> {
    const url = `${this.opts.oauthUrl.replace(/\/+$/, '')}/oauth/token`;
    try {
      const { body } = await this.opts.policy.fetchJson<ZoomTokenResponse>(key, `token ${form.grant_type}`, url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(form),
      });
      return body;
    } catch (err) {
      const refused = failure(err);
      if (refused?.status === 400 || refused?.status === 401) {
        throw new AdapterError(AdapterErrorCode.InvalidToken, `zoom token ${form.grant_type} refused: HTTP ${refused.status} ${reasonOf(refused.body)}`);
      }
      throw err;
    }
  }

  private entry(r: ZoomTokenResponse): CachedToken {
    return { token: r.access_token, scopes: r.scope.split(/\s+/).filter(Boolean), expiresAt: this.now() + r.expires_in * 1000 };
  }

  private async cached(key: string, fetchToken: () => Promise<ZoomTokenResponse>, fresh = false): Promise<CachedToken> {
    if (fresh) return this.entry(await fetchToken());
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt - EXPIRY_MARGIN_MS > this.now()) return hit;
    const running = this.inflight.get(key);
    if (running) return running;
    const p = fetchToken()
      .then((r) => {
        const entry = this.entry(r);
        this.cache.set(key, entry);
        return entry;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** The chatbot token for the workspace's app; `fresh` skips the cache (health checks). */
  async botToken(workspace: WorkspaceRef, fresh = false): Promise<CachedToken> {
    const creds = this.credentials(workspace);
    return this.cached(`bot:${creds.clientId}`, () => this.tokenRequest(creds, { grant_type: 'client_credentials' }, workspace.externalId), fresh);
  }

  /**
   * The Server-to-Server OAuth app of the workspace's account: the workspace's own
   * (`credentials.s2sClientId/s2sClientSecret`), else the configured one when it belongs to this account.
   */
  s2sCredentials(workspace: WorkspaceRef): ZoomS2sCredentials {
    const c = workspace.credentials ?? {};
    if (c.s2sClientId && c.s2sClientSecret) return { accountId: workspace.externalId, clientId: c.s2sClientId, clientSecret: c.s2sClientSecret };
    const s2s = this.opts.s2s;
    if (s2s && s2s.accountId === workspace.externalId) return s2s;
    const why = s2s
      ? `ZOOM_S2S_ACCOUNT_ID is ${s2s.accountId}, not this account`
      : 'ZOOM_S2S_ACCOUNT_ID, ZOOM_S2S_CLIENT_ID and ZOOM_S2S_CLIENT_SECRET are not set';
    throw new AdapterError(
      AdapterErrorCode.NotSupported,
      `zoom account ${workspace.externalId} has no Server-to-Server OAuth app (${why}): ${ZOOM.withoutS2s} are unavailable. ` +
        'Create one at marketplace.zoom.us (Develop → Build App → Server-to-Server OAuth) with the scopes in manifests/zoom/server-to-server.json.',
    );
  }

  /** The account token for the admin APIs of one account (Server-to-Server OAuth); `fresh` skips the cache. */
  async accountToken(workspace: WorkspaceRef, fresh = false): Promise<CachedToken> {
    const creds = this.s2sCredentials(workspace);
    return this.cached(
      `account:${creds.clientId}:${workspace.externalId}`,
      () => this.tokenRequest(creds, { grant_type: 'account_credentials', account_id: workspace.externalId }, workspace.externalId),
      fresh,
    );
  }

  private forget(workspace: WorkspaceRef, kind: 'bot' | 'account'): void {
    const { clientId } = kind === 'bot' ? this.credentials(workspace) : this.s2sCredentials(workspace);
    this.cache.delete(kind === 'bot' ? `bot:${clientId}` : `account:${clientId}:${workspace.externalId}`);
  }

  // ---- requests -----------------------------------------------------------------------------

  /** One REST call with a bearer token; non-2xx becomes `HttpStatusError`/`AdapterError`. */
  async request<T>(
    key: string,
    what: string,
    token: string,
    method: string,
    path: string,
    init: { body?: unknown; query?: Record<string, string | undefined>; once?: boolean } = {},
  ): Promise<T> {
    const url = new URL(`${this.opts.apiUrl.replace(/\/+$/, '')}${path}`);
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    try {
      const { body } = await this.opts.policy.fetchJson<T>(
        key,
        what,
        url.toString(),
        {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
        },
        { once: init.once },
      );
      return body;
    } catch (err) {
      const refused = failure(err);
      if (refused?.status === 401) {
        throw new AdapterError(AdapterErrorCode.InvalidToken, `zoom ${what} failed: HTTP 401 ${reasonOf(refused.body)}`, { cause: refused });
      }
      if (refused?.status === 400 && /"code"\s*:\s*4711/.test(refused.body)) {
        throw new AdapterError(AdapterErrorCode.Forbidden, `zoom ${what} failed: missing scope ${reasonOf(refused.body)}`, { cause: refused });
      }
      throw err;
    }
  }

  /** Runs `call` with an app-level token, fetching a new token once if Zoom says it is invalid. */
  private async withAppToken<T>(workspace: WorkspaceRef, kind: 'bot' | 'account', call: (token: string) => Promise<T>): Promise<T> {
    const token = kind === 'bot' ? await this.botToken(workspace) : await this.accountToken(workspace);
    try {
      return await call(token.token);
    } catch (err) {
      if (!(err instanceof AdapterError) || err.code !== AdapterErrorCode.InvalidToken) throw err;
      this.opts.log.info({ accountId: workspace.externalId, kind }, 'zoom token refused; fetching a new one');
      this.forget(workspace, kind);
      const fresh = kind === 'bot' ? await this.botToken(workspace) : await this.accountToken(workspace);
      return call(fresh.token);
    }
  }

  // ---- chatbot messages ---------------------------------------------------------------------

  /** POST `/im/chat/messages`. */
  async sendBotMessage(
    workspace: WorkspaceRef,
    input: { toJid: string; content: ZoomCardContent; replyTo?: string; visibleToUser?: string; userJid?: string },
  ): Promise<{ message_id: string }> {
    const { botJid } = this.credentials(workspace);
    return this.withAppToken(workspace, 'bot', (token) =>
      this.request<{ message_id: string }>(workspace.externalId, 'send chatbot message', token, 'POST', '/im/chat/messages', {
        body: {
          robot_jid: botJid,
          to_jid: input.toJid,
          account_id: workspace.externalId,
          ...(input.userJid ? { user_jid: input.userJid } : {}),
          ...(input.visibleToUser ? { visible_to_user: input.visibleToUser } : {}),
          ...(input.replyTo ? { reply_to: input.replyTo } : {}),
          is_markdown_support: true,
          content: input.content,
        },
      }),
    );
  }

  /** PUT `/im/chat/messages/{id}`. */
  async editBotMessage(workspace: WorkspaceRef, messageId: string, input: { content: ZoomCardContent; userJid?: string }): Promise<void> {
    const { botJid } = this.credentials(workspace);
    await this.withAppToken(workspace, 'bot', (token) =>
      this.request(workspace.externalId, 'edit chatbot message', token, 'PUT', `/im/chat/messages/${encodeURIComponent(messageId)}`, {
        body: {
          robot_jid: botJid,
          account_id: workspace.externalId,
          ...(input.userJid ? { user_jid: input.userJid } : {}),
          is_markdown_support: true,
          content: input.content,
        },
      }),
    );
  }

  /** DELETE `/im/chat/messages/{id}`. */
  async deleteBotMessage(workspace: WorkspaceRef, messageId: string, userJid?: string): Promise<void> {
    const { botJid } = this.credentials(workspace);
    await this.withAppToken(workspace, 'bot', (token) =>
      this.request(workspace.externalId, 'delete chatbot message', token, 'DELETE', `/im/chat/messages/${encodeURIComponent(messageId)}`, {
        query: { robot_jid: botJid, account_id: workspace.externalId, user_jid: userJid },
      }),
    );
  }

  // ---- user messages ------------------------------------------------------------------------

  /** POST `/chat/users/me/messages` with the person's own token. */
  async sendUserMessage(
    key: string,
    token: string,
    body: { message: string; rich_text?: ZoomRichTextRange[]; at_items?: ZoomAtItem[]; to_contact?: string; to_channel?: string; reply_main_message_id?: string },
    once = false,
  ): Promise<{ id: string }> {
    return this.request(key, 'send user message', token, 'POST', '/chat/users/me/messages', { body, once });
  }

  /** PUT `/chat/users/me/messages/{id}`. */
  async editUserMessage(
    key: string,
    token: string,
    messageId: string,
    body: { message: string; rich_text?: ZoomRichTextRange[]; at_items?: ZoomAtItem[]; to_contact?: string; to_channel?: string },
  ): Promise<void> {
    await this.request(key, 'edit user message', token, 'PUT', `/chat/users/me/messages/${encodeURIComponent(messageId)}`, { body });
  }

  /** DELETE `/chat/users/me/messages/{id}`. */
  async deleteUserMessage(key: string, token: string, messageId: string, target: { to_contact?: string; to_channel?: string }): Promise<void> {
    await this.request(key, 'delete user message', token, 'DELETE', `/chat/users/me/messages/${encodeURIComponent(messageId)}`, { query: target });
  }

  /** GET `/users/me` with a user token. */
  async me(token: string): Promise<ZoomApiUser> {
    return this.request('oauth', 'get current user', token, 'GET', '/users/me');
  }

  // ---- admin APIs ---------------------------------------------------------------------------

  /** One page of `GET /users` for one status. */
  async listUsers(
    workspace: WorkspaceRef,
    query: { status: 'active' | 'inactive'; pageSize: number; nextPageToken?: string },
  ): Promise<{ users: ZoomApiUser[]; next_page_token?: string }> {
    return this.withAppToken(workspace, 'account', (token) =>
      this.request(workspace.externalId, 'list users', token, 'GET', '/users', {
        query: { status: query.status, page_size: String(query.pageSize), next_page_token: query.nextPageToken || undefined },
      }),
    );
  }

  /** GET `/users/{id}`. */
  async getUser(workspace: WorkspaceRef, userId: string): Promise<ZoomApiUser> {
    return this.withAppToken(workspace, 'account', (token) =>
      this.request(workspace.externalId, 'get user', token, 'GET', `/users/${encodeURIComponent(userId)}`),
    );
  }
}

/** The HTTP answer behind a failed call, when Zoom answered at all. */
function failure(err: unknown): HttpStatusError | undefined {
  return err instanceof AdapterError && err.cause instanceof HttpStatusError ? err.cause : undefined;
}

function reasonOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: string; reason?: string; error?: string };
    return body.message ?? body.reason ?? body.error ?? '';
  } catch {
    return text.slice(0, 200);
  }
}
