/**
 * OAuth 2.0 client-credentials tokens from the Microsoft identity platform (`{login}/{tenant}/
 * oauth2/v2.0/token`), cached until shortly before they expire, with concurrent callers sharing
 * one request. Used for Graph (per tenant) and, when the login URL is not Microsoft's own, for
 * the Bot Connector too.
 */
import { AdapterError, AdapterErrorCode } from '../../src/chat-adapter.js';
import { HttpStatusError, type OutboundPolicy } from '../../src/outbound.js';

/** Where and as whom to ask for a token. */
export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
}

/** A cached client-credentials token source. */
export class ClientCredentialTokens {
  private cached?: { token: string; expiresAt: number };
  private inflight?: Promise<string>;

  constructor(
    private readonly policy: OutboundPolicy,
    private readonly creds: ClientCredentials,
  ) {}

  async get(): Promise<string> {
    if (this.cached && this.cached.expiresAt > Date.now()) return this.cached.token;
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forgets the cached token (after the API refused it). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetch(): Promise<string> {
    let body: { access_token: string; expires_in: number };
    try {
      ({ body } = await this.policy.fetchJson<typeof body>(`token:${this.creds.tokenUrl}`, 'token request', this.creds.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.creds.clientId,
          client_secret: this.creds.clientSecret,
          scope: this.creds.scope,
        }),
      }));
    } catch (err) {
      const refused = err instanceof AdapterError && err.cause instanceof HttpStatusError ? err.cause : undefined;
      if (refused?.status === 400 || refused?.status === 401) {
        throw new AdapterError(AdapterErrorCode.InvalidToken, `teams token request refused: ${errorCode(refused.body)}`);
      }
      throw err;
    }
    // Refresh a minute early so a token never expires mid-request.
    this.cached = { token: body.access_token, expiresAt: Date.now() + Math.max(0, body.expires_in - 60) * 1000 };
    return body.access_token;
  }
}

function errorCode(text: string): string {
  try {
    const e = JSON.parse(text) as { error?: string; error_codes?: number[] };
    return `${e.error ?? 'error'}${e.error_codes?.length ? ` (AADSTS${e.error_codes[0]})` : ''}`;
  } catch {
    return 'unreadable answer';
  }
}
