/**
 * Personal OAuth for user sync: the authorize URL (with PKCE S256), the code exchange and the
 * refresh. Zoom rotates the refresh token on every refresh, so callers must store the new one.
 */
import { AdapterError, AdapterErrorCode, type AuthorizeParams, type ExchangeParams, type UserGrant } from '../../src/chat-adapter.js';
import type { ZoomApi, ZoomTokenResponse } from './api.js';

/** `https://zoom.us/oauth/authorize?response_type=code&…` (host from `config.zoom.oauthUrl`). */
export function zoomAuthorizeUrl(oauthUrl: string, clientId: string, params: AuthorizeParams): string {
  const url = new URL(`${oauthUrl.replace(/\/+$/, '')}/oauth/authorize`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('state', params.state);
  if (params.codeChallenge) {
    url.searchParams.set('code_challenge', params.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.toString();
}

function grantFrom(token: ZoomTokenResponse, user: { id: string; email?: string; account_id?: string }, now: number): UserGrant {
  if (!user.account_id) throw new AdapterError(AdapterErrorCode.BadRequest, 'zoom: /users/me did not name the account');
  return {
    userId: user.id,
    email: user.email?.toLowerCase(),
    workspaceExternalId: user.account_id,
    accessToken: token.access_token,
    refreshToken: token.refresh_token,
    expiresAt: new Date(now + token.expires_in * 1000),
    scopes: token.scope.split(/\s+/).filter(Boolean),
  };
}

/** Exchanges an authorization code (and PKCE verifier) and identifies the person with `/users/me`. */
export async function exchangeZoomCode(
  api: ZoomApi,
  app: { clientId: string; clientSecret: string },
  params: ExchangeParams,
  now: () => number = Date.now,
): Promise<UserGrant> {
  const form: Record<string, string> = { grant_type: 'authorization_code', code: params.code, redirect_uri: params.redirectUri };
  if (params.codeVerifier) form.code_verifier = params.codeVerifier;
  const token = await api.tokenRequest(app, form);
  return grantFrom(token, await api.me(token.access_token), now());
}

/** Refreshes a user token; the answer carries a new refresh token that replaces the old one. */
export async function refreshZoomUserToken(
  api: ZoomApi,
  app: { clientId: string; clientSecret: string },
  refreshToken: string,
  now: () => number = Date.now,
): Promise<UserGrant> {
  const token = await api.tokenRequest(app, { grant_type: 'refresh_token', refresh_token: refreshToken });
  return grantFrom(token, await api.me(token.access_token), now());
}
