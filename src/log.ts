/**
 * JSON logs (pino). Secrets are redacted by key wherever they appear in a logged object, so a
 * token, password or signature never reaches the log even when a whole request is logged.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Keys whose values are never written to the log. */
export const REDACTED_KEYS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'botToken',
  'clientSecret',
  'client_secret',
  'password',
  'secret',
  'authorization',
  'cookie',
  'credentials',
  'encryptionKey',
  'x-slack-signature',
  'x-spark-signature',
  'x-zm-signature',
];

/** Creates the service logger. */
export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    base: { service: 'crosstalk' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `req.headers["${k}"]`]),
      censor: '[redacted]',
    },
  });
}
