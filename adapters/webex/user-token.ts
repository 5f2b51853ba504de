import type { AppConfig } from '../../src/config.js';
import { AdapterError } from '../../src/chat-adapter.js';
import { HttpStatusError, type OutboundPolicy } from '../../src/outbound.js';

/** True while a Webex user token works (`GET /people/me`); false on 401. */
export async function checkWebexUserToken(webex: AppConfig['webex'], policy: OutboundPolicy, accessToken: string): Promise<boolean> {
  try {
    await policy.fetchJson(`token:${accessToken.slice(-12)}`, 'people/me', `${webex.apiUrl.replace(/\/+$/, '')}/people/me`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    return true;
  } catch (err) {
    if (err instanceof AdapterError && err.options.cause instanceof HttpStatusError && err.options.cause.status === 401) return false;
    throw err;
  }
}
