/**
 * Zoom event signatures: `x-zm-signature: v0=hex(HMAC_SHA256(secret, "v0:" + ts + ":" + body))`
 * with `x-zm-request-timestamp` in seconds. Checked over the raw request bytes, in constant time,
 * and only inside a freshness window (Zoom's own samples skip that check; replays are refused here).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request timestamp may be from now, either way. */
export const ZOOM_SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** Why a request was refused. */
export type ZoomVerifyFailure = 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature';

/** The outcome of a signature check. */
export type ZoomVerifyResult = { ok: true } | { ok: false; reason: ZoomVerifyFailure };

/** Verifies one request; `nowSeconds` is injectable for tests. */
export function verifyZoomSignature(input: {
  rawBody: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  secret: string;
  nowSeconds?: number;
  toleranceSeconds?: number;
}): ZoomVerifyResult {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? ZOOM_SIGNATURE_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const mac = createHmac('sha256', input.secret);
  mac.update(`v0:${timestamp}:`);
  mac.update(input.rawBody);
  const expected = Buffer.from(`v0=${mac.digest('hex')}`, 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}

/** The answer to `endpoint.url_validation`: the plain token and its HMAC-SHA256 (hex) with the secret. */
export function urlValidationResponse(plainToken: string, secret: string): { plainToken: string; encryptedToken: string } {
  return { plainToken, encryptedToken: createHmac('sha256', secret).update(plainToken).digest('hex') };
}
