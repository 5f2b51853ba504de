/**
 * Personal OAuth (user sync) on the Microsoft identity platform: authorization-code flow with
 * PKCE S256, against `{loginUrl}/{tenant|common}/oauth2/v2.0/...`.
 */
import { decodeJwt } from 'jose';
import { AdapterError, AdapterErrorCode, type AuthorizeParams, type ExchangeParams, type UserGrant } from '../../src/chat-adapter.js';
import { TEAMS } from '../../manifests/source.js';
import type { AppConfig } from '../../src/config.js';
import { HttpStatusError, type OutboundPolicy } from '../../src/outbound.js';

/** Delegated scopes Crosstalk asks a person for: post and edit chat messages as them. */
export const USER_SCOPES: string[] = [...TEAMS.graphDelegatedScopes];

function authority(teams: AppConfig['teams']): string {
  const tenant = teams.appType === 'SingleTenant' && teams.tenantId ? teams.tenantId : 'common';
  return `${teams.loginUrl.replace(/\/+$/, '')}/${tenant}/oauth2/v2.0`;
}

/** The URL a person opens to authorize Crosstalk. */
export function authorizeUrl(teams: AppConfig['teams'], params: AuthorizeParams): string {
  const url = new URL(`${authority(teams)}/authorize`);
  url.searchParams.set('client_id', teams.appId ?? '');
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('response_mode', 'query');
  url.searchParams.set('scope', USER_SCOPES.join(' '));
  url.searchParams.set('state', params.state);
  if (params.codeChallenge) {
    url.searchParams.set('code_challenge', params.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.toString();
}

interface TokenAnswer {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope?: string;
  id_token?: string;
}

async function tokenRequest(teams: AppConfig['teams'], policy: OutboundPolicy, form: Record<string, string>): Promise<TokenAnswer> {
  try {
    const { body } = await policy.fetchJson<TokenAnswer>('oauth', 'token exchange', `${authority(teams)}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: teams.appId ?? '', client_secret: teams.appPassword ?? '', ...form }),
    });
    return body;
  } catch (err) {
    const refused = err instanceof AdapterError && err.cause instanceof HttpStatusError ? err.cause : undefined;
    if (refused?.status === 400 || refused?.status === 401) {
      const error = (() => {
        try {
          return (JSON.parse(refused.body) as { error?: string }).error;
        } catch {
          return undefined;
        }
      })();
      throw new AdapterError(AdapterErrorCode.InvalidToken, `teams authorization refused: ${error ?? refused.status}`);
    }
    throw err;
  }
}

function grantFrom(answer: TokenAnswer, fallback?: { userId: string; tenantId: string; email?: string }): UserGrant {
  const claims = answer.id_token ? decodeJwt(answer.id_token) : {};
  const userId = (claims.oid as string | undefined) ?? fallback?.userId;
  const tenantId = (claims.tid as string | undefined) ?? fallback?.tenantId;
  if (!userId || !tenantId) throw new AdapterError(AdapterErrorCode.BadRequest, 'teams: token answer has no id_token with oid and tid');
  const email = ((claims.email as string | undefined) ?? (claims.preferred_username as string | undefined) ?? fallback?.email)?.toLowerCase();
  return {
    userId,
    email,
    workspaceExternalId: tenantId,
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    expiresAt: new Date(Date.now() + answer.expires_in * 1000),
    scopes: (answer.scope ?? '').split(' ').filter(Boolean),
  };
}

/** Exchanges an authorization code (with the PKCE verifier) for the person's tokens. */
export async function exchangeCode(teams: AppConfig['teams'], policy: OutboundPolicy, params: ExchangeParams): Promise<UserGrant> {
  const answer = await tokenRequest(teams, policy, {
    grant_type: 'authorization_code',
    code: params.code,
    redirect_uri: params.redirectUri,
    scope: USER_SCOPES.join(' '),
    ...(params.codeVerifier ? { code_verifier: params.codeVerifier } : {}),
  });
  return grantFrom(answer);
}

/** Renews a person's access token with their refresh token. */
export async function refreshUserToken(
  teams: AppConfig['teams'],
  policy: OutboundPolicy,
  grant: Pick<UserGrant, 'refreshToken' | 'userId' | 'workspaceExternalId' | 'email'>,
): Promise<UserGrant> {
  if (!grant.refreshToken) throw new AdapterError(AdapterErrorCode.InvalidToken, 'teams: no refresh token to renew with');
  const answer = await tokenRequest(teams, policy, {
    grant_type: 'refresh_token',
    refresh_token: grant.refreshToken,
    scope: USER_SCOPES.join(' '),
  });
  return grantFrom(answer, { userId: grant.userId, tenantId: grant.workspaceExternalId, email: grant.email });
}
