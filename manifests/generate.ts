/**
 * Turns `source.ts` into each platform's manifest. Pure functions of the options, so the script
 * that writes the files and the test that checks the committed copies produce the same bytes.
 */
import type { AppsManifestCreateArguments } from '@slack/web-api';
import { stringify } from 'yaml';
import { drawIcon, encodePng } from './icons.js';
import {
  APP,
  COMMAND,
  DEFAULT_PUBLIC_URL,
  PATHS,
  PLACEHOLDER_MICROSOFT_APP_ID,
  SLACK,
  TEAMS,
  WEBEX,
  ZOOM,
  oauthCallbackPath,
} from './source.js';

/** What varies between one installation's manifests and another's. */
export interface ManifestOptions {
  /** Where the service is reachable from the platforms, without a trailing slash. */
  publicUrl: string;
  /** The Entra application id of the Teams bot. */
  microsoftAppId: string;
}

/** One generated file, its path relative to the manifests folder. */
export interface GeneratedFile {
  path: string;
  contents: Buffer;
}

const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

/**
 * Reads the options from the environment (`PUBLIC_URL`, `MICROSOFT_APP_ID`), falling back to the
 * committed defaults; `warnings` says which fallbacks were taken, and a value that cannot work throws.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): { options: ManifestOptions; warnings: string[] } {
  const warnings: string[] = [];
  let publicUrl = env.PUBLIC_URL?.trim() || '';
  if (!publicUrl) {
    publicUrl = DEFAULT_PUBLIC_URL;
    warnings.push(`PUBLIC_URL is not set: using ${DEFAULT_PUBLIC_URL}, which no platform can reach. Set it to the service's public https address.`);
  }
  publicUrl = publicUrl.replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(publicUrl);
  } catch {
    throw new Error(`PUBLIC_URL: not a URL: ${publicUrl}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`PUBLIC_URL: must be an http(s) address: ${publicUrl}`);
  if (parsed.search || parsed.hash) throw new Error(`PUBLIC_URL: must not carry a query or fragment: ${publicUrl}`);
  if (parsed.protocol === 'http:' && publicUrl !== DEFAULT_PUBLIC_URL) {
    warnings.push(`PUBLIC_URL is plain http: Slack, Teams, Webex and Zoom only deliver to https addresses.`);
  }

  let microsoftAppId = env.MICROSOFT_APP_ID?.trim() || '';
  if (!microsoftAppId) {
    microsoftAppId = PLACEHOLDER_MICROSOFT_APP_ID;
    warnings.push(`MICROSOFT_APP_ID is not set: the Teams manifest carries the placeholder ${PLACEHOLDER_MICROSOFT_APP_ID}, which Teams will not install.`);
  } else if (!GUID.test(microsoftAppId)) {
    throw new Error(`MICROSOFT_APP_ID: must be the Entra application (client) id, a GUID: ${microsoftAppId}`);
  }
  return { options: { publicUrl, microsoftAppId }, warnings };
}

/** The options the committed manifests are generated with. */
export const DEFAULT_OPTIONS: ManifestOptions = { publicUrl: DEFAULT_PUBLIC_URL, microsoftAppId: PLACEHOLDER_MICROSOFT_APP_ID };

function at(o: ManifestOptions, path: string): string {
  return `${o.publicUrl}${path}`;
}

/**
 * Slack's own manifest type, as `@slack/web-api` publishes it for `apps.manifest.create`: tsc checks
 * the object below against it (an unknown or mistyped field fails `npm run typecheck`).
 */
export type SlackAppManifest = AppsManifestCreateArguments['manifest'];

/** The Slack app manifest (format v1), as an object ready for YAML. */
export function slackManifest(o: ManifestOptions): SlackAppManifest {
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: APP.name,
      description: APP.shortDescription,
      long_description: APP.longDescription,
      background_color: APP.accentColor,
    },
    features: {
      // The messages tab is where people DM the bot and get their "Sync now" prompts.
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: APP.name, always_online: true },
      slash_commands: [
        {
          command: COMMAND.slash,
          url: at(o, PATHS.slack.commands),
          description: COMMAND.description,
          usage_hint: COMMAND.usageHint,
          // Escaped text carries user ids (`<@U123|name>`), so `<person>` arguments resolve exactly.
          should_escape: true,
        },
      ],
    },
    oauth_config: {
      redirect_urls: [at(o, PATHS.slack.oauthRedirect), at(o, oauthCallbackPath('slack'))],
      scopes: { bot: [...SLACK.botScopes], user: [...SLACK.userScopes] },
    },
    settings: {
      event_subscriptions: { request_url: at(o, PATHS.slack.events), bot_events: [...SLACK.botEvents] },
      interactivity: { is_enabled: true, request_url: at(o, PATHS.slack.interactions) },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}

/** The Teams app manifest (`manifest.json` of the app package). */
export function teamsManifest(o: ManifestOptions): Record<string, unknown> {
  const host = new URL(o.publicUrl).host;
  const verbs = COMMAND.verbs;
  const command = (v: (typeof verbs)[number]) => ({
    title: v.verb,
    description: v.usage === v.verb ? v.description : `${v.description}: ${v.usage}`,
  });
  return {
    $schema: TEAMS.schemaUrl,
    manifestVersion: TEAMS.manifestVersion,
    version: APP.version,
    id: o.microsoftAppId,
    developer: {
      name: APP.developerName,
      websiteUrl: o.publicUrl,
      privacyUrl: at(o, PATHS.privacy),
      termsOfUseUrl: at(o, PATHS.terms),
    },
    name: { short: APP.name, full: APP.name },
    description: { short: APP.shortDescription, full: APP.longDescription },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: APP.accentColor,
    bots: [
      {
        botId: o.microsoftAppId,
        scopes: [...TEAMS.botScopes],
        supportsFiles: false,
        isNotificationOnly: false,
        commandLists: [
          { scopes: ['personal'], commands: verbs.map(command) },
          {
            scopes: ['team', 'groupChat'],
            commands: verbs.filter((v) => (TEAMS.groupVerbs as readonly string[]).includes(v.verb)).map(command),
          },
        ],
      },
    ],
    permissions: [...TEAMS.permissions],
    // No webApplicationInfo: Crosstalk uses no Teams SSO; user sync runs its own OAuth flow.
    validDomains: [host],
  };
}

const WEBEX_ABOUT =
  'Webex has no app manifest format: these are the values to enter on developer.webex.com (My Webex Apps). ' +
  'Generated by `npm run manifests` from manifests/source.ts.';

/** What a Webex admin enters to create the Crosstalk bot. */
export function webexBotSettings(o: ManifestOptions): Record<string, unknown> {
  return {
    _about: WEBEX_ABOUT,
    appType: 'bot',
    botName: APP.name,
    // Webex appends @webex.bot; the name must be free across all of Webex.
    botUsername: APP.botUsername,
    icon: 'icon.png',
    appHubDescription: APP.longDescription,
    webhooks: WEBEX.webhooks.map((w) => ({
      name: `${APP.name} ${w.resource}`,
      resource: w.resource,
      event: w.event,
      targetUrl: at(o, PATHS.webex.webhook),
      secret: 'WEBEX_WEBHOOK_SECRET',
    })),
    environment: {
      WEBEX_BOT_TOKEN: "the bot's access token, shown once when the bot is created",
      WEBEX_WEBHOOK_SECRET: 'a long random string of your choice; Crosstalk registers the webhooks with it at start',
    },
  };
}

/** What a Webex admin enters to create the integration people authorize for user sync. */
export function webexIntegrationSettings(o: ManifestOptions): Record<string, unknown> {
  return {
    _about: WEBEX_ABOUT,
    appType: 'integration',
    usesMobileSdk: false,
    integrationName: APP.name,
    icon: 'icon.png',
    appHubDescription: APP.longDescription,
    redirectUris: [at(o, oauthCallbackPath('webex'))],
    scopes: [...WEBEX.integrationScopes],
    environment: {
      WEBEX_CLIENT_ID: "the integration's Client ID",
      WEBEX_CLIENT_SECRET: "the integration's Client Secret, shown once",
    },
  };
}

/**
 * The Zoom general app manifest for the Team Chat chatbot and user sync, in the shape the
 * Marketplace manifest API takes: `{"manifest": {...}}`.
 */
export function zoomManifest(o: ManifestOptions): Record<string, unknown> {
  return { manifest: zoomManifestBody(o) };
}

function zoomManifestBody(o: ManifestOptions): Record<string, unknown> {
  const hostname = new URL(o.publicUrl).hostname;
  const callback = at(o, oauthCallbackPath('zoom'));
  const messageUrl = at(o, PATHS.zoom.webhook);
  const appPage = at(o, PATHS.zoom.appPage);
  return {
    display_information: {
      display_name: APP.name,
      description: APP.shortDescription,
      long_description: APP.longDescription,
    },
    oauth_information: {
      // Admin-managed: the account admin adds the app once, so the chatbot can message everyone in
      // the account (a user-managed chatbot reaches only the people who added it). Each person
      // still authorizes their own account for user sync.
      usage: 'ADMIN_MANAGEMENT',
      development_redirect_uri: callback,
      production_redirect_uri: callback,
      oauth_allow_list: [callback, appPage],
      strict_mode: true,
      subdomain_strict_mode: true,
      scopes: [...ZOOM.botScopes, ...ZOOM.userScopes].map((scope) => ({ scope, optional: false })),
      scope_description:
        'Crosstalk posts, edits and deletes your direct messages as you, so people on Slack, Teams and Webex can reach you here.',
    },
    features: {
      products: ['ZOOM_CHAT'],
      development_home_uri: appPage,
      production_home_uri: appPage,
      domain_allow_list: [{ domain: hostname, explanation: 'The Crosstalk service: sign-in and "Sync now" pages.' }],
      in_client_feature: {
        zoom_app_api: { enable: true, zoom_app_apis: [...ZOOM.inClientApis] },
        in_client_oauth: { enable: true },
      },
      team_chat_subscription: {
        enable: true,
        slash_command: {
          command: COMMAND.name,
          command_hints: COMMAND.verbs.map((v) => ({ usage_hint: v.usage, description: v.description })),
          enable_mention: false,
          development_message_url: messageUrl,
          production_message_url: messageUrl,
          sender_type: 'zoom',
          welcome_msg: { title: APP.welcome.title, body: APP.welcome.body },
          trust_domain_list: [{ domain: hostname, unfurling: false }],
        },
      },
      event_subscription: {
        enable: true,
        events: [
          {
            subscription_name: `${APP.name} user sync`,
            event_types: [...ZOOM.eventTypes],
            development_webhook_url: messageUrl,
            production_webhook_url: messageUrl,
          },
        ],
      },
    },
  };
}

/**
 * The optional Zoom Server-to-Server OAuth app. Zoom has no manifest for this app type; these are
 * the values to enter when creating it, and the scopes are the ones Crosstalk's account-level calls need.
 */
export function zoomServerToServerSettings(): Record<string, unknown> {
  return {
    _about:
      'Zoom has no manifest for Server-to-Server OAuth apps: create one at marketplace.zoom.us (Develop → Build App → Server-to-Server OAuth) with these values. ' +
      'Generated by `npm run manifests` from manifests/source.ts.',
    appType: 'server-to-server-oauth',
    appName: `${APP.name} directory`,
    scopes: [...ZOOM.s2sScopes],
    usedFor: `Without it: ${ZOOM.withoutS2s} are unavailable; the chatbot, prompts and DMs still work.`,
    environment: {
      ZOOM_S2S_ACCOUNT_ID: 'the Account ID on the App Credentials page',
      ZOOM_S2S_CLIENT_ID: 'the Client ID on the App Credentials page',
      ZOOM_S2S_CLIENT_SECRET: 'the Client Secret on the App Credentials page',
    },
  };
}

/** Icon sizes each platform asks for, by generated path. */
export const ICONS: ReadonlyArray<{ path: string; size: number; background: string | null }> = [
  { path: 'slack/icon.png', size: 512, background: APP.accentColor },
  { path: 'teams/color.png', size: 192, background: APP.accentColor },
  { path: 'teams/outline.png', size: 32, background: null },
  { path: 'webex/icon.png', size: 512, background: APP.accentColor },
  { path: 'zoom/icon.png', size: 160, background: APP.accentColor },
];

const YAML_HEADER =
  '# Slack app manifest for Crosstalk. Generated by `npm run manifests` from manifests/source.ts:\n' +
  '# edit that file and regenerate rather than editing this one.\n';

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
}

/** Every manifest file, in a fixed order. */
export function generateManifests(o: ManifestOptions): GeneratedFile[] {
  return [
    { path: 'slack/manifest.yaml', contents: Buffer.from(YAML_HEADER + stringify(slackManifest(o), { lineWidth: 0 }), 'utf8') },
    { path: 'teams/manifest.json', contents: json(teamsManifest(o)) },
    { path: 'webex/bot.json', contents: json(webexBotSettings(o)) },
    { path: 'webex/integration.json', contents: json(webexIntegrationSettings(o)) },
    { path: 'zoom/manifest.json', contents: json(zoomManifest(o)) },
    { path: 'zoom/server-to-server.json', contents: json(zoomServerToServerSettings()) },
    ...ICONS.map((icon) => ({ path: icon.path, contents: encodePng(drawIcon(icon.size, { background: icon.background })) })),
  ];
}
