/**
 * What both halves of the Zoom adapter share, built once by `index.ts`, and the store keys under
 * which the outbound half notes the user messages it posts, so the inbound half can tell them
 * apart from what the person wrote themselves (Zoom announces both the same way).
 */
import { createHash } from 'node:crypto';
import type { AdapterDeps } from '../../src/chat-adapter.js';
import type { AppConfig } from '../../src/config.js';
import type { ZoomApi } from './api.js';

/** The adapter's dependencies, clock and REST client. */
export interface ZoomShared {
  deps: AdapterDeps<AppConfig['zoom']>;
  now: () => number;
  api: ZoomApi;
}

/** A user message Crosstalk posted, by the id Zoom gave it. */
export const SENT_KEY = (messageId: string) => `sent-user-message:${messageId}`;
/** Zoom may announce a user message before the send call returns its id, so sends are also keyed by content. */
export const PENDING_KEY = (contact: string, neutralText: string) =>
  `pending-user-send:${createHash('sha256').update(`${contact.toLowerCase()}\n${neutralText}`).digest('base64url')}`;
