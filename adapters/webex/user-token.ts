import type { AppConfig } from '../../src/config.js';

/** True while a Webex user token works (`GET /people/me`); false on 401. */
export async function checkWebexUserToken(webex: AppConfig['webex'], accessToken: string): Promise<boolean> {
  const res = await fetch(`${webex.apiUrl.replace(/\/+$/, '')}/people/me`, {
    headers: { Authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status === 401) return false;
  if (!res.ok) throw new Error(`webex people/me answered HTTP ${res.status}`);
  return true;
}
