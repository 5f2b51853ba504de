/**
 * The Webex adapter: `webex-node-bot-framework` in webhook mode for the bot's identity, webhook
 * registration and SDK. The inbound half handles `POST /webex/webhook`; the outbound half posts,
 * edits, lists and checks. Both share the outbound policy, the REST client, the bot sessions and
 * the remembered 1:1 rooms built here.
 */
import type { AppConfig } from '../../src/config.js';
import type { AdapterDeps, ChatAdapter, WorkspaceRef } from '../../src/chat-adapter.js';
import { AdapterError, AdapterErrorCode } from '../../src/chat-adapter.js';
import { OutboundPolicy, type OutboundPolicyOptions } from '../../src/outbound.js';
import { WebexApi } from './api.js';
import { fromNeutral, toNeutral } from './format.js';
import { createWebexInbound } from './inbound.js';
import { createWebexOutbound } from './outbound.js';
import { BotSessions, type BotSession } from './sdk.js';

/** Tunables (tests shrink them). */
export interface WebexAdapterOptions {
  policy?: OutboundPolicyOptions;
  /**
   * A `created` notification whose resource is older than this is refused as a replay. Webex does
   * not sign a timestamp, so this is the only freshness signal; duplicates inside the window keep
   * their event id and are de-duplicated by the core.
   */
  maxEventAgeMs?: number;
  /** Bound on waiting for the framework's webhook registration at start. */
  registrationTimeoutMs?: number;
  /** People per directory page (Webex allows up to 1000). */
  directoryPageSize?: number;
}

/** Creates the Webex `ChatAdapter`. */
export function createWebexAdapter(deps: AdapterDeps<AppConfig['webex']>, options: WebexAdapterOptions = {}): ChatAdapter {
  const { settings: cfg, log, store } = deps;
  const apiUrl = cfg.apiUrl.replace(/\/+$/, '');
  const policy = new OutboundPolicy('webex', options.policy);
  const api = new WebexApi(apiUrl, policy);
  const webhookUrl = () => `${deps.publicUrl}/webex/webhook`;
  let sessions: BotSessions | undefined;
  const knownDirectRooms = new Set<string>();

  const sessionsOnce = () =>
    (sessions ??= new BotSessions({ apiUrl, webhookUrl: webhookUrl(), log, registrationTimeoutMs: options.registrationTimeoutMs }));

  function session(workspace?: WorkspaceRef): Promise<BotSession> {
    const token = workspace?.credentials.botToken ?? cfg.botToken;
    if (!token) throw new AdapterError(AdapterErrorCode.InvalidToken, 'no Webex bot token for this workspace');
    return sessionsOnce().get(token, workspace?.credentials.webhookSecret ?? cfg.webhookSecret);
  }

  async function rememberDirectRoom(workspaceId: string, personId: string, roomId: string): Promise<void> {
    const key = `${workspaceId}:${personId}:${roomId}`;
    if (knownDirectRooms.has(key)) return;
    await store.set('webex', workspaceId, `dm:${personId}`, roomId);
    knownDirectRooms.add(key);
  }

  const outbound = createWebexOutbound(deps, { apiUrl, policy, api, session, rememberDirectRoom, webhookUrl, directoryPageSize: options.directoryPageSize });
  const inbound = createWebexInbound(deps, { api, session, rememberDirectRoom, send: outbound.send, maxEventAgeMs: options.maxEventAgeMs ?? 15 * 60_000 });

  return {
    platform: 'webex',
    userOAuth: Boolean(cfg.clientId && cfg.clientSecret),
    // Webex accepts up to 7,439 bytes of text or markdown per message (developer.webex.com/docs/api/v1/messages/create-a-message).
    capabilities: { threads: true, edits: true, deletes: true, reactions: false, managerRole: 'moderator', postAsUser: true, maxTextLength: 7_439, userLookup: false, tokenRefresh: true },
    ...inbound,
    ...outbound,

    async start(): Promise<void> {
      // Registers the bot's webhooks through the framework.
      if (cfg.botToken) await session();
    },

    async stop(): Promise<void> {
      await sessions?.stopAll();
    },

    toNeutral,
    fromNeutral,
  };
}
