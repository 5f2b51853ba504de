/**
 * The one description of the Crosstalk app that every platform manifest is generated from
 * (`npm run manifests`). Change the app here, then regenerate: the files under `manifests/<platform>/`
 * are outputs, and a test fails when they drift from this source.
 */

/** The platforms Crosstalk connects. */
export type Platform = 'slack' | 'teams' | 'webex' | 'zoom';

/** Used when `PUBLIC_URL` is unset: the address `npm start` listens on by default. */
export const DEFAULT_PUBLIC_URL = 'http://localhost:3000';

/**
 * Stands in for `MICROSOFT_APP_ID` so the committed Teams manifest is valid; Teams refuses to
 * install it until the real Entra application id replaces it.
 */
export const PLACEHOLDER_MICROSOFT_APP_ID = '00000000-0000-0000-0000-000000000000';

/** The HTTP paths the service serves, exactly as the contract in DESIGN.md names them. */
export const PATHS = {
  slack: {
    events: '/slack/events',
    commands: '/slack/commands',
    interactions: '/slack/interactions',
    install: '/slack/install',
    oauthRedirect: '/slack/oauth_redirect',
  },
  teams: { messages: '/api/messages' },
  webex: { webhook: '/webex/webhook' },
  zoom: { webhook: '/zoom/webhook', appPage: '/zoom/app' },
  syncPage: '/sync/:token',
  privacy: '/privacy',
  terms: '/terms',
} as const;

/** Where a platform sends a person back after they authorize Crosstalk (user sync). */
export function oauthCallbackPath(platform: Platform): string {
  return `/oauth/${platform}/callback`;
}

/** One verb of the `/crosstalk` command language. */
export interface CommandVerb {
  verb: string;
  usage: string;
  description: string;
  adminOnly: boolean;
}

/** The `/crosstalk` command: the same words on every platform. */
export const COMMAND = {
  name: 'crosstalk',
  slash: '/crosstalk',
  description: 'Sync people, DMs, groups and contacts across Slack, Teams, Webex and Zoom',
  usageHint: '[help | status | sync | dm <person> <text> | contacts | people | prompt | group | contactsync]',
  verbs: [
    { verb: 'help', usage: 'help', description: 'List the commands you may use', adminOnly: false },
    { verb: 'status', usage: 'status', description: 'Your sync state and primary team', adminOnly: false },
    { verb: 'sync', usage: 'sync', description: 'Get your personal "Sync now" link', adminOnly: false },
    { verb: 'dm', usage: 'dm <person> <text>', description: 'Send a direct message to someone on any platform', adminOnly: false },
    { verb: 'contacts', usage: 'contacts [group add|remove|list ...]', description: 'Your contact groups', adminOnly: false },
    { verb: 'people', usage: 'people [platform=..] [status=..] [type=..] [page=N]', description: 'List people and their sync state (admin)', adminOnly: true },
    { verb: 'prompt', usage: 'prompt <person>... | prompt all [platform=..]', description: 'Ask people to sync (admin)', adminOnly: true },
    { verb: 'directory', usage: 'directory sync [<workspace>|all] | directory status', description: 'Import people from connected workspaces (admin)', adminOnly: true },
    { verb: 'group', usage: 'group create|list|show|on|off|run|undo|delete ...', description: 'Keep channels and spaces in sync by rules (admin)', adminOnly: true },
    { verb: 'contactsync', usage: 'contactsync create|list|show|run|delete ...', description: "Push a person's contact group to others (admin)", adminOnly: true },
  ] satisfies CommandVerb[],
} as const;

/** Name, descriptions and colours shown wherever the app is listed. */
export const APP = {
  name: 'Crosstalk',
  developerName: 'Crosstalk',
  version: '0.1.0',
  shortDescription: 'One chat across Slack, Teams, Webex and Zoom',
  longDescription:
    'Crosstalk lets an organization that runs several chat platforms work as if it ran one. ' +
    'Everyone picks a primary team with a one-click "Sync now" prompt, then direct messages reach ' +
    'each person natively on their own platform, replies, edits and reactions included. ' +
    'Admins keep channels, spaces and contact lists in sync by rules with the /crosstalk command.',
  /** The brand colour: icon background, Slack background_color, Teams accentColor. */
  accentColor: '#4B3FD8',
  botUsername: 'crosstalk',
  welcome: {
    title: 'Welcome to Crosstalk',
    body: 'Type /crosstalk help to see what you can do, or /crosstalk sync to connect your accounts.',
  },
} as const;

/** Slack: OAuth scopes and Events API subscriptions. `/slack/install` and user sync ask for exactly these. */
export const SLACK = {
  botScopes: [
    'channels:manage',
    'channels:read',
    'chat:write',
    'chat:write.customize',
    'commands',
    'groups:read',
    'groups:write',
    'im:history',
    'im:read',
    'im:write',
    'reactions:read',
    'reactions:write',
    'users.profile:read',
    'users:read',
    'users:read.email',
  ],
  /** Asked of each person for user sync, so their DMs and reactions are posted as them. */
  userScopes: ['chat:write', 'im:history', 'im:read', 'im:write', 'reactions:write', 'users:read', 'users:read.email'],
  botEvents: ['message.im', 'app_home_opened', 'team_join', 'user_change', 'reaction_added', 'reaction_removed'],
} as const;

/** Microsoft Teams: the bot's install scopes, the app's permissions and its Microsoft Graph permissions. */
export const TEAMS = {
  manifestVersion: '1.22',
  schemaUrl: 'https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json',
  botScopes: ['personal', 'team', 'groupChat'],
  permissions: ['identity', 'messageTeamMembers'],
  /** Verbs offered in team and group chats, where only a person's own commands make sense. */
  groupVerbs: ['help', 'status', 'sync'],
  /**
   * Graph application permissions of the app-only token (directory import, team and channel
   * membership). Application permissions always need an administrator's consent.
   */
  graphApplicationPermissions: ['User.Read.All', 'TeamMember.ReadWrite.All', 'ChannelMember.ReadWrite.All', 'Team.ReadBasic.All', 'Channel.ReadBasic.All'],
  /** Graph delegated permissions each person grants for user sync (OpenID scopes included). */
  graphDelegatedScopes: ['openid', 'profile', 'email', 'offline_access', 'User.Read', 'Chat.ReadWrite', 'ChatMessage.Send'],
  /**
   * New multi-tenant Azure Bot registrations are deprecated since 2025-07-31, so single-tenant is
   * the default (`MICROSOFT_APP_TYPE`).
   */
  defaultAppType: 'SingleTenant',
} as const;

/** Webex: the bot's webhooks and the integration's scopes. */
export const WEBEX = {
  /** Registered by the service at start, all pointing at the webhook endpoint. */
  webhooks: [
    { resource: 'messages', event: 'created' },
    { resource: 'attachmentActions', event: 'created' },
    { resource: 'memberships', event: 'created' },
  ],
  /** Asked of each person for user sync; `spark:kms` lets Crosstalk read and write encrypted content. */
  integrationScopes: [
    'spark:kms',
    'spark:memberships_read',
    'spark:memberships_write',
    'spark:messages_read',
    'spark:messages_write',
    'spark:people_read',
    'spark:rooms_read',
  ],
  /**
   * What the optional `WEBEX_ADMIN_TOKEN` must carry to list the whole organization (a full or
   * read-only administrator's token). Without it Crosstalk lists the members of the bot's spaces.
   */
  adminTokenScopes: ['spark-admin:people_read'],
} as const;

/** Zoom Team Chat: the two apps Crosstalk uses, their scopes, and webhook events. */
export const ZOOM = {
  /**
   * The Team Chat (General) app, admin-managed so its chatbot can reach everyone in the account.
   * Its chatbot token comes from the `client_credentials` grant and carries only `imchat:bot`.
   */
  botScopes: ['imchat:bot'],
  /** Asked of each person for user sync (authorization-code grant of the same app). */
  userScopes: [
    'team_chat:delete:user_message',
    'team_chat:read:list_user_messages',
    'team_chat:read:user_message',
    'team_chat:update:user_message',
    'team_chat:write:user_message',
    'user:read:email',
    'user:read:user',
  ],
  /** User-sync events: a person's own DMs posted, edited or deleted in the Zoom client. */
  eventTypes: ['team_chat.dm_message_posted', 'team_chat.dm_message_updated', 'team_chat.dm_message_deleted'],
  /** The in-client page only runs Zoom's in-client OAuth. */
  inClientApis: ['authorize', 'onAuthorized'],
  /**
   * The optional Server-to-Server OAuth app (`ZOOM_S2S_*`): the only app type that may use the
   * `account_credentials` grant, for account-level directory and channel membership work.
   */
  s2sScopes: [
    'team_chat:read:channel:admin',
    'team_chat:read:list_channels:admin',
    'team_chat:delete:member:admin',
    'team_chat:read:list_members:admin',
    'team_chat:write:administrator:admin',
    'team_chat:write:members:admin',
    'user:read:list_users:admin',
    'user:read:user:admin',
  ],
  /** What stops working without the Server-to-Server OAuth app, said the same way everywhere. */
  withoutS2s: 'directory sync and directory status for Zoom, and group syncs that add or remove Zoom channel members',
} as const;
