import { AdapterError, AdapterErrorCode } from '../../src/chat-adapter.js';
import type { ZoomApi } from './api.js';

/** True while a Zoom user token works (`GET /users/me`); false on 401. */
export async function checkZoomUserToken(api: ZoomApi, accessToken: string): Promise<boolean> {
  try {
    await api.me(accessToken);
    return true;
  } catch (err) {
    if (err instanceof AdapterError && err.code === AdapterErrorCode.InvalidToken) return false;
    throw err;
  }
}
