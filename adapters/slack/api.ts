/**
 * Outbound Slack Web API calls through `@slack/web-api`: one client per token (so a rate-limit pause
 * on one workspace does not stall the others), Slack's own retry on 429/5xx configured here, and
 * every failure mapped to an `AdapterError` the core can act on.
 */
import { ErrorCode, WebClient, type RetryOptions, type WebAPICallResult } from '@slack/web-api';
import { AdapterError, AdapterErrorCode } from '../../src/chat-adapter.js';
import { codeForStatus } from '../../src/outbound.js';
import type { Logger } from '../../src/log.js';
import { toBoltLogger } from './logger.js';

/** Default: about six attempts over roughly a minute, on top of honouring Retry-After. */
export const DEFAULT_RETRY_CONFIG: RetryOptions = { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 20_000, randomize: true };

/** How the clients are built. */
export interface SlackApiOptions {
  apiUrl: string;
  retryConfig?: RetryOptions;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  log: Logger;
}

const INVALID_TOKEN = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'no_permission']);
const NOT_FOUND = new Set(['channel_not_found', 'user_not_found', 'users_not_found', 'message_not_found', 'thread_not_found', 'team_not_found']);
const FORBIDDEN = new Set([
  'missing_scope',
  'not_in_channel',
  'cant_update_message',
  'cant_delete_message',
  'restricted_action',
  'is_archived',
  'user_is_restricted',
  'ekm_access_denied',
  'not_allowed_token_type',
]);
const NOT_SUPPORTED = new Set(['method_not_supported_for_channel_type', 'unknown_method', 'not_supported']);

/** Maps anything `@slack/web-api` throws to a typed adapter error. */
export function toAdapterError(what: string, err: unknown): AdapterError {
  if (err instanceof AdapterError) return err;
  const e = err as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number; message?: string };
  switch (e?.code) {
    case ErrorCode.PlatformError: {
      const slackError = e.data?.error ?? 'unknown_error';
      const code = INVALID_TOKEN.has(slackError)
        ? AdapterErrorCode.InvalidToken
        : NOT_FOUND.has(slackError)
          ? AdapterErrorCode.NotFound
          : FORBIDDEN.has(slackError)
            ? AdapterErrorCode.Forbidden
            : NOT_SUPPORTED.has(slackError)
              ? AdapterErrorCode.NotSupported
              : slackError === 'ratelimited'
                ? AdapterErrorCode.RateLimited
                : slackError === 'fatal_error' || slackError === 'internal_error' || slackError === 'service_unavailable'
                  ? AdapterErrorCode.Unavailable
                  : AdapterErrorCode.BadRequest;
      return new AdapterError(code, `slack ${what} failed: ${slackError}`, { cause: err });
    }
    case ErrorCode.RateLimitedError:
      return new AdapterError(AdapterErrorCode.RateLimited, `slack ${what} rate limited`, {
        retryAfterMs: (e.retryAfter ?? 1) * 1000,
        cause: err,
      });
    case ErrorCode.HTTPError:
      return new AdapterError(codeForStatus(e.statusCode ?? 500), `slack ${what} failed: HTTP ${e.statusCode}`, { cause: err });
    case ErrorCode.RequestError: {
      const timedOut = /timeout|timed out|abort/i.test(e.message ?? '');
      return new AdapterError(timedOut ? AdapterErrorCode.Timeout : AdapterErrorCode.Unavailable, `slack ${what} failed: ${e.message}`, {
        cause: err,
      });
    }
    default:
      return new AdapterError(AdapterErrorCode.Unavailable, `slack ${what} failed: ${e?.message ?? String(err)}`, { cause: err });
  }
}

const MAX_CLIENTS = 1000;

/** Hands out Web API clients per token and runs calls with typed errors. */
export class SlackApi {
  private readonly clients = new Map<string, WebClient>();

  constructor(private readonly opts: SlackApiOptions) {}

  /** Client options Bolt should use too, so inbound replies behave like outbound calls. */
  get clientOptions() {
    return {
      slackApiUrl: this.opts.apiUrl,
      retryConfig: this.opts.retryConfig ?? DEFAULT_RETRY_CONFIG,
      timeout: this.opts.timeoutMs ?? 10_000,
      logger: toBoltLogger(this.opts.log),
    };
  }

  /**
   * A client for `token`; `undefined` gives an unauthenticated one (OAuth exchange). With `once`,
   * the client never repeats a call itself: `@slack/web-api` retries timeouts, dropped connections
   * and 5xx answers (its `makeRequest` runs every request under `p-retry`), which posts a relayed
   * copy twice when Slack had already accepted it; a 429 surfaces as a rate-limit error with its
   * Retry-After (`rejectRateLimitedCalls`) for the relay to wait out.
   */
  client(token: string | undefined, options: { once?: boolean } = {}): WebClient {
    const key = `${options.once ? 'once:' : ''}${token ?? ''}`;
    const cached = this.clients.get(key);
    if (cached) {
      this.clients.delete(key);
      this.clients.set(key, cached);
      return cached;
    }
    const client = new WebClient(
      token,
      options.once ? { ...this.clientOptions, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true } : this.clientOptions,
    );
    this.clients.set(key, client);
    if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
    return client;
  }

  /** Runs one Web API call, turning failures into `AdapterError`. */
  async call<T extends WebAPICallResult>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toAdapterError(what, err);
    }
  }
}
