import type { AppConfig } from '../../src/config.js';

/** True while a Microsoft Graph user token works (`GET /me`); false on 401. */
export async function checkTeamsUserToken(teams: AppConfig['teams'], accessToken: string): Promise<boolean> {
  const res = await fetch(`${teams.graphUrl.replace(/\/+$/, '')}/me`, {
    headers: { Authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status === 401) return false;
  if (!res.ok) throw new Error(`graph /me answered HTTP ${res.status}`);
  return true;
}
