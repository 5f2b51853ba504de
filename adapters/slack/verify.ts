/**
 * Slack request signing check (pure): `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` with
 * the signing secret, and a timestamp within five minutes either way — stricter than Bolt, which
 * accepts timestamps from the future.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a request was refused, for the log (never shown to the caller). */
export type SlackVerifyFailure = 'missing_headers' | 'stale_timestamp' | 'bad_signature';

/** The outcome of checking one request. */
export type SlackVerifyResult = { ok: true } | { ok: false; reason: SlackVerifyFailure };

/** What one inbound request offers for verification. */
export interface SlackVerifyInput {
  signingSecret: string;
  rawBody: string | Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  nowSeconds?: number;
  toleranceSeconds?: number;
}

/** Checks a request the way Slack documents it. */
export function verifySlackRequest(input: SlackVerifyInput): SlackVerifyResult {
  const { signingSecret, rawBody, timestamp, signature } = input;
  if (!signingSecret || !timestamp || !signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'stale_timestamp' };
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return { ok: false, reason: 'stale_timestamp' };
  if (!signature.startsWith('v0=')) return { ok: false, reason: 'bad_signature' };
  const expected = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:`)
    .update(rawBody)
    .digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}
