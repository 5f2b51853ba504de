/**
 * Webex-style ids: base64 (padding stripped) of `ciscospark://us/<TYPE>/<uuid>`. The Webex SDK
 * re-encodes any id that does not decode to a `ciscospark://` URI, so simulated ids must be real.
 */
import { randomUUID } from 'node:crypto';

/** The resource types whose ids the simulator mints. */
export type WebexIdType =
  | 'PEOPLE'
  | 'ROOM'
  | 'MESSAGE'
  | 'WEBHOOK'
  | 'ATTACHMENT_ACTION'
  | 'MEMBERSHIP'
  | 'ORGANIZATION'
  | 'APPLICATION';

/** Encodes a Webex id for `type`, from `uuid` or a fresh one. */
export function webexId(type: WebexIdType, uuid: string = randomUUID()): string {
  return Buffer.from(`ciscospark://us/${type}/${uuid}`).toString('base64').replace(/=+$/, '');
}

/** Decodes a Webex id into its type and uuid; undefined for anything else. */
export function decodeWebexId(id: string): { type: string; uuid: string } | undefined {
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  const match = /^ciscospark:\/\/[a-z]+\/([A-Z_]+)\/(.+)$/.exec(decoded);
  return match ? { type: match[1], uuid: match[2] } : undefined;
}
