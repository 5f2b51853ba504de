import { AdapterError, AdapterErrorCode } from '../../src/chat-adapter.js';
import type { GraphApi } from './api.js';

/** True while a Microsoft Graph user token works (`GET /me`); false on 401. */
export async function checkTeamsUserToken(graph: GraphApi, accessToken: string): Promise<boolean> {
  try {
    await graph.me(accessToken);
    return true;
  } catch (err) {
    if (err instanceof AdapterError && err.code === AdapterErrorCode.InvalidToken) return false;
    throw err;
  }
}
