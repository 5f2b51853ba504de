/**
 * Slack OAuth v2: the personal (user-scope) authorization URL and code exchange for user sync, and
 * the installation store Bolt's installer uses for workspace installs (bot token encrypted in the
 * adapter store, workspace recorded in the core's directory).
 *
 * The authorize page lives beside the Web API: `https://slack.com/api/` → `https://slack.com/oauth/v2/authorize`,
 * so pointing `SLACK_API_URL` at the simulator (`http://127.0.0.1:<port>/api/`) moves both.
 */
import type { AppConfig } from '../../src/config.js';
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { AdapterError, AdapterErrorCode, type AdapterDeps, type UserGrant } from '../../src/chat-adapter.js';
import { SLACK } from '../../manifests/source.js';
import type { SlackApi } from './api.js';

/** Bot scopes a workspace install asks for (what the health check expects to find): the manifest's. */
export const BOT_SCOPES: string[] = [...SLACK.botScopes];

/** User scopes for user sync: post, edit, delete and react as the person in their DMs. */
export const USER_SCOPES: string[] = [...SLACK.userScopes];

/** The OAuth v2 authorize page that belongs with a Web API base URL. */
export function authorizeEndpoint(apiUrl: string): string {
  const base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  return new URL('../oauth/v2/authorize', base).toString();
}

/** The personal authorization URL (user scopes only, no bot install). */
export function buildUserAuthorizeUrl(p: { apiUrl: string; clientId: string; state: string; redirectUri: string; userScopes?: string[] }): string {
  const url = new URL(authorizeEndpoint(p.apiUrl));
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('user_scope', (p.userScopes ?? USER_SCOPES).join(','));
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('state', p.state);
  return url.toString();
}

interface OAuthV2Access {
  ok: boolean;
  team?: { id?: string } | null;
  authed_user?: { id?: string; scope?: string; access_token?: string; refresh_token?: string; expires_in?: number };
}

/** Exchanges a personal authorization code for the person's user token. */
export async function exchangeUserCode(
  api: SlackApi,
  p: { clientId: string; clientSecret: string; code: string; redirectUri: string },
): Promise<UserGrant> {
  const res = (await api.call('oauth.v2.access', () =>
    api.client(undefined).oauth.v2.access({ client_id: p.clientId, client_secret: p.clientSecret, code: p.code, redirect_uri: p.redirectUri }),
  )) as OAuthV2Access;
  const user = res.authed_user;
  if (!user?.id || !user.access_token || !res.team?.id) {
    throw new AdapterError(AdapterErrorCode.BadRequest, 'slack oauth.v2.access granted no user token (no user scopes approved)');
  }
  let email: string | undefined;
  try {
    const info = await api.client(user.access_token).users.info({ user: user.id });
    email = info.user?.profile?.email?.toLowerCase();
  } catch {
    email = undefined;
  }
  return {
    userId: user.id,
    ...(email ? { email } : {}),
    workspaceExternalId: res.team.id,
    accessToken: user.access_token,
    ...(user.refresh_token ? { refreshToken: user.refresh_token } : {}),
    ...(user.expires_in ? { expiresAt: new Date(Date.now() + user.expires_in * 1000) } : {}),
    scopes: (user.scope ?? '').split(',').filter(Boolean),
  };
}

/** The bot identity used to authorize one workspace's inbound events and outbound calls. */
export interface BotIdentity {
  teamId: string;
  teamName?: string;
  token: string;
  userId?: string;
  botId?: string;
}

/** Where installations are kept in the adapter store. */
export const INSTALLATION_KEY = 'installation';

/**
 * Finds the bot for a workspace: a stored installation, then the core's workspace directory, then
 * the single-workspace `SLACK_BOT_TOKEN` (only for the team that token belongs to).
 */
export function createBotResolver(deps: AdapterDeps<AppConfig['slack']>, api: SlackApi) {
  const authTests = new Map<string, Promise<{ teamId?: string; teamName?: string; userId?: string; botId?: string }>>();
  const whoIs = (token: string) => {
    let pending = authTests.get(token);
    if (!pending) {
      pending = api
        .call('auth.test', () => api.client(token).auth.test())
        .then((r) => ({ teamId: r.team_id, teamName: r.team, userId: r.user_id, botId: r.bot_id }));
      pending.catch(() => authTests.delete(token));
      authTests.set(token, pending);
    }
    return pending;
  };

  return async function resolve(teamId: string): Promise<BotIdentity | undefined> {
    const installation = await deps.store.get<Installation>('slack', teamId, INSTALLATION_KEY);
    if (installation?.bot?.token) {
      return { teamId, teamName: installation.team?.name, token: installation.bot.token, userId: installation.bot.userId, botId: installation.bot.id };
    }
    const ws = await deps.workspaces.get('slack', teamId);
    const token = ws?.credentials.botToken;
    if (token) {
      if (ws.credentials.botUserId && ws.credentials.botId) {
        return { teamId, token, userId: ws.credentials.botUserId, botId: ws.credentials.botId };
      }
      const who = await whoIs(token);
      return { teamId, teamName: who.teamName, token, userId: who.userId, botId: who.botId };
    }
    const single = deps.settings.botToken;
    if (single) {
      const who = await whoIs(single);
      if (who.teamId === teamId) return { teamId, teamName: who.teamName, token: single, userId: who.userId, botId: who.botId };
    }
    return undefined;
  };
}

/** The installation store behind `/slack/install` and `/slack/oauth_redirect`. */
export function createInstallationStore(deps: AdapterDeps<AppConfig['slack']>, resolve: ReturnType<typeof createBotResolver>): InstallationStore {
  return {
    async storeInstallation(installation: Installation) {
      const teamId = installation.team?.id;
      if (!teamId || !installation.bot?.token) {
        throw new AdapterError(AdapterErrorCode.NotSupported, 'Crosstalk needs a workspace install with a bot token');
      }
      await deps.store.set('slack', teamId, INSTALLATION_KEY, installation, { secret: true });
      await deps.workspaces.upsert('slack', {
        externalId: teamId,
        name: installation.team?.name ?? teamId,
        credentials: { botToken: installation.bot.token, botUserId: installation.bot.userId, botId: installation.bot.id },
      });
      deps.log.info({ teamId }, 'slack workspace installed');
    },
    async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
      const teamId = query.teamId;
      const bot = teamId ? await resolve(teamId) : undefined;
      if (!bot) throw new Error(`no Slack installation for team ${teamId ?? '(none)'}`);
      return {
        team: { id: bot.teamId, name: bot.teamName },
        enterprise: undefined,
        user: { id: bot.userId ?? '', token: undefined, scopes: undefined },
        bot: { token: bot.token, userId: bot.userId ?? '', id: bot.botId ?? '', scopes: [] },
        tokenType: 'bot',
        isEnterpriseInstall: false,
        authVersion: 'v2',
      };
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      if (query.teamId) await deps.store.delete('slack', query.teamId, INSTALLATION_KEY);
    },
  };
}
