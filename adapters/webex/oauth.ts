/**
 * Webex Integration OAuth (user sync): authorization-code grant with PKCE (S256), which Webex
 * documents as the recommended flow for clients with a browser ("Login with Webex" uses the same
 * authorize/access_token endpoints as integrations).
 */
import { WEBEX } from '../../manifests/source.js';
import type { AuthorizeParams, ExchangeParams, UserGrant } from '../../src/chat-adapter.js';
import { AdapterError, AdapterErrorCode } from '../../src/chat-adapter.js';
import type { OutboundPolicy } from '../../src/outbound.js';

/** Scopes a person grants so Crosstalk can post, edit and delete as them. */
export const USER_SCOPES: string[] = [...WEBEX.integrationScopes];

/** Integration credentials and API base. */
export interface WebexOAuthSettings {
  apiUrl: string;
  clientId?: string;
  clientSecret?: string;
}

/** The token endpoint's answer. */
interface TokenResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  token_type?: string;
  scope?: string;
}

function requireClient(settings: WebexOAuthSettings): { clientId: string; clientSecret: string } {
  if (!settings.clientId || !settings.clientSecret) {
    throw new AdapterError(AdapterErrorCode.NotSupported, 'webex user sync needs WEBEX_CLIENT_ID and WEBEX_CLIENT_SECRET');
  }
  return { clientId: settings.clientId, clientSecret: settings.clientSecret };
}

function base(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '');
}

/** The URL that sends a person to Webex to authorize Crosstalk. */
export function buildAuthorizeUrl(settings: WebexOAuthSettings, params: AuthorizeParams): string {
  const { clientId } = requireClient(settings);
  const url = new URL(`${base(settings.apiUrl)}/authorize`);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('scope', USER_SCOPES.join(' '));
  url.searchParams.set('state', params.state);
  if (params.codeChallenge) {
    url.searchParams.set('code_challenge', params.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.toString();
}

async function tokenRequest(settings: WebexOAuthSettings, policy: OutboundPolicy, form: Record<string, string>): Promise<TokenResponse> {
  const { clientId, clientSecret } = requireClient(settings);
  const body = new URLSearchParams({ ...form, client_id: clientId, client_secret: clientSecret });
  const res = await policy.fetchJson<TokenResponse>('oauth', 'access_token', `${base(settings.apiUrl)}/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body,
  });
  return res.body;
}

async function grantFrom(settings: WebexOAuthSettings, policy: OutboundPolicy, token: TokenResponse): Promise<UserGrant> {
  const { body: me } = await policy.fetchJson<{ id: string; emails?: string[]; orgId: string }>('oauth', 'people/me', `${base(settings.apiUrl)}/people/me`, {
    headers: { authorization: `Bearer ${token.access_token}` },
  });
  return {
    userId: me.id,
    email: me.emails?.[0],
    workspaceExternalId: me.orgId,
    accessToken: token.access_token,
    refreshToken: token.refresh_token,
    expiresAt: token.expires_in ? new Date(Date.now() + token.expires_in * 1000) : undefined,
    scopes: token.scope ? token.scope.split(/\s+/).filter(Boolean) : USER_SCOPES,
  };
}

/** Exchanges an authorization code (with the PKCE verifier) for the person's tokens and identity. */
export async function exchangeAuthorizationCode(settings: WebexOAuthSettings, policy: OutboundPolicy, params: ExchangeParams): Promise<UserGrant> {
  const token = await tokenRequest(settings, policy, {
    grant_type: 'authorization_code',
    code: params.code,
    redirect_uri: params.redirectUri,
    ...(params.codeVerifier ? { code_verifier: params.codeVerifier } : {}),
  });
  return grantFrom(settings, policy, token);
}

/** Renews a person's access token (Webex access tokens last 14 days, refresh tokens 90). */
export async function refreshUserToken(settings: WebexOAuthSettings, policy: OutboundPolicy, refreshToken: string): Promise<UserGrant> {
  const token = await tokenRequest(settings, policy, { grant_type: 'refresh_token', refresh_token: refreshToken });
  return grantFrom(settings, policy, token);
}
