/**
 * Relay tunables, read once from the environment (all optional): how long a delivery lease lasts,
 * the first retry delay, and how many attempts a message gets before the sender is told.
 */
import { z } from 'zod';

const positiveInt = (fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number of milliseconds or attempts' })
    .transform(Number)
    .pipe(z.number().int().positive())
    .optional()
    .transform((v) => v ?? fallback);

const schema = z.object({
  CROSSTALK_RELAY_LEASE_MS: positiveInt(10_000),
  CROSSTALK_RELAY_RETRY_BASE_MS: positiveInt(1_000),
  CROSSTALK_RELAY_MAX_ATTEMPTS: positiveInt(8),
});

/** Parsed relay settings. */
export interface RelaySettings {
  leaseMs: number;
  retryBaseMs: number;
  maxAttempts: number;
}

/** Reads the settings; a bad value fails start-up with one clear message. */
export function relaySettings(env: NodeJS.ProcessEnv = process.env): RelaySettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(issue.path[0])}: ${issue.message}`);
  }
  return {
    leaseMs: parsed.data.CROSSTALK_RELAY_LEASE_MS,
    retryBaseMs: parsed.data.CROSSTALK_RELAY_RETRY_BASE_MS,
    maxAttempts: parsed.data.CROSSTALK_RELAY_MAX_ATTEMPTS,
  };
}
