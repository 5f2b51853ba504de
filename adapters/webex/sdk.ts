/**
 * Loading `webex-node-bot-framework` and running one framework per bot token.
 *
 * The Webex SDK under the framework reads its API base from the environment ONCE, when the module
 * loads (`HYDRA_SERVICE_URL` for REST, `U2C_SERVICE_URL` for the service catalog it fetches at
 * start), and `Framework.start()` offers no way to pass it. So the module is imported dynamically,
 * after those variables are set from `config.webex.apiUrl`; one process therefore talks to one
 * Webex API base. For anything but the real Webex hosts the catalog is asked of the same origin
 * (the simulator serves it), so no start-up call leaves for Webex.
 */
import type Framework from 'webex-node-bot-framework';
import type { WebexSdk } from 'webex-node-bot-framework';
import { AdapterError, AdapterErrorCode } from '../../src/chat-adapter.js';
import type { Logger } from '../../src/log.js';

type FrameworkClass = typeof Framework;

const REAL_WEBEX_HOSTS = new Set(['webexapis.com', 'api.ciscospark.com']);
let loaded: { apiUrl: string; framework: Promise<FrameworkClass> } | undefined;

/** Points the SDK at `apiUrl`, then imports the framework (once per process). */
export function loadFramework(apiUrl: string): Promise<FrameworkClass> {
  const base = apiUrl.replace(/\/+$/, '');
  if (loaded) {
    if (loaded.apiUrl !== base) {
      throw new Error(`The Webex SDK is already loaded for ${loaded.apiUrl}; it cannot switch to ${base} in the same process`);
    }
    return loaded.framework;
  }
  process.env.HYDRA_SERVICE_URL = base;
  const url = new URL(base);
  if (!REAL_WEBEX_HOSTS.has(url.hostname)) process.env.U2C_SERVICE_URL = `${url.origin}/u2c/api/v1`;
  // The SDK logs to stdout (every request under NODE_ENV=test, meeting-codec probes otherwise);
  // its failures reach Crosstalk as rejected calls, which are logged here with context.
  process.env.WEBEX_LOG_LEVEL ??= 'silent';
  loaded = { apiUrl: base, framework: import('webex-node-bot-framework').then((m) => m.default) };
  return loaded.framework;
}

/** The bot account a session acts as. */
export interface BotAccount {
  id: string;
  displayName: string;
  email: string;
  orgId: string;
  type: string;
}

/** A started framework for one bot token: its SDK instance and identity. */
export interface BotSession {
  framework: Framework;
  webex: WebexSdk;
  bot: BotAccount;
}

/** Settings shared by every session. */
export interface BotSessionSettings {
  apiUrl: string;
  /** Where Webex should POST notifications (`<public url>/webex/webhook`). */
  webhookUrl: string;
  log: Logger;
  /** How long `start` waits for the framework's (un-awaited) webhook registration. */
  registrationTimeoutMs?: number;
}

/** One started framework per bot token, created on first use. */
export class BotSessions {
  private readonly sessions = new Map<string, Promise<BotSession>>();

  constructor(private readonly settings: BotSessionSettings) {}

  /** The session for `token`, starting its framework (identity + webhook registration) if needed. */
  get(token: string, webhookSecret: string | undefined): Promise<BotSession> {
    let session = this.sessions.get(token);
    if (!session) {
      session = this.start(token, webhookSecret);
      this.sessions.set(token, session);
      session.catch(() => this.sessions.delete(token));
    }
    return session;
  }

  async stopAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.framework.stop()));
  }

  private async start(token: string, webhookSecret: string | undefined): Promise<BotSession> {
    const FrameworkCtor = await loadFramework(this.settings.apiUrl);
    const framework = new FrameworkCtor({
      token,
      webhookUrl: this.settings.webhookUrl,
      webhookSecret,
      // Other deployments may share the bot; only this service's own webhooks are replaced.
      removeWebhooksOnStart: false,
      // Rooms are looked up when events arrive; scanning every membership at start costs minutes.
      maxStartupSpaces: 0,
      messageFormat: 'markdown',
    });
    framework.debugger = (message) => this.settings.log.debug({ webex: message }, 'webex framework');
    try {
      await framework.start();
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      throw new AdapterError(
        status === 401 ? AdapterErrorCode.InvalidToken : AdapterErrorCode.Unavailable,
        `webex bot could not start: ${status ? `HTTP ${status}` : (err as Error).message}`,
        { cause: err },
      );
    }
    await this.webhooksRegistered(framework);
    const person = framework.person;
    return {
      framework,
      webex: framework.getWebexSDK(),
      bot: { id: person.id, displayName: person.displayName, email: framework.email, orgId: person.orgId, type: person.type },
    };
  }

  /** `Framework.start()` resolves before its webhooks exist; wait (bounded) so health checks see them. */
  private async webhooksRegistered(framework: Framework): Promise<void> {
    const deadline = Date.now() + (this.settings.registrationTimeoutMs ?? 10_000);
    const done = () => framework.webhook === false || (typeof framework.cardsWebhook === 'object' && 'id' in framework.cardsWebhook);
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (framework.webhook === false || !done()) {
      this.settings.log.warn({ webhookUrl: this.settings.webhookUrl }, 'webex webhook registration did not complete');
    }
  }
}
