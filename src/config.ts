/**
 * Configuration from the environment, validated once at start. Every problem is reported as one
 * line naming the setting, what is wrong and an example; secret values are never echoed.
 *
 * Two modes. **Production**: some platform has credentials and `CROSSTALK_SANDBOX` is not set; each
 * platform with credentials is on, every other platform is off. **Sandbox**: no platform has
 * credentials, or `CROSSTALK_SANDBOX=1`; the platforms without credentials run against local
 * simulators (loaded only in this mode).
 */
import { z } from 'zod';
import { PLATFORMS, type Platform } from './chat-adapter.js';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const optionalUrl = (example: string) =>
  optionalString.pipe(
    z
      .string()
      .url({ message: `must be an absolute http(s) URL, e.g. ${example}` })
      .refine((v) => /^https?:\/\//.test(v), { message: `must start with http:// or https://, e.g. ${example}` })
      .optional(),
  );

const encryptionKey = optionalString.pipe(
  z
    .string()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, {
      message: 'must be 32 bytes encoded as base64 (44 characters), e.g. the output of `openssl rand -base64 32`',
    })
    .optional(),
);

const schema = z.object({
  NODE_ENV: optionalString,
  PORT: optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, { message: 'must be a port number between 0 and 65535, e.g. 3000' })
      .transform(Number)
      .refine((n) => n <= 65535, { message: 'must be a port number between 0 and 65535, e.g. 3000' })
      .optional(),
  ),
  PUBLIC_URL: optionalUrl('https://crosstalk.example.com'),
  MONGODB_URI: optionalString.pipe(
    z
      .string()
      .refine((v) => /^mongodb(\+srv)?:\/\//.test(v), {
        message: 'must be a MongoDB connection string, e.g. mongodb://localhost:27017/crosstalk',
      })
      .optional(),
  ),
  CROSSTALK_DATA_DIR: optionalString,
  CROSSTALK_SANDBOX: optionalString.pipe(
    z.enum(['0', '1', 'true', 'false'], { message: 'must be 1 (sandbox beside real credentials) or 0, e.g. 1' }).optional(),
  ),
  CROSSTALK_METRICS_TOKEN: optionalString.pipe(
    z.string().min(16, { message: 'must be at least 16 characters, e.g. the output of `openssl rand -hex 24`' }).optional(),
  ),
  CROSSTALK_ENCRYPTION_KEY: encryptionKey,
  CROSSTALK_ADMINS: optionalString.pipe(
    z
      .string()
      .refine((v) => v.split(',').every((e) => /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(e.trim())), {
        message: 'must be a comma-separated list of emails, e.g. ada@example.com,grace@example.com',
      })
      .optional(),
  ),
  LOG_LEVEL: optionalString.pipe(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent, e.g. info',
    }).optional(),
  ),

  CROSSTALK_RELAY_LEASE_MS: optionalString.pipe(
    z.string().regex(/^[1-9]\d*$/, { message: 'must be a whole number of milliseconds, e.g. 10000' }).transform(Number).optional(),
  ),
  CROSSTALK_RELAY_RETRY_BASE_MS: optionalString.pipe(
    z.string().regex(/^[1-9]\d*$/, { message: 'must be a whole number of milliseconds, e.g. 1000' }).transform(Number).optional(),
  ),
  CROSSTALK_RELAY_MAX_ATTEMPTS: optionalString.pipe(
    z.string().regex(/^[1-9]\d*$/, { message: 'must be a whole number of attempts, e.g. 8' }).transform(Number).optional(),
  ),

  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: optionalString.pipe(
    z.string().refine((v) => v.startsWith('xoxb-'), { message: 'must be a bot token starting with xoxb-, e.g. xoxb-1234-…' }).optional(),
  ),
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_API_URL: optionalUrl('https://slack.com/api/'),

  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  MICROSOFT_APP_TYPE: optionalString.pipe(
    z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
      message: 'must be MultiTenant, SingleTenant or UserAssignedMSI, e.g. SingleTenant',
    }).optional(),
  ),
  MS_GRAPH_URL: optionalUrl('https://graph.microsoft.com/v1.0'),
  MS_LOGIN_URL: optionalUrl('https://login.microsoftonline.com'),
  BOTFRAMEWORK_OPENID_METADATA: optionalUrl('https://login.botframework.com/v1/.well-known/openidconfiguration'),
  MS_BOT_SERVICE_URL: optionalUrl('https://smba.trafficmanager.net/teams/'),

  WEBEX_BOT_TOKEN: optionalString,
  WEBEX_WEBHOOK_SECRET: optionalString,
  WEBEX_CLIENT_ID: optionalString,
  WEBEX_CLIENT_SECRET: optionalString,
  WEBEX_ADMIN_TOKEN: optionalString,
  WEBEX_API_URL: optionalUrl('https://webexapis.com/v1'),

  ZOOM_CLIENT_ID: optionalString,
  ZOOM_CLIENT_SECRET: optionalString,
  ZOOM_BOT_JID: optionalString,
  ZOOM_ACCOUNT_ID: optionalString,
  ZOOM_WEBHOOK_SECRET_TOKEN: optionalString,
  ZOOM_S2S_ACCOUNT_ID: optionalString,
  ZOOM_S2S_CLIENT_ID: optionalString,
  ZOOM_S2S_CLIENT_SECRET: optionalString,
  ZOOM_API_URL: optionalUrl('https://api.zoom.us/v2'),
  ZOOM_OAUTH_URL: optionalUrl('https://zoom.us'),
});

type Env = z.infer<typeof schema>;

/** Whether a platform is on, and how. */
export interface PlatformConfig {
  /** Real credentials were given in the environment. */
  configured: boolean;
  /** Runs against its local simulator (sandbox mode, no credentials). */
  sandbox: boolean;
}

/** The validated configuration the whole service reads. */
export interface AppConfig {
  port: number;
  publicUrl?: string;
  mongodbUri?: string;
  dataDir: string;
  /** 32-byte key; in sandbox mode without a key a per-data-dir key is generated and kept on disk. */
  encryptionKey?: Buffer;
  admins: string[];
  logLevel: string;
  /** Sandbox mode: platforms without credentials are simulated, with demo data. */
  sandbox: boolean;
  /** `CROSSTALK_SANDBOX=1` was set beside real credentials (start-up warns). */
  sandboxForced: boolean;
  /** Bearer token `/metrics` asks for; open when unset. */
  metricsToken?: string;
  /** Relay delivery: lease length, first retry delay, attempts before the sender is told. */
  relay: { leaseMs: number; retryBaseMs: number; maxAttempts: number };
  slack: PlatformConfig & {
    signingSecret?: string;
    botToken?: string;
    clientId?: string;
    clientSecret?: string;
    apiUrl: string;
  };
  teams: PlatformConfig & {
    appId?: string;
    appPassword?: string;
    tenantId?: string;
    appType: string;
    graphUrl: string;
    loginUrl: string;
    openIdMetadata: string;
    /** Bot Connector base for a tenant's first proactive 1:1 chat, before any activity gave its own serviceUrl. */
    serviceUrl: string;
  };
  webex: PlatformConfig & {
    botToken?: string;
    webhookSecret?: string;
    clientId?: string;
    clientSecret?: string;
    /** An administrator's token for listing the whole organization; without it, members of the bot's spaces. */
    adminToken?: string;
    apiUrl: string;
  };
  zoom: PlatformConfig & {
    clientId?: string;
    clientSecret?: string;
    botJid?: string;
    accountId?: string;
    webhookSecretToken?: string;
    /** The optional Server-to-Server OAuth app for account-level directory and membership calls. */
    s2s?: { accountId: string; clientId: string; clientSecret: string };
    apiUrl: string;
    oauthUrl: string;
  };
}

/** Thrown when the environment is invalid; `problems` holds one line per setting. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Platforms whose credentials are set in the environment. */
export function configuredPlatforms(config: AppConfig): Platform[] {
  return PLATFORMS.filter((p) => config[p].configured);
}

/** Platforms that are on: configured ones, plus the simulated ones in sandbox mode. */
export function enabledPlatforms(config: AppConfig): Platform[] {
  return PLATFORMS.filter((p) => config[p].configured || config[p].sandbox);
}

/** Reads and validates the environment; throws `ConfigError` listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // One line per setting: a value can fail several checks, the first says enough.
    const firstBySetting = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      if (!firstBySetting.has(name)) firstBySetting.set(name, `${name}: ${issue.message}`);
    }
    throw new ConfigError([...firstBySetting.values()]);
  }
  const e: Env = parsed.data;
  const problems: string[] = [];
  const requireTogether = (names: Array<keyof Env>, example: string) => {
    const set = names.filter((n) => e[n] !== undefined);
    if (set.length > 0 && set.length < names.length) {
      for (const n of names.filter((n) => e[n] === undefined)) {
        problems.push(`${n}: is required when ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set, e.g. ${example}`);
      }
    }
  };
  requireTogether(['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET'], 'the values from your Slack app\'s Basic Information page');
  requireTogether(['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD'], 'the Azure bot registration\'s app id and client secret');
  requireTogether(['WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET'], 'the values from your Webex integration');
  requireTogether(['ZOOM_CLIENT_ID', 'ZOOM_CLIENT_SECRET'], 'the values from your Zoom app\'s App Credentials page');
  requireTogether(
    ['ZOOM_S2S_ACCOUNT_ID', 'ZOOM_S2S_CLIENT_ID', 'ZOOM_S2S_CLIENT_SECRET'],
    'the Account ID, Client ID and Client Secret of your Zoom Server-to-Server OAuth app',
  );
  if (e.ZOOM_S2S_ACCOUNT_ID && e.ZOOM_ACCOUNT_ID && e.ZOOM_S2S_ACCOUNT_ID !== e.ZOOM_ACCOUNT_ID) {
    problems.push('ZOOM_S2S_ACCOUNT_ID: must be the same account as ZOOM_ACCOUNT_ID, e.g. the Account ID on the Server-to-Server OAuth app\'s App Credentials page');
  }
  if (e.MICROSOFT_APP_ID && (e.MICROSOFT_APP_TYPE ?? 'SingleTenant') === 'SingleTenant' && !e.MICROSOFT_APP_TENANT_ID) {
    problems.push('MICROSOFT_APP_TENANT_ID: is required for a single-tenant bot (the default MICROSOFT_APP_TYPE), e.g. the Directory (tenant) ID on the app registration\'s Overview page');
  }
  if (e.WEBEX_ADMIN_TOKEN && !e.WEBEX_BOT_TOKEN) {
    problems.push('WEBEX_ADMIN_TOKEN: is only used with WEBEX_BOT_TOKEN, e.g. set the bot token too or remove the admin token');
  }
  if ((e.SLACK_BOT_TOKEN || e.SLACK_CLIENT_ID) && !e.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_SIGNING_SECRET: is required with Slack credentials, e.g. the Signing Secret from Basic Information');
  }
  if (e.WEBEX_BOT_TOKEN && !e.WEBEX_WEBHOOK_SECRET) {
    problems.push('WEBEX_WEBHOOK_SECRET: is required with WEBEX_BOT_TOKEN, e.g. a random string of 32 characters');
  }
  if (e.ZOOM_CLIENT_ID && !e.ZOOM_WEBHOOK_SECRET_TOKEN) {
    problems.push('ZOOM_WEBHOOK_SECRET_TOKEN: is required with Zoom credentials, e.g. the Secret Token from the Feature page');
  }

  if (e.ZOOM_CLIENT_ID && !e.ZOOM_ACCOUNT_ID) {
    problems.push("ZOOM_ACCOUNT_ID: is required with Zoom credentials, e.g. the Account ID from your Zoom account's profile page");
  }

  const configured = {
    slack: Boolean(e.SLACK_BOT_TOKEN || e.SLACK_CLIENT_ID),
    teams: Boolean(e.MICROSOFT_APP_ID),
    webex: Boolean(e.WEBEX_BOT_TOKEN),
    zoom: Boolean(e.ZOOM_CLIENT_ID),
  };
  const anyConfigured = Object.values(configured).some(Boolean);
  const sandboxForced = e.CROSSTALK_SANDBOX === '1' || e.CROSSTALK_SANDBOX === 'true';
  const sandbox = !anyConfigured || sandboxForced;
  const simulated = (p: keyof typeof configured) => sandbox && !configured[p];

  if (anyConfigured && !e.CROSSTALK_ENCRYPTION_KEY) {
    problems.push(
      'CROSSTALK_ENCRYPTION_KEY: is required once real platform credentials are set, e.g. the output of `openssl rand -base64 32`',
    );
  }
  if (anyConfigured && !e.PUBLIC_URL) {
    problems.push('PUBLIC_URL: is required once real platform credentials are set, e.g. https://crosstalk.example.com');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: e.PORT ?? 3000,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    mongodbUri: e.MONGODB_URI,
    dataDir: e.CROSSTALK_DATA_DIR ?? 'data',
    encryptionKey: e.CROSSTALK_ENCRYPTION_KEY ? Buffer.from(e.CROSSTALK_ENCRYPTION_KEY, 'base64') : undefined,
    admins: (e.CROSSTALK_ADMINS ?? '')
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean),
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    sandbox,
    sandboxForced: sandboxForced && anyConfigured,
    metricsToken: e.CROSSTALK_METRICS_TOKEN,
    relay: {
      leaseMs: e.CROSSTALK_RELAY_LEASE_MS ?? 10_000,
      retryBaseMs: e.CROSSTALK_RELAY_RETRY_BASE_MS ?? 1_000,
      maxAttempts: e.CROSSTALK_RELAY_MAX_ATTEMPTS ?? 8,
    },
    slack: {
      configured: configured.slack,
      sandbox: simulated('slack'),
      signingSecret: e.SLACK_SIGNING_SECRET,
      botToken: e.SLACK_BOT_TOKEN,
      clientId: e.SLACK_CLIENT_ID,
      clientSecret: e.SLACK_CLIENT_SECRET,
      apiUrl: e.SLACK_API_URL ?? 'https://slack.com/api/',
    },
    teams: {
      configured: configured.teams,
      sandbox: simulated('teams'),
      appId: e.MICROSOFT_APP_ID,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      tenantId: e.MICROSOFT_APP_TENANT_ID,
      appType: e.MICROSOFT_APP_TYPE ?? 'SingleTenant',
      graphUrl: e.MS_GRAPH_URL ?? 'https://graph.microsoft.com/v1.0',
      loginUrl: e.MS_LOGIN_URL ?? 'https://login.microsoftonline.com',
      openIdMetadata: e.BOTFRAMEWORK_OPENID_METADATA ?? 'https://login.botframework.com/v1/.well-known/openidconfiguration',
      // Microsoft's global address for proactive messages (Teams docs, "Send proactive messages").
      serviceUrl: e.MS_BOT_SERVICE_URL ?? 'https://smba.trafficmanager.net/teams/',
    },
    webex: {
      configured: configured.webex,
      sandbox: simulated('webex'),
      botToken: e.WEBEX_BOT_TOKEN,
      webhookSecret: e.WEBEX_WEBHOOK_SECRET,
      clientId: e.WEBEX_CLIENT_ID,
      clientSecret: e.WEBEX_CLIENT_SECRET,
      adminToken: e.WEBEX_ADMIN_TOKEN,
      apiUrl: e.WEBEX_API_URL ?? 'https://webexapis.com/v1',
    },
    zoom: {
      configured: configured.zoom,
      sandbox: simulated('zoom'),
      clientId: e.ZOOM_CLIENT_ID,
      clientSecret: e.ZOOM_CLIENT_SECRET,
      botJid: e.ZOOM_BOT_JID,
      accountId: e.ZOOM_ACCOUNT_ID,
      webhookSecretToken: e.ZOOM_WEBHOOK_SECRET_TOKEN,
      s2s:
        e.ZOOM_S2S_ACCOUNT_ID && e.ZOOM_S2S_CLIENT_ID && e.ZOOM_S2S_CLIENT_SECRET
          ? { accountId: e.ZOOM_S2S_ACCOUNT_ID, clientId: e.ZOOM_S2S_CLIENT_ID, clientSecret: e.ZOOM_S2S_CLIENT_SECRET }
          : undefined,
      apiUrl: e.ZOOM_API_URL ?? 'https://api.zoom.us/v2',
      oauthUrl: e.ZOOM_OAUTH_URL ?? 'https://zoom.us',
    },
  };
}
