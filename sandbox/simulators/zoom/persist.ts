/**
 * The simulated Zoom's state as saved in the sandbox's data folder: accounts (users, channels),
 * chatbot and user messages, and the tokens, refresh tokens and codes it issued.
 */
import { refill } from '../../persist/codec.js';
import { createZoomSimulator, type ZoomSimAccount, type ZoomSimBotMessage, type ZoomSimUserMessage, type ZoomSimulator } from './server.js';

/** What is saved of a simulated Zoom. */
export interface ZoomSnapshot {
  port: number;
  accounts: Map<string, ZoomSimAccount>;
  botMessages: Map<string, ZoomSimBotMessage>;
  userMessages: Map<string, ZoomSimUserMessage>;
  tokens: Map<string, unknown>;
  refreshTokens: Map<string, unknown>;
  codes: Map<string, unknown>;
}

interface Internals {
  tokens: Map<string, unknown>;
  refreshTokens: Map<string, unknown>;
  codes: Map<string, unknown>;
}

const internals = (zoom: ZoomSimulator) => zoom as unknown as Internals;

/** Captures the simulator's state. */
export function snapshotZoom(zoom: ZoomSimulator): ZoomSnapshot {
  const own = internals(zoom);
  return {
    port: Number(new URL(zoom.url).port),
    accounts: zoom.accounts,
    botMessages: zoom.botMessages,
    userMessages: zoom.userMessages,
    tokens: own.tokens,
    refreshTokens: own.refreshTokens,
    codes: own.codes,
  };
}

/** Starts a simulated Zoom with a saved state. */
export async function restoreZoom(snap: ZoomSnapshot, port = snap.port): Promise<ZoomSimulator> {
  const zoom = await createZoomSimulator({ port });
  const own = internals(zoom);
  refill(zoom.accounts, snap.accounts);
  // Accounts share the simulator's chatbot app unless they were given their own.
  for (const account of zoom.accounts.values()) if (account.app.clientId === zoom.app.clientId) account.app = zoom.app;
  refill(zoom.botMessages, snap.botMessages);
  refill(zoom.userMessages, snap.userMessages);
  refill(own.tokens, snap.tokens);
  refill(own.refreshTokens, snap.refreshTokens);
  refill(own.codes, snap.codes);
  return zoom;
}
