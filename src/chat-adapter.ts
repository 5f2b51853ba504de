/**
 * The one interface every platform adapter implements, and the platform-neutral types the core
 * speaks. The core never imports a platform SDK: it sees only what is declared here.
 *
 * Neutral text ("Crosstalk markdown") is what `InboundMessage.text` carries and what the core
 * hands to `send`: `**bold**`, `_italic_`, `~~strike~~`, `` `code` ``, fenced code blocks,
 * `[label](url)` links, bare URLs, `:shortcode:` emoji, `\n` line breaks, user mentions
 * `<@USERID>` or `<@USERID|Display Name>` and channel mentions `<#CHANNELID>` or
 * `<#CHANNELID|name>`. Mention ids are the adapter's own platform ids; the core rewrites them
 * between platforms before sending.
 */
import type { Router } from 'express';
import type { Logger } from './log.js';

/** The platforms Crosstalk bridges. */
export const PLATFORMS = ['slack', 'teams', 'webex', 'zoom'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Each platform's name as people read it; the one table of platform names. */
export const PLATFORM_NAMES: Record<Platform, string> = { slack: 'Slack', teams: 'Microsoft Teams', webex: 'Webex', zoom: 'Zoom' };
/** The short form, where space is tight (Slack's 80-character sender name, the sandbox's pane titles). */
export const PLATFORM_SHORT_NAMES: Record<Platform, string> = { ...PLATFORM_NAMES, teams: 'Teams' };

/** True when `value` names one of the platforms (route parameters, command options, arguments). */
export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}

/** A connected platform instance as the adapter needs it for outbound work (credentials decrypted). */
export interface WorkspaceRef {
  /** The platform's own id: Slack team id, Microsoft tenant id, Webex org id, Zoom account id. */
  externalId: string;
  /** Bot credentials for this workspace, e.g. `{ botToken }`; never logged. */
  credentials: Record<string, string>;
}

/** Who a message is posted as. */
export type SendAs =
  /** Bot sync: the bot posts, showing the real sender's name, avatar and home platform. */
  | { kind: 'bot'; displayName?: string; avatarUrl?: string; fromPlatform?: Platform }
  /** User sync: posted with the person's own authorized token on this platform. */
  | { kind: 'user'; accessToken: string };

/** A button on an outbound message: either a link (Sync now) or an action posted back to us. */
export interface Button {
  label: string;
  /** Link button: opens this URL, nothing is posted back. */
  url?: string;
  /** Action button: comes back as an `action` event with this id and value. */
  actionId?: string;
  value?: string;
  style?: 'primary' | 'danger';
}

/** What the core asks an adapter to show. */
export interface OutboundMessage {
  /** Neutral text (see the module comment). */
  text: string;
  buttons?: Button[];
  /** Reply in this thread (the platform message id of the thread root). */
  threadId?: string;
  /**
   * A relayed copy's stable id. The adapter attaches it where the platform keeps it with the
   * message (Slack `metadata`), and does not resend on its own after a failure that may have
   * reached the platform (timeout, dropped connection, 5xx): the relay asks `findRelayedCopy` first.
   */
  relayTag?: string;
}

/** What `findRelayedCopy` looks for: a send that failed without saying whether it was posted. */
export interface RelayedCopyProbe {
  /** The `relayTag` the send carried. */
  tag: string;
  /** The message exactly as it was sent (text, thread). */
  message: OutboundMessage;
  /** Who it was posted as. */
  as: SendAs;
  /** The copy cannot be older than this (when the relay recorded it, less some clock skew). */
  since: Date;
}

/** Where a message goes: a conversation (DM, channel, space) on one workspace. */
export interface ConversationTarget {
  workspace: WorkspaceRef;
  conversationId: string;
}

/** A message the adapter has posted: enough to edit, delete or thread on it later. */
export interface MessageRef {
  workspace: WorkspaceRef;
  conversationId: string;
  messageId: string;
}

/** A user as the platform's directory lists them. */
export interface DirectoryUser {
  userId: string;
  email?: string;
  name: string;
  deactivated: boolean;
  isBot: boolean;
  /** Office location, department and similar profile facts used by group rules. */
  buildings?: string[];
  department?: string;
  avatarUrl?: string;
}

/** One page of a directory listing; `nextCursor` absent on the last page. */
export interface DirectoryPage {
  users: DirectoryUser[];
  nextCursor?: string;
}

/** A channel/space/team as the platform describes it (`ChatAdapter.findChannel`). */
export interface ChannelInfo {
  /** The id group syncs and `addMember` take. */
  id: string;
  name: string;
  /** Whether the bot can add and remove members there. */
  canManage: boolean;
  /** Why it cannot, in words for an admin. */
  detail?: string;
}

/** The result of a personal OAuth authorization-code exchange. */
export interface UserGrant {
  userId: string;
  email?: string;
  workspaceExternalId: string;
  accessToken: string;
  refreshToken?: string;
  expiresAt?: Date;
  scopes: string[];
}

/** A workspace health check ("sync panel / refresh status"). */
export interface HealthReport {
  tokenValid: boolean;
  botPresent: boolean;
  scopesGranted: boolean;
  /** `'unknown'` where the platform has no API to read its event subscriptions (Slack, Teams). */
  webhooksRegistered: boolean | 'unknown';
  missingScopes: string[];
  detail?: string;
}

/** Fields every inbound event carries. */
interface InboundBase {
  platform: Platform;
  /** The platform's workspace id (`WorkspaceRef.externalId`). */
  workspaceId: string;
  /** Stable across platform retries and duplicate deliveries: the de-duplication key. */
  eventId: string;
  /** The acting user's platform id. */
  userId: string;
  /** The conversation the event happened in. */
  conversationId: string;
}

/** Platform-neutral inbound events, tagged by `kind`. */
export type InboundEvent =
  | (InboundBase & {
      kind: 'message';
      messageId: string;
      text: string;
      threadId?: string;
      isDirect: boolean;
      files?: Array<{ name: string; url: string; size?: number }>;
    })
  | (InboundBase & { kind: 'message_edited'; messageId: string; text: string })
  | (InboundBase & { kind: 'message_deleted'; messageId: string })
  | (InboundBase & { kind: 'reaction'; messageId: string; emoji: string; added: boolean })
  | (InboundBase & { kind: 'command'; text: string })
  | (InboundBase & { kind: 'action'; actionId: string; value: string; messageId?: string })
  | (InboundBase & { kind: 'member_joined' })
  | (InboundBase & { kind: 'user_changed'; user: DirectoryUser })
  | (InboundBase & { kind: 'app_installed' });

export type InboundKind = InboundEvent['kind'];

/** What the core answers to an inbound event; a reply is shown to the acting user where they are. */
export interface HandleResult {
  reply?: OutboundMessage;
}

/** The core's side of the contract: adapters hand every verified, normalized event here. */
export interface InboundSink {
  /** Resolves once the event is durably recorded (and, for commands, answered). */
  handle(event: InboundEvent): Promise<HandleResult>;
}

/** Parameters for a personal OAuth authorization URL. */
export interface AuthorizeParams {
  state: string;
  redirectUri: string;
  /** PKCE S256 challenge, where the platform supports PKCE. */
  codeChallenge?: string;
}

/** Parameters for exchanging an authorization code. */
export interface ExchangeParams {
  code: string;
  redirectUri: string;
  codeVerifier?: string;
}

/** A workspace the environment's credentials define (single-workspace Slack, a Teams tenant, …). */
export interface ConfiguredWorkspace extends WorkspaceRef {
  name: string;
}

/**
 * What a platform lets its adapter do. Core code asks these, never whether a method exists: a
 * method whose capability is off throws `AdapterError` with code NotSupported.
 */
export interface AdapterCapabilities {
  /** A reply can stay in a thread under the message it answers (1:1 chats included). */
  threads: boolean;
  /** A bot message can be edited after it was sent (relayed edits). */
  edits: boolean;
  /** A bot message can be deleted (relayed deletes). */
  deletes: boolean;
  /** Emoji reactions can be added and removed (`react`); otherwise the relay posts a short note. */
  reactions: boolean;
  /** What "manager" becomes when a group sync adds someone; undefined: a plain member. */
  managerRole?: 'owner' | 'moderator' | 'admin';
  /** Messages can be posted with a person's own token (user sync). */
  postAsUser: boolean;
  /** Longest message text the platform accepts, in characters (its own reference). */
  maxTextLength: number;
  /** One user can be looked up (`getUser`); otherwise the core pages `listUsers`. */
  userLookup: boolean;
  /** A user token can be refreshed (`refreshUserToken`); otherwise the person re-authorizes. */
  tokenRefresh: boolean;
}

/** The NotSupported failure of a method whose capability is off. */
export function notSupported(platform: Platform, what: string): never {
  throw new AdapterError(AdapterErrorCode.NotSupported, `${PLATFORM_NAMES[platform]} does not support ${what}`);
}

/** The one interface each `adapters/<platform>` implements. */
export interface ChatAdapter {
  readonly platform: Platform;
  /** What this platform supports; see `AdapterCapabilities`. */
  readonly capabilities: AdapterCapabilities;
  /** True when personal OAuth (user sync) is set up for this platform, so "Connect" can be offered. */
  readonly userOAuth: boolean;
  /**
   * The workspaces the configuration itself defines, looked up on the platform (e.g. Slack
   * `auth.test`, Webex `people/me`); registered at every start-up. Optional: platforms whose
   * workspaces arrive only through installs have none.
   */
  configuredWorkspaces?(): Promise<ConfiguredWorkspace[]>;
  /** Mounts the platform's inbound endpoints (paths from the design's contract) on the app. */
  mount(router: Router): void;
  /** Starts background work (token warm-up, webhook registration); optional. */
  start?(): Promise<void>;
  /** Stops background work; optional. */
  stop?(): Promise<void>;

  /**
   * Opens (or finds) a 1:1 conversation with a user: the bot's, or with `as` a user token, the
   * token owner's DM with that user (user sync).
   */
  openDirect(workspace: WorkspaceRef, userId: string, as?: SendAs): Promise<string>;
  /** Posts a message as the bot or as a user; returns what was posted. */
  send(target: ConversationTarget, message: OutboundMessage, as: SendAs): Promise<MessageRef>;
  update(ref: MessageRef, message: OutboundMessage, as: SendAs): Promise<void>;
  delete(ref: MessageRef, as: SendAs): Promise<void>;
  /**
   * After a send that failed ambiguously, looks in the conversation for the copy that send may have
   * posted: the platform's candidates, newest first (several when only text and time identify them),
   * `[]` when there is none, `undefined` when this poster's messages cannot be read back (Zoom
   * chatbot and Teams bot messages cannot be listed). Slack finds its `metadata` tag; Webex and
   * Zoom (user tokens) match the exact text, the poster and the time.
   */
  findRelayedCopy(target: ConversationTarget, probe: RelayedCopyProbe): Promise<MessageRef[] | undefined>;
  /** Adds or removes an emoji reaction (`:shortcode:` name without colons); `capabilities.reactions`. */
  react(ref: MessageRef, emoji: string, added: boolean, as: SendAs): Promise<void>;
  /** Lists the workspace's users one page at a time. */
  listUsers(workspace: WorkspaceRef, cursor?: string): Promise<DirectoryPage>;
  /** Looks up one user; `capabilities.userLookup` (the core falls back to paging `listUsers`). */
  getUser(workspace: WorkspaceRef, userId: string): Promise<DirectoryUser | undefined>;
  /** Adds a user to a channel/space/team; `manager` maps to the platform's owner/moderator/admin. */
  addMember(
    workspace: WorkspaceRef,
    conversationId: string,
    userId: string,
    role: 'member' | 'manager',
  ): Promise<'added' | 'already_member'>;
  /**
   * Finds a channel/space/team by its platform id, or by its name through the platform's channel
   * list; undefined when there is none.
   */
  findChannel(workspace: WorkspaceRef, reference: { id: string; name?: undefined } | { name: string; id?: undefined }): Promise<ChannelInfo | undefined>;
  /** Lists a channel's members one page at a time (group sync: who is there already). */
  listMembers(workspace: WorkspaceRef, conversationId: string, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }>;
  /** Removes a user a group sync added (group undo). */
  removeMember(workspace: WorkspaceRef, conversationId: string, userId: string): Promise<'removed' | 'not_member'>;
  /** Personal OAuth (user sync). */
  authorizeUrl(params: AuthorizeParams): string;
  exchangeCode(params: ExchangeParams): Promise<UserGrant>;
  /** Whether a user token still works (false when revoked or expired). */
  checkUserToken(workspace: WorkspaceRef, accessToken: string): Promise<boolean>;
  /** Trades a refresh token for a new grant; `capabilities.tokenRefresh`. */
  refreshUserToken(refreshToken: string): Promise<UserGrant>;
  /** Workspace health: token, bot presence, scopes, webhooks. */
  checkHealth(workspace: WorkspaceRef): Promise<HealthReport>;
  /** Dialect conversion between the platform's text format and neutral text. */
  toNeutral(platformText: string): string;
  fromNeutral(neutralText: string): string;
}

/** Error codes an adapter raises; the core decides on retries and messages by code. */
export enum AdapterErrorCode {
  RateLimited = 'rate_limited',
  Unavailable = 'platform_unavailable',
  Timeout = 'timeout',
  InvalidToken = 'invalid_token',
  NotFound = 'not_found',
  Forbidden = 'forbidden',
  BadRequest = 'bad_request',
  NotSupported = 'not_supported',
}

/** A typed adapter failure: `retryable` tells the core whether a job should try again. */
export class AdapterError extends Error {
  constructor(
    readonly code: AdapterErrorCode,
    message: string,
    readonly options: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AdapterError';
  }

  get retryable(): boolean {
    return [
      AdapterErrorCode.RateLimited,
      AdapterErrorCode.Unavailable,
      AdapterErrorCode.Timeout,
    ].includes(this.code);
  }
}

/** Durable adapter state (Slack installations, Teams conversation references, webhook ids). */
export interface AdapterStore {
  get<T>(platform: Platform, workspaceId: string, key: string): Promise<T | undefined>;
  /** `secret: true` encrypts the value at rest. */
  set<T>(platform: Platform, workspaceId: string, key: string, value: T, options?: { secret?: boolean }): Promise<void>;
  delete(platform: Platform, workspaceId: string, key: string): Promise<void>;
}

/** Resolves workspaces the service knows, with decrypted bot credentials. */
export interface WorkspaceDirectory {
  get(platform: Platform, externalId: string): Promise<WorkspaceRef | undefined>;
  /** Records (or updates) a workspace after an install; credentials are encrypted at rest. */
  upsert(platform: Platform, workspace: WorkspaceRef & { name: string }): Promise<void>;
}

/**
 * What the composition root passes to each `createXAdapter(deps)` factory: the adapter's own
 * settings section (never another platform's secrets) and the service's shared parts.
 */
export interface AdapterDeps<S = unknown> {
  /** This platform's section of the configuration (`AppConfig['slack']`, …). */
  settings: S;
  /** Base URL platforms and browsers reach this service at (webhooks, OAuth returns). */
  publicUrl: string;
  log: Logger;
  sink: InboundSink;
  workspaces: WorkspaceDirectory;
  store: AdapterStore;
}
