import type { AppConfig } from '../../src/config.js';

const DEAD = new Set(['invalid_auth', 'token_revoked', 'token_expired', 'account_inactive', 'not_authed']);

/** True while a Slack user token works (`auth.test`); false once revoked, expired or inactive. */
export async function checkSlackUserToken(slack: AppConfig['slack'], accessToken: string): Promise<boolean> {
  const base = slack.apiUrl.endsWith('/') ? slack.apiUrl : `${slack.apiUrl}/`;
  const res = await fetch(`${base}auth.test`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`slack auth.test answered HTTP ${res.status}`);
  const body = (await res.json()) as { ok: boolean; error?: string };
  if (body.ok) return true;
  if (DEAD.has(body.error ?? '')) return false;
  throw new Error(`slack auth.test failed: ${body.error}`);
}
