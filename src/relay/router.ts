/**
 * Inbound side of the relay: decides who a message is for, checks both people are synced, and
 * records what must be sent (the outbox) before the event is acknowledged. Sending happens right
 * after, off the request (see delivery.ts), so the platform gets its answer within its deadline.
 * Every lookup here is served by the directory cache and this instance's recent links; the
 * database is read only on a miss.
 *
 * Ways in, in the order they are tried for a direct message:
 * 1. A DM to a person's own account on the sender's platform (e.g. Zoom Team Chat DMs between
 *    users): the conversation id names that person.
 * 2. A DM the relay posted into as someone (user sync): the recipient answers in that same DM.
 * 3. The bot's 1:1 chat: a command goes to the command language; otherwise a thread reply to a
 *    relayed copy goes back to that copy's sender, and any other text goes back to the sender of
 *    the most recent message relayed to this person in this chat (or, if none here, on this
 *    workspace).
 */
import type { Types } from 'mongoose';
import { PLATFORM_NAMES, type HandleResult, type InboundEvent } from '../chat-adapter.js';
import { type Core } from '../core/core.js';
import { RelayReceiptModel } from './relay-receipt.model.js';
import type { PersonDoc } from '../directory/person.model.js';
import type { PlatformAccountDoc } from '../directory/platform-account.model.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import { maybeAutoPrompt } from '../people/prompts.js';
import type { RelayEngine } from './delivery.js';
import { findLink, type RelayLink } from './links.js';
import type { OutboxEntry } from './outbox.js';
import { partyOn } from './parties.js';

type MessageEvent = Extract<InboundEvent, { kind: 'message' }>;

/** Where a message is going, once the route is known. */
export interface RelayRoute {
  recipient: PersonDoc;
  /** Thread root when the message is a thread reply to a relayed message. */
  root?: RelayLink;
}

/** The sending side of a relayed message. */
export interface RelaySender {
  workspace: WorkspaceDoc;
  account: PlatformAccountDoc;
  person: PersonDoc;
}

/** What the relay makes of a direct message. */
type Routed =
  | { kind: 'done' }
  | { kind: 'not-relay' }
  | { kind: 'unrouted' }
  | { kind: 'relay'; sender: RelaySender; route: RelayRoute };

/** The parts of a message event the router reads. */
export type DirectMessage = Pick<MessageEvent, 'platform' | 'workspaceId' | 'userId' | 'conversationId' | 'messageId' | 'text' | 'threadId' | 'files'> & {
  eventId?: string;
};

function background(core: Core, what: string, work: Promise<unknown>): void {
  work.catch((err: unknown) => core.log.warn({ err: err instanceof Error ? err.message : String(err) }, what));
}

/** The sentence to show the sender when the two people cannot be relayed between; no side effects. */
function problemOf(sender: RelaySender, recipient: PersonDoc): 'self' | 'recipient' | 'sender' | 'same-workspace' | undefined {
  if (String(sender.person._id) === String(recipient._id)) return 'self';
  if (recipient.syncState !== 'on' || !recipient.primaryWorkspaceId) return 'recipient';
  if (sender.person.syncState !== 'on') return 'sender';
  if (String(recipient.primaryWorkspaceId) === String(sender.workspace._id)) return 'same-workspace';
  return undefined;
}

/** Checks both people can take part; returns the sentence to show the sender when not (and prompts who should sync). */
export async function syncProblem(core: Core, sender: RelaySender, recipient: PersonDoc): Promise<string | undefined> {
  switch (problemOf(sender, recipient)) {
    case 'self':
      return 'That is you. Name a colleague to message.';
    case 'recipient': {
      const prompted = await maybeAutoPrompt(core, recipient).catch(() => false);
      return (
        `${recipient.name} has not synced Crosstalk yet, so your message was not delivered.` +
        (prompted ? ' They have just been asked to sync; try again once they have.' : ' Ask them to sync (or an admin to prompt them), then try again.')
      );
    }
    case 'sender':
      background(core, 'relay: auto-prompt of the sender failed', maybeAutoPrompt(core, sender.person));
      return 'Your account is not synced with Crosstalk yet, so messages to other platforms are not relayed. Type `/crosstalk sync` to get your Sync now link.';
    case 'same-workspace':
      return `${recipient.name} works here on ${sender.workspace.name}; message them directly.`;
    default:
      return undefined;
  }
}

/** The outbox entry of a new message, or why it cannot be relayed. */
async function postEntry(
  engine: RelayEngine,
  sender: RelaySender,
  route: RelayRoute,
  message: { conversationId: string; messageId: string; text: string; files?: Array<{ name: string; url: string; size?: number }> },
): Promise<{ entry: OutboxEntry; recipientWorkspace: WorkspaceDoc } | undefined> {
  const organizationId = sender.workspace.organizationId;
  const recipientWorkspaceId = route.recipient.primaryWorkspaceId!;
  const [recipientAccount, recipientWorkspace] = await Promise.all([
    engine.cache.accountOf(organizationId, route.recipient._id, recipientWorkspaceId),
    engine.cache.workspace(organizationId, recipientWorkspaceId),
  ]);
  if (!recipientAccount || !recipientWorkspace) return undefined;
  const entry = {
    organizationId,
    op: 'post',
    opKey: 'post',
    source: {
      platform: sender.workspace.platform,
      workspaceId: sender.workspace._id,
      conversationId: message.conversationId,
      messageId: message.messageId,
      userId: sender.account.externalUserId,
      personId: sender.person._id,
    },
    target: { personId: route.recipient._id, workspaceId: recipientWorkspaceId, userId: recipientAccount.externalUserId },
    text: message.text,
    ...(message.files?.length ? { files: message.files } : {}),
    ...(route.root ? { parentLinkId: route.root._id, threaded: true } : {}),
  } as OutboxEntry;
  return { entry, recipientWorkspace };
}

/** Records a new message for delivery to the recipient's primary workspace and starts sending it. */
export async function relayMessage(
  engine: RelayEngine,
  sender: RelaySender,
  route: RelayRoute,
  message: { conversationId: string; messageId: string; text: string; files?: Array<{ name: string; url: string; size?: number }> },
  eventId?: string,
): Promise<{ ok: true; recipientWorkspace: WorkspaceDoc } | { ok: false; message: string }> {
  const { core } = engine;
  const problem = await syncProblem(core, sender, route.recipient);
  if (problem) return { ok: false, message: problem };
  const post = await postEntry(engine, sender, route, message);
  if (!post) return { ok: false, message: `${route.recipient.name} has no active account on their primary team, so your message was not delivered.` };
  await engine.record(post.entry, [sender.person._id, route.recipient._id], eventId);
  return { ok: true, recipientWorkspace: post.recipientWorkspace };
}

/** A thread reply in a user DM: the root is a relayed message there, as source or as copy. */
async function threadRoot(engine: RelayEngine, workspace: WorkspaceDoc, threadId: string | undefined): Promise<RelayLink | undefined> {
  if (!threadId) return undefined;
  const organizationId = workspace.organizationId;
  const inMemory = engine.links.byCopyMessage(workspace._id, threadId) ?? engine.links.bySourceMessage(workspace._id, threadId, 'post');
  if (inMemory && inMemory.op === 'post') return inMemory;
  const receipt = await RelayReceiptModel.findOne({ organizationId, 'copy.workspaceId': workspace._id, 'copy.messageId': threadId, op: 'post' }, { _id: 1 }).lean();
  const root = receipt
    ? await findLink({ organizationId, _id: receipt._id })
    : await findLink({ organizationId, 'source.workspaceId': workspace._id, 'source.messageId': threadId, opKey: 'post' });
  if (root) engine.links.remember(root);
  return root;
}

/** The sender of the post most recently relayed to `person` on this workspace (this chat first). */
async function lastSenderTo(engine: RelayEngine, workspace: WorkspaceDoc, person: PersonDoc, conversationId: string): Promise<Types.ObjectId | undefined> {
  const remembered = engine.links.latestDeliveredTo(person._id, workspace._id, conversationId) ?? engine.links.latestDeliveredTo(person._id, workspace._id);
  if (remembered) return remembered.source.personId ?? undefined;
  const recent = { organizationId: workspace.organizationId, op: 'post' as const, status: 'delivered' as const, 'target.personId': person._id, 'copy.workspaceId': workspace._id };
  const receipt =
    (await RelayReceiptModel.findOne({ ...recent, 'copy.conversationId': conversationId }).sort({ at: -1 }).lean()) ??
    (await RelayReceiptModel.findOne(recent).sort({ at: -1 }).lean());
  return receipt?.source?.personId ?? undefined;
}

/** The bot-chat reply rule (see the module comment). */
async function replyRoute(engine: RelayEngine, workspace: WorkspaceDoc, person: PersonDoc, event: { conversationId: string; threadId?: string }): Promise<RelayRoute | undefined> {
  const organizationId = workspace.organizationId;
  const root = await threadRoot(engine, workspace, event.threadId);
  if (root?.source.personId && root.target?.personId) {
    const otherId = String(root.source.personId) === String(person._id) ? root.target.personId : root.source.personId;
    const other = await engine.cache.person(organizationId, otherId);
    if (other) return { recipient: other, root };
  }
  const senderId = await lastSenderTo(engine, workspace, person, event.conversationId);
  if (!senderId) return undefined;
  const recipient = await engine.cache.person(organizationId, senderId);
  return recipient ? { recipient } : undefined;
}

/** Works out what a direct message is: nothing to do, not for the relay, unrouted bot-chat text, or a relay. */
async function routeDirectMessage(engine: RelayEngine, event: DirectMessage, isCommand: (text: string) => boolean): Promise<Routed> {
  const workspace = await engine.cache.workspaceByExternal(event.platform, event.workspaceId);
  if (!workspace) return { kind: 'not-relay' };
  const organizationId = workspace.organizationId;
  const sender = await partyOn(engine.cache, workspace, event.userId);
  // Only a post made with the sender's own token can come back as theirs; bots' own posts never reach here.
  const couldBeOurs = Boolean(sender?.account.userToken);
  if (await engine.isRelayedCopy(organizationId, workspace._id, event.messageId, couldBeOurs)) return { kind: 'done' };

  let route: RelayRoute | undefined;
  const addressee = event.conversationId !== event.userId ? await partyOn(engine.cache, workspace, event.conversationId) : undefined;
  if (addressee) {
    if (String(addressee.person.primaryWorkspaceId) === String(workspace._id)) return { kind: 'done' };
    route = { recipient: addressee.person, root: await threadRoot(engine, workspace, event.threadId) };
  } else if (sender) {
    const conversations = await engine.cache.conversationsOf(organizationId, sender.person._id);
    const conversation = conversations.find((c) =>
      c.endpoints.some((e) => String(e.workspaceId) === String(workspace._id) && e.conversationId === event.conversationId && String(e.personId) === String(sender.person._id)),
    );
    const otherId = conversation?.personIds.find((p) => String(p) !== String(sender.person._id));
    const other = otherId ? await engine.cache.person(organizationId, otherId) : null;
    if (other) route = { recipient: other, root: await threadRoot(engine, workspace, event.threadId) };
  }
  if (!route) {
    if (isCommand(event.text) || !sender) return { kind: 'not-relay' };
    route = await replyRoute(engine, workspace, sender.person, event);
    if (!route) return { kind: 'unrouted' };
  }
  if (!sender) return { kind: 'done' };
  return { kind: 'relay', sender: { workspace, ...sender }, route };
}

/**
 * The hot path, before the platform is answered: a direct message that can be relayed is recorded
 * in the outbox (that append is its durable record; a platform retry finds it by the source
 * message) and `{}` is returned. Anything else returns undefined and takes the general path.
 */
export async function recordDirectMessage(engine: RelayEngine, event: DirectMessage, isCommand: (text: string) => boolean): Promise<HandleResult | undefined> {
  const routed = await routeDirectMessage(engine, event, isCommand);
  if (routed.kind === 'done') return {};
  if (routed.kind !== 'relay' || problemOf(routed.sender, routed.route.recipient)) return undefined;
  const post = await postEntry(engine, routed.sender, routed.route, event);
  if (!post) return undefined;
  await engine.record(post.entry, [routed.sender.person._id, routed.route.recipient._id], event.eventId ? `${event.platform}:${event.eventId}` : undefined);
  return {};
}

/** What the relay does with a direct message; `fallback` runs for bot-chat text it does not relay. */
export async function handleDirectMessage(
  engine: RelayEngine,
  event: DirectMessage,
  fallback: {
    isCommand: (text: string) => boolean;
    run: () => Promise<HandleResult>;
    /** Bot-chat text with nobody to reply to; default: explain the `dm` verb. */
    unrouted?: () => Promise<HandleResult>;
  },
): Promise<HandleResult> {
  const routed = await routeDirectMessage(engine, event, fallback.isCommand);
  switch (routed.kind) {
    case 'done':
      return {};
    case 'not-relay':
      return fallback.run();
    case 'unrouted':
      if (fallback.unrouted) return fallback.unrouted();
      return {
        reply: {
          text: 'To message a colleague on another platform, type `dm <person> <message>`, e.g. `dm ada@example.com Hello!`. Type `help` for everything else.',
        },
      };
    case 'relay': {
      const result = await relayMessage(engine, routed.sender, routed.route, event, event.eventId ? `${event.platform}:${event.eventId}` : undefined);
      return result.ok ? {} : { reply: { text: result.message } };
    }
  }
}

/** The post link of a source message (memory first). */
async function postOf(engine: RelayEngine, workspace: WorkspaceDoc, messageId: string): Promise<RelayLink | undefined> {
  const known = engine.links.bySourceMessage(workspace._id, messageId, 'post');
  if (known && known.status !== 'pending') return known;
  const fresh = await findLink({ organizationId: workspace.organizationId, 'source.workspaceId': workspace._id, 'source.messageId': messageId, opKey: 'post' });
  if (fresh) engine.links.remember(fresh);
  return fresh ?? known;
}

/** An edit or delete of a relayed message follows it to its copy. */
export async function handleChange(engine: RelayEngine, event: Extract<InboundEvent, { kind: 'message_edited' | 'message_deleted' }>): Promise<HandleResult> {
  const workspace = await engine.cache.workspaceByExternal(event.platform, event.workspaceId);
  if (!workspace) return {};
  const organizationId = workspace.organizationId;
  const post = await postOf(engine, workspace, event.messageId);
  if (!post || !post.target?.personId || !post.source.personId) return {};
  const entry = {
    organizationId,
    op: event.kind === 'message_edited' ? 'edit' : 'delete',
    opKey: event.kind === 'message_edited' ? `edit:${event.eventId}` : 'delete',
    source: { ...post.source, userId: event.userId || post.source.userId },
    target: post.target,
    parentLinkId: post._id,
    ...(event.kind === 'message_edited' ? { text: event.text } : {}),
  } as OutboxEntry;
  await engine.record(entry, [post.source.personId, post.target.personId], `${event.platform}:${event.eventId}`);
  // Reaction notes quote the message as it reads now.
  if (event.kind === 'message_edited') post.text = event.text;
  return {};
}

/** A reaction on a relayed message (or on its copy) shows on the other side. */
export async function handleReaction(engine: RelayEngine, event: Extract<InboundEvent, { kind: 'reaction' }>): Promise<HandleResult> {
  const workspace = await engine.cache.workspaceByExternal(event.platform, event.workspaceId);
  if (!workspace) return {};
  const organizationId = workspace.organizationId;
  const reactor = await partyOn(engine.cache, workspace, event.userId);
  if (!reactor) return {};
  let onCopy = engine.links.byCopyMessage(workspace._id, event.messageId);
  if (onCopy && onCopy.op !== 'post') onCopy = undefined;
  if (!onCopy) {
    const receipt = await RelayReceiptModel.findOne({ organizationId, 'copy.workspaceId': workspace._id, 'copy.messageId': event.messageId, op: 'post' }, { _id: 1 }).lean();
    onCopy = receipt ? await findLink({ organizationId, _id: receipt._id }) : undefined;
  }
  const post = onCopy ?? (await postOf(engine, workspace, event.messageId));
  if (!post || post.status === 'failed' || !post.source.personId || !post.target?.personId) return {};
  const other = String(post.source.personId) === String(reactor.person._id) ? post.target.personId : post.source.personId;
  const otherWorkspaceId = onCopy ? post.source.workspaceId : post.target.workspaceId;
  const entry = {
    organizationId,
    op: 'react',
    opKey: `react:${event.eventId}`,
    source: {
      platform: workspace.platform,
      workspaceId: workspace._id,
      conversationId: event.conversationId,
      messageId: event.messageId,
      userId: event.userId,
      personId: reactor.person._id,
    },
    target: { personId: other, workspaceId: otherWorkspaceId },
    emoji: event.emoji,
    added: event.added,
    parentLinkId: post._id,
  } as OutboxEntry;
  await engine.record(entry, [post.source.personId, post.target.personId], `${event.platform}:${event.eventId}`);
  return {};
}

/** Human label of where a person will read a message. */
export function whereLabel(workspace: Pick<WorkspaceDoc, 'platform' | 'name'>): string {
  return `${PLATFORM_NAMES[workspace.platform]}`;
}
