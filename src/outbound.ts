/**
 * The one policy every outbound platform call goes through: a per-attempt timeout, retries on 429
 * (honouring Retry-After) and on 5xx/network failures with backoff, and a per-workspace rate
 * limit. Failures that cannot be retried surface as a typed `AdapterError`.
 */
import Bottleneck from 'bottleneck';
import pRetry, { AbortError } from 'p-retry';
import { AdapterError, AdapterErrorCode } from './chat-adapter.js';

/** Tunables; tests shrink them so faults resolve in milliseconds. */
export interface OutboundPolicyOptions {
  /** Per attempt. */
  timeoutMs?: number;
  retries?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Longest Retry-After honoured before giving up and letting a job retry later. */
  maxRetryAfterMs?: number;
  /** Requests per second allowed per limiter key (e.g. per workspace and method class). */
  ratePerSecond?: number;
  /** Concurrent requests per limiter key. */
  maxConcurrent?: number;
}

/** What a failed attempt looks like to the policy: an HTTP status and headers, or a thrown error. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 200)}`);
    this.name = 'HttpStatusError';
  }
}

/** Parses a Retry-After header (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Maps an HTTP status to the adapter error code the core understands. */
export function codeForStatus(status: number): AdapterErrorCode {
  if (status === 429) return AdapterErrorCode.RateLimited;
  if (status === 401) return AdapterErrorCode.InvalidToken;
  if (status === 403) return AdapterErrorCode.Forbidden;
  if (status === 404) return AdapterErrorCode.NotFound;
  if (status === 408 || status === 504) return AdapterErrorCode.Timeout;
  if (status >= 500) return AdapterErrorCode.Unavailable;
  return AdapterErrorCode.BadRequest;
}

/** Per-call options of `OutboundPolicy.run`. */
export interface RunOptions {
  /**
   * A call that must not be repeated blindly (a relayed post whose caller reads back before
   * resending): only a 429, which the platform answers without acting, is retried here; a timeout,
   * dropped connection or 5xx may have been processed, so it is surfaced at once.
   */
  once?: boolean;
}

/** Rate-limited, retrying executor for one platform. */
export class OutboundPolicy {
  private readonly limiters: Bottleneck.Group;
  private readonly opts: Required<OutboundPolicyOptions>;

  constructor(readonly platform: string, options: OutboundPolicyOptions = {}) {
    this.opts = {
      timeoutMs: options.timeoutMs ?? 10_000,
      retries: options.retries ?? 4,
      minBackoffMs: options.minBackoffMs ?? 250,
      maxBackoffMs: options.maxBackoffMs ?? 8_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      ratePerSecond: options.ratePerSecond ?? 50,
      maxConcurrent: options.maxConcurrent ?? 20,
    };
    this.limiters = new Bottleneck.Group({
      maxConcurrent: this.opts.maxConcurrent,
      reservoir: this.opts.ratePerSecond,
      reservoirRefreshAmount: this.opts.ratePerSecond,
      reservoirRefreshInterval: 1000,
    });
  }

  /**
   * Runs `attempt` under the limiter for `key`, retrying retryable failures. `attempt` receives an
   * AbortSignal that fires at the per-attempt timeout; it should throw `HttpStatusError` for a
   * non-2xx answer (or an `AdapterError`).
   */
  async run<T>(key: string, what: string, attempt: (signal: AbortSignal) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const limiter = this.limiters.key(key);
    try {
      return await pRetry(
        () =>
          limiter.schedule(async () => {
            const signal = AbortSignal.timeout(this.opts.timeoutMs);
            try {
              return await attempt(signal);
            } catch (err) {
              const typed = this.toAdapterError(what, err, signal);
              if (!typed.retryable || (options.once && typed.code !== AdapterErrorCode.RateLimited)) throw new AbortError(typed);
              const wait = typed.options.retryAfterMs;
              if (wait !== undefined) {
                if (wait > this.opts.maxRetryAfterMs) throw new AbortError(typed);
                await new Promise((r) => setTimeout(r, wait));
              }
              throw typed;
            }
          }),
        {
          retries: this.opts.retries,
          minTimeout: this.opts.minBackoffMs,
          maxTimeout: this.opts.maxBackoffMs,
          randomize: true,
        },
      );
    } catch (err) {
      throw err instanceof AdapterError ? err : this.toAdapterError(what, err);
    }
  }

  /**
   * One REST call under the policy, the way every adapter makes them: `fetch` with the attempt's
   * timeout signal, a non-2xx answer turned into `HttpStatusError` (with its Retry-After), and the
   * body parsed as JSON (undefined when empty). Use `run` only for calls made through an SDK.
   */
  async fetchJson<T>(key: string, what: string, url: string, init: RequestInit = {}, options: RunOptions = {}): Promise<{ status: number; headers: Headers; body: T }> {
    return this.run(
      key,
      what,
      async (signal) => {
        const res = await fetch(url, { ...init, signal });
        const text = await res.text();
        if (!res.ok) throw new HttpStatusError(res.status, text, parseRetryAfter(res.headers.get('retry-after')));
        return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
      },
      options,
    );
  }

  private toAdapterError(what: string, err: unknown, signal?: AbortSignal): AdapterError {
    if (err instanceof AdapterError) return err;
    if (err instanceof HttpStatusError) {
      const reason = platformReason(err.body);
      return new AdapterError(codeForStatus(err.status), `${this.platform} ${what} failed: HTTP ${err.status}${reason ? ` (${reason})` : ''}`, {
        retryAfterMs: err.retryAfterMs,
        cause: err,
      });
    }
    if (signal?.aborted || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
      return new AdapterError(AdapterErrorCode.Timeout, `${this.platform} ${what} timed out after ${this.opts.timeoutMs} ms`, {
        cause: err,
      });
    }
    const message = err instanceof Error ? err.message : String(err);
    return new AdapterError(AdapterErrorCode.Unavailable, `${this.platform} ${what} failed: ${message}`, { cause: err });
  }
}

/**
 * The human-readable reason in a platform's error body, so an operator reading the log sees what
 * the platform said: Zoom and Webex put it in `message`, Graph and the Bot Connector in
 * `error.message`, the Microsoft identity platform in `error_description`.
 */
export function platformReason(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown; error_description?: unknown };
    const nested = typeof parsed.error === 'object' && parsed.error ? (parsed.error as { message?: unknown }).message : undefined;
    const reason = [parsed.message, nested, parsed.error_description, parsed.error].find((r) => typeof r === 'string' && r.length > 0);
    return typeof reason === 'string' ? reason.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
