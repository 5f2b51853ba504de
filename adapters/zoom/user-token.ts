import type { AppConfig } from '../../src/config.js';

/** True while a Zoom user token works (`GET /users/me`); false on 401. */
export async function checkZoomUserToken(zoom: AppConfig['zoom'], accessToken: string): Promise<boolean> {
  const res = await fetch(`${zoom.apiUrl.replace(/\/+$/, '')}/users/me`, {
    headers: { Authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status === 401) return false;
  if (!res.ok) throw new Error(`zoom users/me answered HTTP ${res.status}`);
  return true;
}
