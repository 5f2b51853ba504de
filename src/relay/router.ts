/**
 * Inbound side of the relay: decides who a message is for, checks both people are synced, and
 * records what must be sent (the outbox) before the event is acknowledged. Sending happens right
 * after, off the request (see delivery.ts), so the platform gets its answer within its deadline.
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
import type { HandleResult, InboundEvent, Platform } from '../chat-adapter.js';
import { PLATFORM_NAMES, type Core } from '../core/core.js';
import { ConversationModel, MessageLinkModel, PersonModel, PlatformAccountModel, WorkspaceModel } from '../models/index.js';
import type { MessageLinkDoc } from '../models/message-link.model.js';
import type { PersonDoc } from '../models/person.model.js';
import type { PlatformAccountDoc } from '../models/platform-account.model.js';
import type { WorkspaceDoc } from '../models/workspace.model.js';
import { maybeAutoPrompt } from '../people/prompts.js';
import { relayEngine } from './delivery.js';
import { recordOutbox, type OutboxEntry } from './outbox.js';
import { partyOn, workspaceOf } from './parties.js';

type MessageEvent = Extract<InboundEvent, { kind: 'message' }>;

/** Where a message is going, once the route is known. */
export interface RelayRoute {
  recipient: PersonDoc;
  /** Thread root when the message is a thread reply to a relayed message. */
  root?: MessageLinkDoc;
}

/** The sending side of a relayed message. */
export interface RelaySender {
  workspace: WorkspaceDoc;
  account: PlatformAccountDoc;
  person: PersonDoc;
}

const ECHO_WAIT_MS = 3000;

function background(core: Core, what: string, work: Promise<unknown>): void {
  work.catch((err: unknown) => core.log.warn({ err: err instanceof Error ? err.message : String(err) }, what));
}

/** True when this platform message is a copy the relay posted (it must never be relayed again). */
export async function isRelayedCopy(organizationId: Types.ObjectId, workspaceId: Types.ObjectId, messageId: string): Promise<boolean> {
  return Boolean(await MessageLinkModel.exists({ organizationId, 'copy.workspaceId': workspaceId, 'copy.messageId': messageId }));
}

/**
 * A post made with this person's token may be echoed back before its send has returned (and its
 * id was stored): while such a post is in flight, wait for it before deciding.
 */
async function isEchoOfInFlightPost(organizationId: Types.ObjectId, workspace: WorkspaceDoc, personId: Types.ObjectId, messageId: string): Promise<boolean> {
  const inFlight = { organizationId, status: 'pending' as const, 'copy.workspaceId': workspace._id, 'copy.as': 'user' as const, 'source.personId': personId };
  const deadline = Date.now() + ECHO_WAIT_MS;
  while (await MessageLinkModel.exists(inFlight)) {
    if (await isRelayedCopy(organizationId, workspace._id, messageId)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return isRelayedCopy(organizationId, workspace._id, messageId);
}

/** Checks both people can take part; returns the sentence to show the sender when not. */
export async function syncProblem(core: Core, sender: RelaySender, recipient: PersonDoc): Promise<string | undefined> {
  if (String(sender.person._id) === String(recipient._id)) return 'That is you. Name a colleague to message.';
  if (recipient.syncState !== 'on' || !recipient.primaryWorkspaceId) {
    const prompted = await maybeAutoPrompt(core, recipient).catch(() => false);
    return (
      `${recipient.name} has not synced Crosstalk yet, so your message was not delivered.` +
      (prompted ? ' They have just been asked to sync; try again once they have.' : ' Ask them to sync (or an admin to prompt them), then try again.')
    );
  }
  if (sender.person.syncState !== 'on') {
    background(core, 'relay: auto-prompt of the sender failed', maybeAutoPrompt(core, sender.person));
    return 'Your account is not synced with Crosstalk yet, so messages to other platforms are not relayed. Type `/crosstalk sync` to get your Sync now link.';
  }
  if (String(recipient.primaryWorkspaceId) === String(sender.workspace._id)) {
    return `${recipient.name} works here on ${sender.workspace.name}; message them directly.`;
  }
  return undefined;
}

/** Records a new message for delivery to the recipient's primary workspace and starts sending it. */
export async function relayMessage(
  core: Core,
  sender: RelaySender,
  route: RelayRoute,
  message: { conversationId: string; messageId: string; text: string; files?: Array<{ name: string; url: string; size?: number }> },
): Promise<{ ok: true; recipientWorkspace: WorkspaceDoc } | { ok: false; message: string }> {
  const problem = await syncProblem(core, sender, route.recipient);
  if (problem) return { ok: false, message: problem };
  const organizationId = sender.workspace.organizationId;
  const recipientWorkspaceId = route.recipient.primaryWorkspaceId!;
  const [recipientAccount, recipientWorkspace] = await Promise.all([
    PlatformAccountModel.findOne({ organizationId, personId: route.recipient._id, workspaceId: recipientWorkspaceId, deactivated: false }, { externalUserId: 1 }).lean(),
    WorkspaceModel.findOne({ organizationId, _id: recipientWorkspaceId }),
  ]);
  if (!recipientAccount || !recipientWorkspace) {
    return { ok: false, message: `${route.recipient.name} has no active account on their primary team, so your message was not delivered.` };
  }
  const entry: OutboxEntry = {
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
  const { link } = await recordOutbox(entry, [sender.person._id, route.recipient._id]);
  relayEngine(core).kick(organizationId, link.conversationId);
  return { ok: true, recipientWorkspace };
}

/** The bot-chat reply rule (see the module comment). */
async function replyRoute(workspace: WorkspaceDoc, person: PersonDoc, event: { conversationId: string; threadId?: string }): Promise<RelayRoute | undefined> {
  const organizationId = workspace.organizationId;
  const root = await threadRoot(workspace, event.threadId);
  if (root?.source.personId && root.target?.personId) {
    const otherId = String(root.source.personId) === String(person._id) ? root.target.personId : root.source.personId;
    const other = await PersonModel.findOne({ organizationId, _id: otherId });
    if (other) return { recipient: other, root };
  }
  let link: MessageLinkDoc | null = null;
  const recent = { organizationId, op: 'post' as const, status: 'delivered' as const, 'target.personId': person._id, 'copy.workspaceId': workspace._id };
  link ??= await MessageLinkModel.findOne({ ...recent, 'copy.conversationId': event.conversationId }).sort({ deliveredAt: -1 });
  link ??= await MessageLinkModel.findOne(recent).sort({ deliveredAt: -1 });
  if (!link || String(link.target?.personId) !== String(person._id) || !link.source.personId) return undefined;
  const recipient = await PersonModel.findOne({ organizationId, _id: link.source.personId });
  return recipient ? { recipient } : undefined;
}

/** A thread reply in a user DM: the root is a relayed message there, as source or as copy. */
async function threadRoot(workspace: WorkspaceDoc, threadId: string | undefined): Promise<MessageLinkDoc | undefined> {
  if (!threadId) return undefined;
  const organizationId = workspace.organizationId;
  const root =
    (await MessageLinkModel.findOne({ organizationId, 'copy.workspaceId': workspace._id, 'copy.messageId': threadId, op: 'post' })) ??
    (await MessageLinkModel.findOne({ organizationId, 'source.workspaceId': workspace._id, 'source.messageId': threadId, opKey: 'post' }));
  return root ?? undefined;
}

/** What the relay does with a direct message; `fallback` runs for bot-chat text it does not relay. */
export async function handleDirectMessage(
  core: Core,
  event: Pick<MessageEvent, 'platform' | 'workspaceId' | 'userId' | 'conversationId' | 'messageId' | 'text' | 'threadId' | 'files'>,
  fallback: {
    isCommand: (text: string) => boolean;
    run: () => Promise<HandleResult>;
    /** Bot-chat text with nobody to reply to; default: explain the `dm` verb. */
    unrouted?: () => Promise<HandleResult>;
  },
): Promise<HandleResult> {
  const workspace = await workspaceOf(event.platform as Platform, event.workspaceId);
  if (!workspace) return fallback.run();
  const organizationId = workspace.organizationId;
  if (await isRelayedCopy(organizationId, workspace._id, event.messageId)) return {};
  const sender = await partyOn(workspace, event.userId);
  if (sender && (await isEchoOfInFlightPost(organizationId, workspace, sender.person._id, event.messageId))) return {};

  let route: RelayRoute | undefined;
  const addressee = event.conversationId !== event.userId ? await partyOn(workspace, event.conversationId) : undefined;
  if (addressee) {
    if (String(addressee.person.primaryWorkspaceId) === String(workspace._id)) return {};
    route = { recipient: addressee.person, root: await threadRoot(workspace, event.threadId) };
  } else if (sender) {
    const conversation = await ConversationModel.findOne({
      organizationId,
      'endpoints.workspaceId': workspace._id,
      'endpoints.conversationId': event.conversationId,
      'endpoints.personId': sender.person._id,
    }).lean();
    const otherId = conversation?.personIds.find((p) => String(p) !== String(sender.person._id));
    const other = otherId ? await PersonModel.findOne({ organizationId, _id: otherId }) : null;
    if (other) route = { recipient: other, root: await threadRoot(workspace, event.threadId) };
  }
  if (!route) {
    if (fallback.isCommand(event.text)) return fallback.run();
    if (!sender) return fallback.run();
    route = await replyRoute(workspace, sender.person, event);
    if (!route) {
      if (fallback.unrouted) return fallback.unrouted();
      return {
        reply: {
          text: 'To message a colleague on another platform, type `dm <person> <message>`, e.g. `dm ada@example.com Hello!`. Type `help` for everything else.',
        },
      };
    }
  }
  if (!sender) return {};
  const result = await relayMessage(core, { workspace, ...sender }, route, {
    conversationId: event.conversationId,
    messageId: event.messageId,
    text: event.text,
    files: event.files,
  });
  return result.ok ? {} : { reply: { text: result.message } };
}

/** An edit or delete of a relayed message follows it to its copy. */
export async function handleChange(core: Core, event: Extract<InboundEvent, { kind: 'message_edited' | 'message_deleted' }>): Promise<HandleResult> {
  const workspace = await workspaceOf(event.platform, event.workspaceId);
  if (!workspace) return {};
  const organizationId = workspace.organizationId;
  const post = await MessageLinkModel.findOne({ organizationId, 'source.workspaceId': workspace._id, 'source.messageId': event.messageId, opKey: 'post' });
  if (!post || !post.target?.personId || !post.source.personId) return {};
  const entry = {
    organizationId,
    op: event.kind === 'message_edited' ? 'edit' : 'delete',
    opKey: event.kind === 'message_edited' ? `edit:${event.eventId}` : 'delete',
    source: { ...post.toObject().source, userId: event.userId || post.source.userId },
    target: post.toObject().target,
    parentLinkId: post._id,
    ...(event.kind === 'message_edited' ? { text: event.text } : {}),
  } as OutboxEntry;
  const { link } = await recordOutbox(entry, [post.source.personId, post.target.personId]);
  if (event.kind === 'message_edited') {
    await MessageLinkModel.updateOne({ organizationId, _id: post._id }, { $set: { text: event.text } });
  }
  relayEngine(core).kick(organizationId, link.conversationId);
  return {};
}

/** A reaction on a relayed message (or on its copy) shows on the other side. */
export async function handleReaction(core: Core, event: Extract<InboundEvent, { kind: 'reaction' }>): Promise<HandleResult> {
  const workspace = await workspaceOf(event.platform, event.workspaceId);
  if (!workspace) return {};
  const organizationId = workspace.organizationId;
  const reactor = await partyOn(workspace, event.userId);
  if (!reactor) return {};
  const onCopy = await MessageLinkModel.findOne({ organizationId, 'copy.workspaceId': workspace._id, 'copy.messageId': event.messageId, op: 'post' });
  const onSource = onCopy
    ? null
    : await MessageLinkModel.findOne({ organizationId, 'source.workspaceId': workspace._id, 'source.messageId': event.messageId, opKey: 'post' });
  const post = onCopy ?? onSource;
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
  const { link } = await recordOutbox(entry, [post.source.personId, post.target.personId]);
  relayEngine(core).kick(organizationId, link.conversationId);
  return {};
}

/** Human label of where a person will read a message. */
export function whereLabel(workspace: Pick<WorkspaceDoc, 'platform' | 'name'>): string {
  return `${PLATFORM_NAMES[workspace.platform as Platform]}`;
}
