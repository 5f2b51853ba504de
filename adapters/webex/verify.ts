/**
 * Webex webhook signatures: `X-Spark-Signature` is hex HMAC-SHA1 of the raw request body, keyed
 * with the `secret` given when the webhook was created. Checked here over the exact bytes received,
 * because `webex-node-bot-framework` re-serializes the parsed body and answers 200 to forgeries.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The hex signature Webex sends for `body` under `secret`. */
export function signWebexBody(secret: string, body: Buffer | string): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}

/** True when `signature` matches `body` under any of `secrets` (constant-time compare). */
export function verifyWebexSignature(body: Buffer, signature: string | undefined, secrets: Array<string | undefined>): boolean {
  if (!signature || !/^[0-9a-f]{40}$/i.test(signature)) return false;
  const given = Buffer.from(signature.toLowerCase(), 'hex');
  return secrets.some((secret) => {
    if (!secret) return false;
    const expected = createHmac('sha1', secret).update(body).digest();
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
