/**
 * The Zoom Team Chat adapter: `POST /zoom/webhook` (signed events), the Zoom App page, and
 * outbound chatbot messages, user messages, users, channel members, OAuth and health.
 * `inbound.ts` listens, `outbound.ts` talks; this file builds what both share.
 */
import type { AppConfig } from '../../src/config.js';
import type { Request } from 'express';
import type { AdapterDeps, ChatAdapter, UserGrant } from '../../src/chat-adapter.js';
import { OutboundPolicy, type OutboundPolicyOptions } from '../../src/outbound.js';
import { ZoomApi } from './api.js';
import type { ZoomAppPageParams } from './app-page.js';
import { zoomInbound } from './inbound.js';
import { zoomOutbound, zoomReply } from './outbound.js';
import type { ZoomShared } from './shared.js';

/** Options beyond `AdapterDeps`. */
export interface ZoomAdapterOptions {
  policy?: OutboundPolicyOptions;
  /** Parameters of the Zoom App page for one request; default reads `state` and `code_challenge` from the query. */
  appPage?: (req: Request) => Promise<ZoomAppPageParams | undefined> | ZoomAppPageParams | undefined;
  now?: () => number;
}

/** The Zoom adapter, with Zoom-only extras next to the `ChatAdapter` contract. */
export interface ZoomAdapter extends ChatAdapter {
  /** Refreshes a user token (Zoom rotates the refresh token; store the new one). */
  refreshUserToken(refreshToken: string): Promise<UserGrant>;
}

/** Creates the Zoom adapter. */
export function createZoomAdapter(deps: AdapterDeps<AppConfig['zoom']>, options: ZoomAdapterOptions = {}): ZoomAdapter {
  const { settings: zoom, log } = deps;
  const now = options.now ?? Date.now;
  const api = new ZoomApi({
    apiUrl: zoom.apiUrl,
    oauthUrl: zoom.oauthUrl,
    defaults: { clientId: zoom.clientId, clientSecret: zoom.clientSecret, botJid: zoom.botJid },
    s2s: zoom.s2s,
    policy: new OutboundPolicy('zoom', options.policy),
    log,
    now,
  });
  const shared: ZoomShared = { deps, now, api };

  return {
    platform: 'zoom',
    userOAuth: Boolean(zoom.clientId && zoom.clientSecret),
    // Zoom Team Chat "Send a chat message": `message` of at most 4,096 characters (developers.zoom.us/docs/api/team-chat/).
    capabilities: { threads: true, edits: true, deletes: true, reactions: false, managerRole: 'admin', postAsUser: true, maxTextLength: 4_096, userLookup: false, tokenRefresh: true },
    ...zoomInbound(shared, { reply: zoomReply(shared), appPage: options.appPage }),
    ...zoomOutbound(shared),
  };
}
