import type { AppConfig } from '../../src/config.js';
import type { OutboundPolicy } from '../../src/outbound.js';

const DEAD = new Set(['invalid_auth', 'token_revoked', 'token_expired', 'account_inactive', 'not_authed']);

/**
 * True while a Slack user token works (`auth.test`); false once revoked, expired or inactive.
 * Slack answers a dead token with HTTP 200 and `ok: false`, so only the body tells.
 */
export async function checkSlackUserToken(slack: AppConfig['slack'], policy: OutboundPolicy, accessToken: string): Promise<boolean> {
  const base = slack.apiUrl.endsWith('/') ? slack.apiUrl : `${slack.apiUrl}/`;
  const { body } = await policy.fetchJson<{ ok: boolean; error?: string }>(`user:${accessToken.slice(-12)}`, 'auth.test', `${base}auth.test`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  if (body.ok) return true;
  if (DEAD.has(body.error ?? '')) return false;
  throw new Error(`slack auth.test failed: ${body.error}`);
}
