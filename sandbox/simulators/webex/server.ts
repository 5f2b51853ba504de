/**
 * A local Webex: the part of the REST API (`/v1`) that Crosstalk and `webex-node-bot-framework`
 * use, the U2C service catalog the SDK asks for at start, the OAuth integration endpoints, and
 * helpers that play Webex's side of webhooks (compact JSON bodies signed with `X-Spark-Signature`,
 * delivered to each registered `targetUrl` with that webhook's `id` and `name`).
 *
 * Behaviour follows what Webex documents and the SDKs were seen to need: real `ciscospark://` ids,
 * the 401 body for a bad token, Link-header paging, people batch lookups answering
 * `{items, notFoundIds}`, bots receiving group-space messages only when mentioned, message edits
 * limited to ten and refused for messages with attachments.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { SimServer, deliver } from '../sim-core.js';
import { decodeWebexId, webexId } from './ids.js';
import { webexUnknownRoute } from './unknown-route.js';

/** A person (or bot) in a simulated Webex organization. */
export interface SimPerson {
  id: string;
  orgId: string;
  emails: string[];
  displayName: string;
  firstName?: string;
  lastName?: string;
  avatar?: string;
  type: 'person' | 'bot';
  created: string;
  /** False for a deactivated account. */
  loginEnabled: boolean;
  department?: string;
  title?: string;
  /** Office buildings; exposed as `addresses[].locality` (type `work`). */
  buildings?: string[];
}

/** A simulated organization: its bot and the bot's access token. */
export interface SimOrg {
  id: string;
  name: string;
  bot: SimPerson;
  botToken: string;
}

/** A space: `direct` (1:1) or `group`. */
export interface SimRoom {
  id: string;
  title: string;
  type: 'direct' | 'group';
  isLocked: boolean;
  creatorId: string;
  ownerId: string;
  created: string;
  lastActivity: string;
}

/** A membership of a person in a room. */
export interface SimMembership {
  id: string;
  roomId: string;
  personId: string;
  personEmail: string;
  personDisplayName: string;
  personOrgId: string;
  isModerator: boolean;
  isMonitor: boolean;
  isRoomHidden: boolean;
  roomType: 'direct' | 'group';
  created: string;
}

/** A message as `GET /v1/messages/{id}` returns it. */
export interface SimMessage {
  id: string;
  parentId?: string;
  roomId: string;
  roomType: 'direct' | 'group';
  text?: string;
  markdown?: string;
  html?: string;
  files?: string[];
  attachments?: Array<{ contentType: string; content: unknown }>;
  personId: string;
  personEmail: string;
  mentionedPeople?: string[];
  mentionedGroups?: string[];
  created: string;
  updated?: string;
  /** Edits made so far (not part of the API answer). */
  edits: number;
}

/** A card submission (`GET /v1/attachment/actions/{id}`). */
export interface SimAttachmentAction {
  id: string;
  type: 'submit';
  messageId: string;
  inputs: Record<string, unknown>;
  personId: string;
  roomId: string;
  created: string;
}

/** A registered webhook. */
export interface SimWebhook {
  id: string;
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  secret?: string;
  status: 'active' | 'inactive';
  created: string;
  orgId: string;
  createdBy: string;
  appId: string;
  ownedBy: 'creator' | 'org';
}

/** One webhook notification POSTed to a target, with its answer. */
export interface SimDelivery {
  webhookId: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  status: number;
  text: string;
}

/** What an inbound helper did: the notification object and every delivery of it. */
export interface SimNotified<T = SimMessage> {
  notification: Record<string, unknown>;
  deliveries: SimDelivery[];
  /** The resource the event is about (message, membership or attachment action). */
  resource: T;
}

/** Options for inbound helpers. */
export interface NotifyOptions {
  /** Deliver the identical notification twice, as Webex occasionally does. */
  duplicate?: boolean;
}

/** An OAuth integration the simulator knows. */
export interface SimOAuthClient {
  clientId: string;
  clientSecret: string;
}

/** Options for `createWebexSimulator`. */
export interface WebexSimulatorOptions {
  /** Seed one organization with a bot and an OAuth client (default true). */
  seed?: boolean;
  /** Webhook secret suggested to the service through `sandboxSettings()`. */
  webhookSecret?: string;
}

/** The values the composition root puts into `AppConfig.webex` to run against this simulator. */
export interface WebexSandboxSettings {
  apiUrl: string;
  botToken: string;
  webhookSecret: string;
  clientId: string;
  clientSecret: string;
}

const BOT_APP_ID = webexId('APPLICATION', 'C279cb30c029180bb4bdaebb061b7965cda39b60297c8503f266abf66c999ec1f');
const MAX_MESSAGE_BYTES = 7439;
const MAX_EDITS = 10;
const INVALID_TOKEN_MESSAGE = 'The request requires a valid access token set in the Authorization request header.';

function now(): string {
  return new Date().toISOString();
}

/**
 * A token shaped like Webex's: `<alphanumeric>_<cluster>_<org uuid>`. The SDK reads the org from
 * the last part and asks the service catalog only when there are exactly three parts.
 */
function mintToken(orgId: string): string {
  const orgUuid = decodeWebexId(orgId)?.uuid ?? randomUUID();
  return `${randomBytes(64).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 64)}_PF84_${orgUuid}`;
}

function trackingId(): string {
  return `ROUTER_${randomUUID().toUpperCase()}`;
}

/** Webex's error body: `{message, errors:[{description}], trackingId}`. */
function sendError(res: Response, status: number, message: string): void {
  const id = trackingId();
  res.setHeader('TrackingID', id);
  res.status(status).json({ message, errors: [{ description: message }], trackingId: id });
}

function markdownToText(markdown: string): string {
  return markdown
    .replace(/<@(?:personId|personEmail):[^|>]+\|([^>]+)>/g, '$1')
    .replace(/<@all>/g, 'All')
    .replace(/```[a-z]*\n?([\s\S]*?)```/g, '$1')
    .replace(/\*\*(.+?)\*\*|__(.+?)__/g, (_m, a, b) => a ?? b)
    .replace(/~~(.+?)~~/g, '$1')
    .replace(/(?<![*\w])[*_](\S(?:.*?\S)?)[*_](?![*\w])/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)');
}

function markdownToHtml(markdown: string, byEmail: (e: string) => SimPerson | undefined): string {
  const escaped = markdown.replace(/&/g, '&amp;');
  const withMentions = escaped
    .replace(/<@personId:([^|>]+)\|([^>]+)>/g, (_m, id: string, name: string) => {
      return `<spark-mention data-object-type="person" data-object-id="${id}">${name}</spark-mention>`;
    })
    .replace(/<@personEmail:([^|>]+)\|([^>]+)>/g, (_m, email: string, name: string) => {
      const p = byEmail(email);
      return `<spark-mention data-object-type="person" data-object-id="${p?.id ?? email}">${name}</spark-mention>`;
    })
    .replace(/<@all>/g, '<spark-mention data-object-type="groupMention" data-group-type="all">All</spark-mention>');
  const html = withMentions
    .replace(/```[a-z]*\n?([\s\S]*?)```/g, (_m, code: string) => `<pre><code>${code}</code></pre>`)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/~~(.+?)~~/g, '<del>$1</del>')
    .replace(/(?<![*\w])\*(\S(?:.*?\S)?)\*(?![*\w])/g, '<em>$1</em>')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<a href="$2">$1</a>')
    .replace(/\n/g, '<br/>');
  return `<p>${html}</p>`;
}

/** The simulated Webex: server, state, seeding and inbound helpers. */
export class WebexSimulator {
  readonly server = new SimServer('webex');

  /** The recording server, under the name the other simulators use. */
  get sim(): SimServer {
    return this.server;
  }
  readonly orgs = new Map<string, SimOrg>();
  readonly people = new Map<string, SimPerson>();
  readonly rooms = new Map<string, SimRoom>();
  readonly memberships = new Map<string, SimMembership>();
  readonly messages = new Map<string, SimMessage>();
  readonly attachmentActions = new Map<string, SimAttachmentAction>();
  readonly webhooks = new Map<string, SimWebhook>();
  readonly oauthClients = new Map<string, SimOAuthClient>();
  /** Access token → the person it acts for, and its scopes. */
  readonly tokens = new Map<string, { personId: string; scopes: string[]; clientId?: string }>();
  private readonly codes = new Map<
    string,
    { clientId: string; redirectUri: string; personId: string; scopes: string[]; codeChallenge?: string; method?: string }
  >();
  private readonly refreshTokens = new Map<string, { personId: string; clientId: string; scopes: string[] }>();
  /** The person who "signs in" at `/v1/authorize` when no `login_hint` is given. */
  authorizingPersonId?: string;
  readonly webhookSecret: string;

  constructor(options: WebexSimulatorOptions = {}) {
    this.webhookSecret = options.webhookSecret ?? 'sandbox-webex-webhook-secret';
    this.routes();
    if (options.seed ?? true) {
      this.addOrg({ name: 'Acme', botName: 'Crosstalk', botEmail: 'crosstalk@webex.bot' });
      this.addOAuthClient({ clientId: 'C_sandbox_crosstalk_integration', clientSecret: 'sandbox-integration-secret' });
    }
  }

  /** Base URL of the REST API, e.g. `http://127.0.0.1:41234/v1`. */
  get apiUrl(): string {
    return `${this.server.url}/v1`;
  }

  async start(port = 0): Promise<this> {
    await this.server.start(port);
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The settings that point the real adapter at this simulator (first organization's bot). */
  sandboxSettings(): WebexSandboxSettings {
    const org = [...this.orgs.values()][0];
    const client = [...this.oauthClients.values()][0];
    if (!org || !client) throw new Error('webex simulator has no organization or OAuth client seeded');
    return {
      apiUrl: this.apiUrl,
      botToken: org.botToken,
      webhookSecret: this.webhookSecret,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
    };
  }

  // ---- seeding ---------------------------------------------------------------------------

  /** Adds an organization with its own bot (and bot token). */
  addOrg(input: { name: string; botName?: string; botEmail?: string; botToken?: string }): SimOrg {
    const orgId = webexId('ORGANIZATION');
    const bot: SimPerson = {
      id: webexId('PEOPLE'),
      orgId,
      emails: [input.botEmail ?? `crosstalk-${this.orgs.size + 1}@webex.bot`],
      displayName: input.botName ?? 'Crosstalk',
      type: 'bot',
      created: now(),
      loginEnabled: true,
    };
    this.people.set(bot.id, bot);
    const botToken = input.botToken ?? mintToken(orgId);
    this.tokens.set(botToken, { personId: bot.id, scopes: ['spark:all'] });
    const org: SimOrg = { id: orgId, name: input.name, bot, botToken };
    this.orgs.set(orgId, org);
    return org;
  }

  /** The first organization (seeded by default). */
  get defaultOrg(): SimOrg {
    const org = [...this.orgs.values()][0];
    if (!org) throw new Error('webex simulator has no organization');
    return org;
  }

  /** Adds a person to an organization (default: the first one). */
  addPerson(input: {
    email: string;
    displayName: string;
    orgId?: string;
    avatar?: string;
    deactivated?: boolean;
    department?: string;
    title?: string;
    buildings?: string[];
  }): SimPerson {
    const orgId = input.orgId ?? this.defaultOrg.id;
    const [firstName, ...rest] = input.displayName.split(' ');
    const person: SimPerson = {
      id: webexId('PEOPLE'),
      orgId,
      emails: [input.email.toLowerCase()],
      displayName: input.displayName,
      firstName,
      lastName: rest.join(' ') || undefined,
      avatar: input.avatar,
      type: 'person',
      created: now(),
      loginEnabled: !input.deactivated,
      department: input.department,
      title: input.title,
      buildings: input.buildings,
    };
    this.people.set(person.id, person);
    return person;
  }

  /** Issues a user access token, as an integration would hold after OAuth. */
  issueUserToken(personId: string, scopes: string[] = ['spark:all']): string {
    const person = this.mustPerson(personId);
    const token = mintToken(person.orgId);
    this.tokens.set(token, { personId, scopes });
    return token;
  }

  addOAuthClient(client: SimOAuthClient): SimOAuthClient {
    this.oauthClients.set(client.clientId, client);
    return client;
  }

  /** Creates a group space with members (the creator becomes a moderator). */
  createSpace(input: { title: string; creatorId: string; memberIds?: string[]; moderatorIds?: string[]; isLocked?: boolean }): SimRoom {
    const room: SimRoom = {
      id: webexId('ROOM'),
      title: input.title,
      type: 'group',
      isLocked: input.isLocked ?? false,
      creatorId: input.creatorId,
      ownerId: this.mustPerson(input.creatorId).orgId,
      created: now(),
      lastActivity: now(),
    };
    this.rooms.set(room.id, room);
    this.addMembership(room, input.creatorId, true);
    for (const id of input.memberIds ?? []) {
      if (id !== input.creatorId) this.addMembership(room, id, input.moderatorIds?.includes(id) ?? false);
    }
    return room;
  }

  /** Finds or creates the 1:1 room between two people. */
  directRoom(aId: string, bId: string): SimRoom {
    for (const room of this.rooms.values()) {
      if (room.type !== 'direct') continue;
      const members = this.membersOf(room.id).map((m) => m.personId);
      if (members.includes(aId) && members.includes(bId)) return room;
    }
    const b = this.mustPerson(bId);
    const room: SimRoom = {
      id: webexId('ROOM'),
      title: b.displayName,
      type: 'direct',
      isLocked: false,
      creatorId: aId,
      ownerId: this.mustPerson(aId).orgId,
      created: now(),
      lastActivity: now(),
    };
    this.rooms.set(room.id, room);
    this.addMembership(room, aId, false);
    this.addMembership(room, bId, false);
    return room;
  }

  /** Members of a room. */
  membersOf(roomId: string): SimMembership[] {
    return [...this.memberships.values()].filter((m) => m.roomId === roomId);
  }

  /** Messages of a room, oldest first: what the people in it see. */
  messagesIn(roomId: string): SimMessage[] {
    return [...this.messages.values()].filter((m) => m.roomId === roomId);
  }

  personByEmail(email: string): SimPerson | undefined {
    const wanted = email.toLowerCase();
    return [...this.people.values()].find((p) => p.emails.includes(wanted));
  }

  // ---- inbound helpers (Webex → service) -------------------------------------------------

  /** A person sends the org's bot (or `toId`) a 1:1 message. */
  async sendDirectMessage(
    input: { from: string; to?: string; text?: string; markdown?: string; files?: string[]; parentId?: string },
    options: NotifyOptions = {},
  ): Promise<SimNotified> {
    const sender = this.mustPerson(input.from);
    const to = input.to ?? this.orgs.get(sender.orgId)?.bot.id ?? this.defaultOrg.bot.id;
    const room = this.directRoom(input.from, to);
    const message = this.createMessage(sender, room, { text: input.text, markdown: input.markdown, files: input.files, parentId: input.parentId });
    return this.notifyMessage('created', message, sender.id, options);
  }

  /** A person posts in a group space, mentioning the bot when `mentionBot` (default true). */
  async sendSpaceMessage(
    input: { from: string; roomId: string; text: string; mentionBot?: boolean },
    options: NotifyOptions = {},
  ): Promise<SimNotified> {
    const sender = this.mustPerson(input.from);
    const room = this.mustRoom(input.roomId);
    let markdown = input.text;
    if (input.mentionBot ?? true) {
      const bot = this.membersOf(room.id)
        .map((m) => this.people.get(m.personId))
        .find((p) => p?.type === 'bot');
      if (bot) markdown = `<@personId:${bot.id}|${bot.displayName}> ${input.text}`;
    }
    const message = this.createMessage(sender, room, { markdown });
    return this.notifyMessage('created', message, sender.id, options);
  }

  /** The author edits a message (Webex: `PUT /v1/messages/{id}`), then webhooks fire `updated`. */
  async editMessage(input: { messageId: string; text?: string; markdown?: string }, options: NotifyOptions = {}): Promise<SimNotified> {
    const message = this.mustMessage(input.messageId);
    this.applyEdit(message, { text: input.text, markdown: input.markdown });
    return this.notifyMessage('updated', message, message.personId, options);
  }

  /** The author deletes a message; webhooks fire `deleted`. */
  async deleteMessage(input: { messageId: string }, options: NotifyOptions = {}): Promise<SimNotified> {
    const message = this.mustMessage(input.messageId);
    this.messages.delete(message.id);
    return this.notifyMessage('deleted', message, message.personId, options);
  }

  /** A person presses a submit button on a card the bot posted. */
  async submitCard(
    input: { from: string; messageId: string; inputs: Record<string, unknown> },
    options: NotifyOptions = {},
  ): Promise<SimNotified<SimAttachmentAction>> {
    const person = this.mustPerson(input.from);
    const message = this.mustMessage(input.messageId);
    const action: SimAttachmentAction = {
      id: webexId('ATTACHMENT_ACTION'),
      type: 'submit',
      messageId: message.id,
      inputs: input.inputs,
      personId: person.id,
      roomId: message.roomId,
      created: now(),
    };
    this.attachmentActions.set(action.id, action);
    const data = {
      id: action.id,
      type: action.type,
      messageId: action.messageId,
      personId: action.personId,
      roomId: action.roomId,
      created: action.created,
    };
    const targets = [...this.webhooks.values()].filter(
      (w) => w.createdBy === message.personId && this.webhookMatches(w, 'attachmentActions', 'created', message.roomId),
    );
    return { ...(await this.notify(targets, 'attachmentActions', 'created', data, person.id, options)), resource: action };
  }

  /** `personId` joins a space (added by `by`, default the room creator); webhooks fire `memberships created`. */
  async joinSpace(
    input: { roomId: string; personId: string; by?: string; isModerator?: boolean },
    options: NotifyOptions = {},
  ): Promise<SimNotified<SimMembership>> {
    const room = this.mustRoom(input.roomId);
    const membership = this.addMembership(room, input.personId, input.isModerator ?? false);
    const data = { ...membership };
    const targets = this.roomWebhooks(room, 'memberships', 'created');
    return { ...(await this.notify(targets, 'memberships', 'created', data, input.by ?? room.creatorId, options)), resource: membership };
  }

  /** Re-POSTs exactly the same bytes and headers of an earlier delivery (a duplicate or a replay). */
  async redeliver(delivery: SimDelivery): Promise<SimDelivery> {
    const res = await deliver(delivery.url, delivery.body, delivery.headers);
    return { ...delivery, status: res.status, text: res.text };
  }

  /** Signs a body the way Webex does: hex HMAC-SHA1 over the exact bytes sent. */
  static sign(secret: string, body: string): string {
    return createHmac('sha1', secret).update(body).digest('hex');
  }

  // ---- internals -------------------------------------------------------------------------

  private mustPerson(id: string): SimPerson {
    const p = this.people.get(id);
    if (!p) throw new Error(`webex simulator: no person ${id}`);
    return p;
  }

  private mustRoom(id: string): SimRoom {
    const r = this.rooms.get(id);
    if (!r) throw new Error(`webex simulator: no room ${id}`);
    return r;
  }

  private mustMessage(id: string): SimMessage {
    const m = this.messages.get(id);
    if (!m) throw new Error(`webex simulator: no message ${id}`);
    return m;
  }

  private addMembership(room: SimRoom, personId: string, isModerator: boolean): SimMembership {
    const person = this.mustPerson(personId);
    const membership: SimMembership = {
      id: webexId('MEMBERSHIP', `${decodeWebexId(person.id)?.uuid}:${decodeWebexId(room.id)?.uuid}`),
      roomId: room.id,
      personId: person.id,
      personEmail: person.emails[0],
      personDisplayName: person.displayName,
      personOrgId: person.orgId,
      isModerator,
      isMonitor: false,
      isRoomHidden: false,
      roomType: room.type,
      created: now(),
    };
    this.memberships.set(membership.id, membership);
    return membership;
  }

  private isMember(roomId: string, personId: string): boolean {
    return this.membersOf(roomId).some((m) => m.personId === personId);
  }

  private createMessage(
    sender: SimPerson,
    room: SimRoom,
    input: {
      text?: string;
      markdown?: string;
      html?: string;
      files?: string[];
      attachments?: SimMessage['attachments'];
      parentId?: string;
    },
  ): SimMessage {
    const mentionedPeople: string[] = [];
    const mentionedGroups: string[] = [];
    if (input.markdown) {
      for (const m of input.markdown.matchAll(/<@personId:([^|>]+)(?:\|[^>]*)?>/g)) mentionedPeople.push(m[1]);
      for (const m of input.markdown.matchAll(/<@personEmail:([^|>]+)(?:\|[^>]*)?>/g)) {
        const p = this.personByEmail(m[1]);
        if (p) mentionedPeople.push(p.id);
      }
      if (/<@all>/.test(input.markdown)) mentionedGroups.push('all');
    }
    const message: SimMessage = {
      id: webexId('MESSAGE'),
      parentId: input.parentId,
      roomId: room.id,
      roomType: room.type,
      text: input.text ?? (input.markdown !== undefined ? markdownToText(input.markdown) : undefined),
      markdown: input.markdown,
      html: input.markdown !== undefined ? this.toHtml(input.markdown) : input.html,
      files: input.files,
      attachments: input.attachments,
      personId: sender.id,
      personEmail: sender.emails[0],
      mentionedPeople: mentionedPeople.length ? mentionedPeople : undefined,
      mentionedGroups: mentionedGroups.length ? mentionedGroups : undefined,
      created: now(),
      edits: 0,
    };
    this.messages.set(message.id, message);
    room.lastActivity = message.created;
    return message;
  }

  private toHtml(markdown: string): string {
    return markdownToHtml(markdown, (e) => this.personByEmail(e));
  }

  private applyEdit(message: SimMessage, input: { text?: string; markdown?: string }): void {
    message.markdown = input.markdown;
    message.text = input.text ?? (input.markdown !== undefined ? markdownToText(input.markdown) : undefined);
    message.html = input.markdown !== undefined ? this.toHtml(input.markdown) : undefined;
    message.updated = now();
    message.edits += 1;
  }

  private messageJson(m: SimMessage): Record<string, unknown> {
    const { edits: _edits, ...rest } = m;
    return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
  }

  private webhookMatches(w: SimWebhook, resource: string, event: string, roomId?: string): boolean {
    if (w.status !== 'active') return false;
    const resourceOk = w.resource === resource || (w.resource === 'all' && resource !== 'attachmentActions');
    const eventOk = w.event === event || w.event === 'all';
    const filterRoom = w.filter ? new URLSearchParams(w.filter).get('roomId') : null;
    return resourceOk && eventOk && (!filterRoom || filterRoom === roomId);
  }

  /** Webhooks of room members; a bot hears group-space messages only when it is mentioned. */
  private roomWebhooks(room: SimRoom, resource: string, event: string, message?: SimMessage): SimWebhook[] {
    return [...this.webhooks.values()].filter((w) => {
      if (!this.webhookMatches(w, resource, event, room.id)) return false;
      if (!this.isMember(room.id, w.createdBy)) return false;
      const owner = this.people.get(w.createdBy);
      if (message && owner?.type === 'bot' && room.type === 'group' && owner.id !== message.personId) {
        return message.mentionedPeople?.includes(owner.id) ?? false;
      }
      return true;
    });
  }

  private async notifyMessage(event: 'created' | 'updated' | 'deleted', message: SimMessage, actorId: string, options: NotifyOptions): Promise<SimNotified> {
    const room = this.mustRoom(message.roomId);
    const data: Record<string, unknown> = {
      id: message.id,
      roomId: message.roomId,
      roomType: message.roomType,
      personId: message.personId,
      personEmail: message.personEmail,
    };
    if (message.mentionedPeople) data.mentionedPeople = message.mentionedPeople;
    data.created = message.created;
    if (event === 'updated' && message.updated) data.updated = message.updated;
    const targets = this.roomWebhooks(room, 'messages', event, message);
    return { ...(await this.notify(targets, 'messages', event, data, actorId, options)), resource: message };
  }

  private async notify(
    targets: SimWebhook[],
    resource: string,
    event: string,
    data: Record<string, unknown>,
    actorId: string,
    options: NotifyOptions,
  ): Promise<{ notification: Record<string, unknown>; deliveries: SimDelivery[] }> {
    const deliveries: SimDelivery[] = [];
    let notification: Record<string, unknown> = {};
    for (const w of targets) {
      notification = {
        id: w.id,
        name: w.name,
        targetUrl: w.targetUrl,
        resource,
        event,
        ...(w.filter ? { filter: w.filter } : {}),
        orgId: w.orgId,
        createdBy: w.createdBy,
        appId: w.appId,
        ownedBy: w.ownedBy,
        status: w.status,
        created: w.created,
        actorId,
        data,
      };
      // Compact JSON: the framework verifies over JSON.stringify of the parsed body.
      const body = JSON.stringify(notification);
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Webex-Webhook' };
      if (w.secret) headers['x-spark-signature'] = WebexSimulator.sign(w.secret, body);
      const times = options.duplicate ? 2 : 1;
      for (let i = 0; i < times; i++) {
        const res = await deliver(w.targetUrl, body, headers);
        deliveries.push({ webhookId: w.id, url: w.targetUrl, body, headers, status: res.status, text: res.text });
      }
    }
    return { notification, deliveries };
  }

  private personJson(p: SimPerson): Record<string, unknown> {
    const json: Record<string, unknown> = {
      id: p.id,
      emails: p.emails,
      phoneNumbers: [],
      displayName: p.displayName,
      nickName: p.firstName,
      firstName: p.firstName,
      lastName: p.lastName,
      avatar: p.avatar,
      orgId: p.orgId,
      created: p.created,
      lastActivity: p.created,
      status: p.loginEnabled ? 'active' : 'inactive',
      type: p.type,
      loginEnabled: p.loginEnabled,
    };
    if (p.department) json.department = p.department;
    if (p.title) json.title = p.title;
    if (p.buildings?.length) json.addresses = p.buildings.map((b) => ({ type: 'work', locality: b }));
    return JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
  }

  private caller(res: Response): SimPerson {
    return res.locals.caller as SimPerson;
  }

  /** Sends one page of `items` with an RFC 5988 `Link` header when more remain. */
  private page<T>(req: Request, res: Response, items: T[], extra: Record<string, unknown> = {}): void {
    const max = Math.max(1, Math.min(Number(req.query.max ?? 100) || 100, 1000));
    const offset = req.query.cursor ? Number(Buffer.from(String(req.query.cursor), 'base64url').toString()) || 0 : 0;
    const slice = items.slice(offset, offset + max);
    if (offset + max < items.length) {
      const next = new URL(`${this.server.url}${req.baseUrl}${req.path}`);
      for (const [k, v] of Object.entries(req.query)) if (k !== 'cursor') next.searchParams.set(k, String(v));
      next.searchParams.set('max', String(max));
      next.searchParams.set('cursor', Buffer.from(String(offset + max)).toString('base64url'));
      res.setHeader('Link', `<${next.toString()}>; rel="next"`);
    }
    res.json({ items: slice, ...extra });
  }

  private routes(): void {
    const app = this.server.app;
    this.server.unknownRoute = webexUnknownRoute;

    // U2C service catalog: keeps the SDK's start-up discovery local and points hydra here.
    const catalog = (_req: Request, res: Response) => {
      res.json({
        serviceLinks: { hydra: this.apiUrl, u2c: `${this.server.url}/u2c/api/v1` },
        hostCatalog: {},
        format: 'hostmap',
        timestamp: String(Date.now()),
      });
    };
    app.get('/u2c/api/v1/limited/catalog', catalog);
    app.get('/u2c/api/v1/catalog', catalog);

    app.get('/v1/authorize', (req, res) => this.authorize(req, res));
    app.post('/v1/access_token', (req, res) => this.accessToken(req, res));

    app.use('/v1', (req: Request, res: Response, next: NextFunction) => {
      const header = req.headers.authorization ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
      const grant = token ? this.tokens.get(token) : undefined;
      const person = grant ? this.people.get(grant.personId) : undefined;
      if (!person) return sendError(res, 401, INVALID_TOKEN_MESSAGE);
      res.locals.caller = person;
      next();
    });

    app.get('/v1/people/me', (_req, res) => {
      res.json(this.personJson(this.caller(res)));
    });
    app.get('/v1/people/:id', (req, res) => {
      const p = this.people.get(req.params.id);
      if (!p) return sendError(res, 404, 'Person not found.');
      res.json(this.personJson(p));
    });
    app.get('/v1/people', (req, res) => {
      const caller = this.caller(res);
      if (req.query.id) {
        const ids = String(req.query.id).split(',');
        const found = ids.map((id) => this.people.get(id)).filter((p): p is SimPerson => !!p);
        const notFoundIds = ids.filter((id) => !this.people.has(id));
        return res.json({ items: found.map((p) => this.personJson(p)), notFoundIds: notFoundIds.length ? notFoundIds : null });
      }
      let people = [...this.people.values()];
      if (req.query.email) {
        const email = String(req.query.email).toLowerCase();
        people = people.filter((p) => p.emails.includes(email));
      } else {
        people = people.filter((p) => p.orgId === caller.orgId);
        if (req.query.showAllTypes !== 'true') people = people.filter((p) => p.type === 'person');
        if (req.query.displayName) {
          const prefix = String(req.query.displayName).toLowerCase();
          people = people.filter((p) => p.displayName.toLowerCase().startsWith(prefix));
        }
      }
      this.page(req, res, people.map((p) => this.personJson(p)));
    });

    app.get('/v1/webhooks', (req, res) => {
      const caller = this.caller(res);
      this.page(req, res, [...this.webhooks.values()].filter((w) => w.createdBy === caller.id));
    });
    app.get('/v1/webhooks/:id', (req, res) => {
      const w = this.webhooks.get(req.params.id);
      if (!w || w.createdBy !== this.caller(res).id) return sendError(res, 404, 'Webhook not found.');
      res.json(w);
    });
    app.post('/v1/webhooks', (req, res) => {
      const caller = this.caller(res);
      const b = (req.body ?? {}) as Partial<SimWebhook>;
      for (const field of ['name', 'targetUrl', 'resource', 'event'] as const) {
        if (typeof b[field] !== 'string' || !b[field]) return sendError(res, 400, `${field} cannot be null or empty.`);
      }
      const w: SimWebhook = {
        id: webexId('WEBHOOK'),
        name: b.name!,
        targetUrl: b.targetUrl!,
        resource: b.resource!,
        event: b.event!,
        filter: b.filter,
        secret: b.secret,
        status: 'active',
        created: now(),
        orgId: caller.orgId,
        createdBy: caller.id,
        appId: BOT_APP_ID,
        ownedBy: 'creator',
      };
      this.webhooks.set(w.id, w);
      res.json(w);
    });
    app.delete('/v1/webhooks/:id', (req, res) => {
      const w = this.webhooks.get(req.params.id);
      if (!w || w.createdBy !== this.caller(res).id) return sendError(res, 404, 'Webhook not found.');
      this.webhooks.delete(w.id);
      res.status(204).end();
    });

    app.get('/v1/messages', (req, res) => {
      const caller = this.caller(res);
      const roomId = req.query.roomId ? String(req.query.roomId) : '';
      if (!roomId) return sendError(res, 400, 'roomId cannot be null or empty.');
      if (!this.isMember(roomId, caller.id)) return sendError(res, 404, 'Could not find a room with provided ID.');
      const list = this.messagesIn(roomId).reverse().map((m) => this.messageJson(m));
      this.page(req, res, list);
    });
    // https://developer.webex.com/docs/api/v1/messages/list-direct-messages: the messages of the
    // caller's 1:1 room with `personId` or `personEmail`, newest first (registered before `/:id`).
    app.get('/v1/messages/direct', (req, res) => {
      const caller = this.caller(res);
      const personId = req.query.personId ? String(req.query.personId) : undefined;
      const email = req.query.personEmail ? String(req.query.personEmail) : undefined;
      if (!personId && !email) return sendError(res, 400, 'Either personId or personEmail must be provided.');
      const other = personId ? this.people.get(personId) : this.personByEmail(email!);
      if (!other) return sendError(res, 404, 'Could not find a person with provided ID.');
      const room = [...this.rooms.values()].find(
        (r) => r.type === 'direct' && this.isMember(r.id, caller.id) && this.isMember(r.id, other.id),
      );
      const list = room ? this.messagesIn(room.id).filter((m) => !req.query.parentId || m.parentId === req.query.parentId).reverse() : [];
      res.json({ items: list.map((m) => this.messageJson(m)) });
    });
    app.get('/v1/messages/:id', (req, res) => {
      const m = this.messages.get(req.params.id);
      if (!m || !this.isMember(m.roomId, this.caller(res).id)) return sendError(res, 404, 'Could not find a message with provided ID.');
      res.json(this.messageJson(m));
    });
    app.post('/v1/messages', (req, res) => this.postMessage(req, res));
    app.put('/v1/messages/:id', (req, res) => {
      const caller = this.caller(res);
      const m = this.messages.get(req.params.id);
      const b = (req.body ?? {}) as { roomId?: string; text?: string; markdown?: string; html?: string };
      if (!m || !this.isMember(m.roomId, caller.id)) return sendError(res, 404, 'Could not find a message with provided ID.');
      if (!b.roomId) return sendError(res, 400, 'roomId cannot be null or empty.');
      if (b.roomId !== m.roomId) return sendError(res, 400, 'roomId does not match the message.');
      if (!b.text && !b.markdown) return sendError(res, 400, 'Either text or markdown must be provided.');
      if (b.markdown && b.html) return sendError(res, 400, 'html cannot be provided together with markdown.');
      if (m.personId !== caller.id) return sendError(res, 403, 'Only the author of a message can edit it.');
      if (m.files?.length || m.attachments?.length) {
        return sendError(res, 400, 'Editing messages containing files or attachments is not currently supported.');
      }
      if (m.edits >= MAX_EDITS) return sendError(res, 400, 'The maximum number of edits for this message has been reached.');
      if (Buffer.byteLength(b.markdown ?? b.text ?? '') > MAX_MESSAGE_BYTES) return sendError(res, 400, 'Message too long.');
      this.applyEdit(m, { text: b.text, markdown: b.markdown });
      res.json(this.messageJson(m));
    });
    app.delete('/v1/messages/:id', (req, res) => {
      const caller = this.caller(res);
      const m = this.messages.get(req.params.id);
      if (!m || !this.isMember(m.roomId, caller.id)) return sendError(res, 404, 'Could not find a message with provided ID.');
      const moderator = this.membersOf(m.roomId).some((x) => x.personId === caller.id && x.isModerator);
      if (m.personId !== caller.id && !moderator) return sendError(res, 403, 'You cannot delete this message.');
      this.messages.delete(m.id);
      res.status(204).end();
    });

    app.get('/v1/attachment/actions/:id', (req, res) => {
      const a = this.attachmentActions.get(req.params.id);
      const card = a ? this.messages.get(a.messageId) : undefined;
      if (!a || !card || card.personId !== this.caller(res).id) return sendError(res, 404, 'Could not find an attachment action with provided ID.');
      res.json(a);
    });

    app.get('/v1/memberships', (req, res) => {
      const caller = this.caller(res);
      let list: SimMembership[];
      if (req.query.roomId) {
        const roomId = String(req.query.roomId);
        if (!this.isMember(roomId, caller.id)) return sendError(res, 404, 'Could not find a room with provided ID.');
        list = this.membersOf(roomId);
        if (req.query.personId) list = list.filter((m) => m.personId === req.query.personId);
        if (req.query.personEmail) list = list.filter((m) => m.personEmail === String(req.query.personEmail).toLowerCase());
      } else {
        list = [...this.memberships.values()].filter((m) => m.personId === caller.id);
      }
      this.page(req, res, list);
    });
    app.get('/v1/memberships/:id', (req, res) => {
      const m = this.memberships.get(req.params.id);
      if (!m || !this.isMember(m.roomId, this.caller(res).id)) return sendError(res, 404, 'Could not find a membership with provided ID.');
      res.json(m);
    });
    app.delete('/v1/memberships/:id', (req, res) => {
      const caller = this.caller(res);
      const m = this.memberships.get(req.params.id);
      if (!m || !this.isMember(m.roomId, caller.id)) return sendError(res, 404, 'Could not find a membership with provided ID.');
      const room = this.rooms.get(m.roomId);
      const callerIsModerator = this.membersOf(m.roomId).some((x) => x.personId === caller.id && x.isModerator);
      if (room?.type === 'direct') return sendError(res, 400, 'Cannot remove people from a 1:1 space.');
      if ((room?.isLocked || m.isModerator) && !callerIsModerator && m.personId !== caller.id) {
        return sendError(res, 403, 'Only moderators can do this in this space.');
      }
      this.memberships.delete(m.id);
      res.status(204).end();
    });
    app.post('/v1/memberships', (req, res) => {
      const caller = this.caller(res);
      const b = (req.body ?? {}) as { roomId?: string; personId?: string; personEmail?: string; isModerator?: boolean };
      if (!b.roomId) return sendError(res, 400, 'roomId cannot be null or empty.');
      const room = this.rooms.get(b.roomId);
      if (!room || !this.isMember(room.id, caller.id)) return sendError(res, 404, 'Could not find a room with provided ID.');
      if (room.type === 'direct') return sendError(res, 400, 'Cannot add people to a 1:1 space.');
      const person = b.personId ? this.people.get(b.personId) : b.personEmail ? this.personByEmail(b.personEmail) : undefined;
      if (!person) return sendError(res, b.personId || b.personEmail ? 404 : 400, b.personId || b.personEmail ? 'Person not found.' : 'personId or personEmail must be provided.');
      const callerIsModerator = this.membersOf(room.id).some((m) => m.personId === caller.id && m.isModerator);
      if ((room.isLocked || b.isModerator) && !callerIsModerator) return sendError(res, 403, 'Only moderators can do this in this space.');
      if (this.isMember(room.id, person.id)) return sendError(res, 409, 'Person is already in the room.');
      res.json(this.addMembership(room, person.id, b.isModerator === true));
    });

    app.get('/v1/rooms/:id', (req, res) => {
      const r = this.rooms.get(req.params.id);
      if (!r || !this.isMember(r.id, this.caller(res).id)) return sendError(res, 404, 'Could not find a room with provided ID.');
      res.json(r);
    });
    app.get('/v1/rooms', (req, res) => {
      const caller = this.caller(res);
      let rooms = [...this.rooms.values()].filter((r) => this.isMember(r.id, caller.id));
      if (req.query.type) rooms = rooms.filter((r) => r.type === req.query.type);
      this.page(req, res, rooms);
    });
  }

  private postMessage(req: Request, res: Response): void {
    const caller = this.caller(res);
    const b = (req.body ?? {}) as {
      roomId?: string;
      toPersonId?: string;
      toPersonEmail?: string;
      text?: string;
      markdown?: string;
      html?: string;
      parentId?: string;
      files?: string[];
      attachments?: SimMessage['attachments'];
    };
    if (!b.roomId && !b.toPersonId && !b.toPersonEmail) {
      return sendError(res, 400, 'Either roomId, toPersonId or toPersonEmail must be provided.');
    }
    if (!b.text && !b.markdown && !b.html && !b.files?.length && !b.attachments?.length) {
      return sendError(res, 400, 'Message must contain text, markdown, files or attachments.');
    }
    if (Buffer.byteLength(b.markdown ?? b.text ?? '') > MAX_MESSAGE_BYTES) {
      return sendError(res, 400, `Message text must be at most ${MAX_MESSAGE_BYTES} bytes.`);
    }
    let room: SimRoom | undefined;
    if (b.roomId) {
      room = this.rooms.get(b.roomId);
      if (!room || !this.isMember(room.id, caller.id)) return sendError(res, 404, 'Could not find a room with provided ID.');
    } else {
      const to = b.toPersonId ? this.people.get(b.toPersonId) : this.personByEmail(b.toPersonEmail!);
      if (!to) return sendError(res, 404, 'Person not found.');
      if (to.id === caller.id) return sendError(res, 400, 'Cannot send a direct message to yourself.');
      room = this.directRoom(caller.id, to.id);
    }
    if (b.parentId) {
      const parent = this.messages.get(b.parentId);
      if (!parent || parent.roomId !== room.id) return sendError(res, 400, 'parentId must be a message in the same room.');
    }
    const message = this.createMessage(caller, room, {
      text: b.text,
      markdown: b.markdown,
      html: b.html,
      files: b.files,
      attachments: b.attachments,
      parentId: b.parentId,
    });
    res.json(this.messageJson(message));
  }

  private authorize(req: Request, res: Response): void {
    const q = req.query as Record<string, string | undefined>;
    const client = q.client_id ? this.oauthClients.get(q.client_id) : undefined;
    if (!client) return sendError(res, 400, 'Invalid client_id.');
    if (q.response_type !== 'code') return sendError(res, 400, 'response_type must be code.');
    if (!q.redirect_uri) return sendError(res, 400, 'redirect_uri is required.');
    if (q.code_challenge && (q.code_challenge_method ?? 'plain') !== 'S256' && q.code_challenge_method !== 'plain') {
      return sendError(res, 400, 'Unsupported code_challenge_method.');
    }
    const person = q.login_hint
      ? this.personByEmail(q.login_hint)
      : this.authorizingPersonId
        ? this.people.get(this.authorizingPersonId)
        : undefined;
    if (!person) {
      // No one signed in: a small chooser stands in for Webex's login page.
      const choices = [...this.people.values()]
        .filter((p) => p.type === 'person' && p.loginEnabled)
        .map((p) => {
          const url = new URL(`${this.server.url}${req.originalUrl}`);
          url.searchParams.set('login_hint', p.emails[0]);
          return `<li><a href="${url.toString().replace(/&/g, '&amp;')}">${p.displayName} (${p.emails[0]})</a></li>`;
        })
        .join('');
      res.type('html').send(`<!doctype html><title>Sign in to Webex (simulated)</title><h1>Sign in as</h1><ul>${choices}</ul>`);
      return;
    }
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, {
      clientId: client.clientId,
      redirectUri: q.redirect_uri,
      personId: person.id,
      scopes: (q.scope ?? 'spark:all').split(/[\s+]+/).filter(Boolean),
      codeChallenge: q.code_challenge,
      method: q.code_challenge_method ?? (q.code_challenge ? 'plain' : undefined),
    });
    const back = new URL(q.redirect_uri);
    back.searchParams.set('code', code);
    if (q.state !== undefined) back.searchParams.set('state', q.state);
    res.redirect(302, back.toString());
  }

  private accessToken(req: Request, res: Response): void {
    const b = (req.body ?? {}) as Record<string, string | undefined>;
    const client = b.client_id ? this.oauthClients.get(b.client_id) : undefined;
    if (!client || client.clientSecret !== b.client_secret) {
      res.status(401).json({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      return;
    }
    const issue = (personId: string, scopes: string[]) => {
      const access = mintToken(this.mustPerson(personId).orgId);
      const refresh = mintToken(this.mustPerson(personId).orgId);
      this.tokens.set(access, { personId, scopes, clientId: client.clientId });
      this.refreshTokens.set(refresh, { personId, clientId: client.clientId, scopes });
      res.json({
        access_token: access,
        expires_in: 1209599,
        refresh_token: refresh,
        refresh_token_expires_in: 7775999,
        token_type: 'Bearer',
        scope: scopes.join(' '),
      });
    };
    if (b.grant_type === 'authorization_code') {
      const grant = b.code ? this.codes.get(b.code) : undefined;
      if (!grant || grant.clientId !== client.clientId || grant.redirectUri !== b.redirect_uri) {
        res.status(400).json({ error: 'invalid_grant', error_description: 'The authorization code is invalid or expired.' });
        return;
      }
      this.codes.delete(b.code!);
      if (grant.codeChallenge) {
        const verifier = b.code_verifier ?? '';
        const computed = grant.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
        if (computed !== grant.codeChallenge) {
          res.status(400).json({ error: 'invalid_grant', error_description: 'PKCE verification failed.' });
          return;
        }
      }
      return issue(grant.personId, grant.scopes);
    }
    if (b.grant_type === 'refresh_token') {
      const grant = b.refresh_token ? this.refreshTokens.get(b.refresh_token) : undefined;
      if (!grant || grant.clientId !== client.clientId) {
        res.status(400).json({ error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' });
        return;
      }
      this.refreshTokens.delete(b.refresh_token!);
      return issue(grant.personId, grant.scopes);
    }
    res.status(400).json({ error: 'unsupported_grant_type', error_description: 'grant_type must be authorization_code or refresh_token.' });
  }
}

/** Creates the Webex simulator (call `start()` before use, `close()` after). */
export function createWebexSimulator(options: WebexSimulatorOptions = {}): WebexSimulator {
  return new WebexSimulator(options);
}
