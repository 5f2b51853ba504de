/**
 * Delivery of the relay's outbox. Each conversation has a delivery line (lane.ts) that holds the
 * conversation's lease across messages and sends its records strictly in `sequence` order. The
 * hot path is two durable appends per message, each coalesced with concurrent messages into one
 * `insertMany`: the outbox record (before the platform is answered) and the delivery receipt
 * (after the copy was accepted). Everything else a message needs comes from memory: the directory
 * cache (workspaces, accounts, people, conversations) and this instance's recent links.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { AdapterError, AdapterErrorCode, PLATFORM_NAMES, type ChatAdapter, type MessageRef, type SendAs } from '../chat-adapter.js';
import { adapterFor, type Core } from '../core/core.js';
import { InsertBatcher } from '../db/bulk.js';
import type { DirectoryCache } from '../directory/cache.js';
import { ConversationModel } from '../directory/conversation.model.js';
import { MessageLinkModel } from './message-link.model.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { RelayReceiptModel } from './relay-receipt.model.js';
import type { PlatformAccountDoc } from '../directory/platform-account.model.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import { sendToUser } from '../directory/notify.js';
import { promptPerson } from '../people/prompts.js';
import { eventLog } from '../core/event-log.js';
import { reactionNote, rewriteMentions, withFiles } from './compose.js';
import { expiredLeases } from './lease.model.js';
import { pendingHandoffs, handOff } from './handoff.js';
import { Lane } from './lane.js';
import { findLink, LinkMemory, linkView, type RelayLink } from './links.js';
import { ensureConversation, isDuplicateKey, outboxDocument, sequenceFromOutbox, type OutboxEntry } from './outbox.js';
import { botAs, usableGrant, type SealedGrant } from './parties.js';
import { earlierCopy, maybePosted, SETTLE_MS } from './resend.js';

/** Source message ids of messages sent with the `dm` verb (no platform message exists). */
export const SYNTHETIC_PREFIX = 'dm:';

/** Agenda job that retries a conversation's delivery (kept for jobs queued by earlier versions). */
export const RELAY_DELIVER_JOB = 'relay.deliver';

/** Data of a `relay.deliver` job. */
export interface RelayDeliverData {
  organizationId: string;
  conversationId: string;
}

type Outcome = { kind: 'delivered' } | { kind: 'retry'; at: Date } | { kind: 'failed'; reason: string };

/** Where a link ends up on the target side and as whom. */
interface Placement {
  workspace: WorkspaceDoc;
  adapter: ChatAdapter;
  as: SendAs;
  account?: PlatformAccountDoc | null;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isInvalidToken(err: unknown): err is AdapterError {
  return err instanceof AdapterError && err.code === AdapterErrorCode.InvalidToken;
}

/** Attempts to record one operation before giving up on sequence-number collisions. */
const RECORD_ATTEMPTS = 20;

/** The delivery engine of one service instance. */
export class RelayEngine {
  readonly instanceId = randomUUID();
  readonly settings: Core['config']['relay'];
  readonly cache: DirectoryCache;
  readonly links = new LinkMemory();
  private readonly lanes = new Map<string, Lane>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly outbox = new InsertBatcher(MessageLinkModel);
  private readonly receipts = new InsertBatcher(RelayReceiptModel);
  /** Posts being made with a person's own token, by `workspace:person`: their echo may arrive before the send returns. */
  private readonly userPosts = new Map<string, Set<Promise<unknown>>>();
  private stopped = false;
  /** Conversations this instance recorded into without their lease, waiting to take it (one wait each). */
  private readonly waitingForLease = new Set<string>();

  constructor(readonly core: Core) {
    this.settings = core.config.relay;
    this.cache = core.directory;
  }

  get leaseMs(): number {
    return this.settings.leaseMs;
  }

  /** Keeps a background task for `idle()`; its failure is logged. */
  track(work: Promise<unknown>): void {
    const tracked = work.catch((err: unknown) => this.warn('relay: background delivery work failed', err));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  warn(what: string, err: unknown): void {
    this.core.log.warn({ err: errorText(err) }, what);
  }

  remember(link: RelayLink): void {
    this.links.remember(link);
  }

  private lane(organizationId: Types.ObjectId, conversationId: Types.ObjectId): Lane {
    const key = String(conversationId);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Lane(organizationId, conversationId, this);
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /**
   * Records one operation in the outbox (one batched append) and queues it for delivery; returns
   * the existing link when the same source operation was recorded before.
   */
  async record(entry: OutboxEntry, between: [Types.ObjectId, Types.ObjectId], eventId?: string): Promise<{ link: RelayLink; created: boolean }> {
    const known = this.links.bySourceMessage(entry.source.workspaceId, entry.source.messageId, entry.opKey);
    if (known) return { link: known, created: false };
    const organizationId = entry.organizationId;
    const conversation = await ensureConversation(this.cache, organizationId, between[0], between[1]);
    const lane = this.lane(organizationId, conversation._id);
    for (let attempt = 1; ; attempt++) {
      const held = await lane.hold();
      const sequence = held ? lane.take() : await sequenceFromOutbox(organizationId, conversation._id);
      const doc = outboxDocument({ ...entry, ...(eventId ? { eventId } : {}) }, conversation._id, sequence);
      try {
        if (held) await this.outbox.insert(doc);
        else await MessageLinkModel.collection.insertOne(doc);
      } catch (err) {
        if (held) lane.drop(sequence);
        if (!isDuplicateKey(err)) throw err;
        const existing = await findLink({
          organizationId,
          'source.workspaceId': entry.source.workspaceId,
          'source.messageId': entry.source.messageId,
          opKey: entry.opKey,
        });
        if (existing) return { link: existing, created: false };
        if (attempt >= RECORD_ATTEMPTS) throw err;
        // Another instance took this sequence number: read what it recorded, then take the next.
        if (held) await lane.resync(sequence);
        continue;
      }
      const link = linkView(doc);
      this.links.remember(link);
      if (held) lane.enqueue(link);
      else this.track(this.afterForeignRecord(organizationId, conversation._id));
      return { link, created: true };
    }
  }

  /** A record made without the lease: the holder, or whoever takes the lease next, must deliver it. */
  private async afterForeignRecord(organizationId: Types.ObjectId, conversationId: Types.ObjectId): Promise<void> {
    await handOff(organizationId, conversationId);
    const key = String(conversationId);
    if (this.waitingForLease.has(key)) return;
    this.waitingForLease.add(key);
    try {
      await this.waitForLease(organizationId, conversationId);
    } finally {
      this.waitingForLease.delete(key);
    }
  }

  private async waitForLease(organizationId: Types.ObjectId, conversationId: Types.ObjectId): Promise<void> {
    for (let i = 0; i < 20 && !this.stopped; i++) {
      await new Promise((r) => setTimeout(r, this.leaseMs / 2));
      if (await this.lane(organizationId, conversationId).hold()) {
        this.lane(organizationId, conversationId).kick();
        return;
      }
    }
  }

  /** Delivers a conversation's pending records, if this instance can take its lease (sweeper, jobs). */
  async deliverConversation(organizationId: Types.ObjectId, conversationId: Types.ObjectId): Promise<void> {
    const lane = this.lane(organizationId, conversationId);
    if (await lane.hold()) lane.kick();
  }

  /** Conversations whose lease holder died, and handed-off ones: delivered here if their lease can be taken. */
  async sweep(): Promise<number> {
    const found = new Map<string, Types.ObjectId | undefined>();
    for (const l of await expiredLeases()) found.set(l.conversationId, l.organizationId);
    const handoffs = new Set<string>();
    for (const h of await pendingHandoffs()) {
      found.set(h.conversationId, h.organizationId);
      handoffs.add(h.conversationId);
    }
    for (const [conversationId, organizationId] of found) {
      if (!organizationId) continue;
      const id = new Types.ObjectId(conversationId);
      try {
        const lane = this.lane(organizationId, id);
        const heldBefore = lane.held;
        if (!(await lane.hold())) continue;
        // Held all along: the handed-off records are not in this line yet.
        if (heldBefore && handoffs.has(conversationId)) await lane.takeHandoff();
        else lane.kick();
      } catch (err) {
        this.warn('relay: sweep of a conversation failed', err);
      }
    }
    return found.size;
  }

  /** Resolves when every line is quiet (tests, benchmarks, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.inFlight.size > 0) {
        await Promise.allSettled([...this.inFlight]);
        continue;
      }
      const busy = [...this.lanes.values()].some((l) => l.held && !l.quiet && !this.waitingForRetry(l));
      if (!busy) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private waitingForRetry(lane: Lane): boolean {
    return !lane.isDraining;
  }

  /** Shutdown: lets sends in progress finish (bounded), then gives every lease back. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, timeoutMs))]);
    await Promise.allSettled([...this.lanes.values()].map((l) => l.close()));
    this.cache.stop();
  }

  /** True when this platform message is a copy the relay posted (memory first, the database for older ones). */
  async isRelayedCopy(organizationId: Types.ObjectId, workspaceId: Types.ObjectId, messageId: string, couldBeOurs: boolean): Promise<boolean> {
    if (this.links.byCopyMessage(workspaceId, messageId)) return true;
    if (!couldBeOurs) return false;
    const inFlight = this.userPosts.get(String(workspaceId));
    if (inFlight?.size) {
      await Promise.allSettled([...inFlight]);
      if (this.links.byCopyMessage(workspaceId, messageId)) return true;
    }
    return Boolean(await RelayReceiptModel.exists({ organizationId, 'copy.workspaceId': workspaceId, 'copy.messageId': messageId }));
  }

  private async receipt(link: RelayLink, status: 'delivered' | 'failed', copy?: RelayLink['copy'], lastError?: string): Promise<void> {
    const at = new Date();
    const doc: Record<string, unknown> = {
      _id: link._id,
      organizationId: link.organizationId,
      conversationId: link.conversationId,
      sequence: link.sequence,
      op: link.op,
      status,
      source: { workspaceId: link.source.workspaceId, messageId: link.source.messageId, personId: link.source.personId },
      target: { personId: link.target?.personId, workspaceId: link.target?.workspaceId },
      attempts: link.attempts,
      at,
    };
    if (copy) doc.copy = Object.fromEntries(Object.entries(copy).filter(([, v]) => v !== undefined && v !== null));
    if (lastError) doc.lastError = lastError;
    try {
      await this.receipts.insert(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    Object.assign(link, { status, copy, lastError, deliveredAt: status === 'delivered' ? at : undefined });
    this.links.remember(link);
  }

  /** One delivery attempt of one link. */
  async attempt(link: RelayLink): Promise<Outcome> {
    const organizationId = link.organizationId;
    try {
      const parent = link.parentLinkId ? await this.parentOf(link) : undefined;
      if (link.op !== 'post' && (!parent || parent.status !== 'delivered' || !parent.copy?.messageId)) {
        await this.receipt(link, 'failed', undefined, 'the message it applies to was not delivered');
        return { kind: 'delivered' };
      }
      const workspace = await this.cache.workspace(organizationId, link.target!.workspaceId!);
      if (!workspace) return { kind: 'failed', reason: 'the recipient’s workspace is no longer connected' };
      const adapter = adapterFor(this.core, workspace.platform);
      switch (link.op) {
        case 'post':
          return await this.post(link, parent, workspace, adapter);
        case 'edit':
        case 'delete':
          return await this.change(link, parent!, workspace, adapter);
        case 'react':
          return await this.react(link, parent!, workspace, adapter);
      }
    } catch (err) {
      return this.retryOrFail(link, err);
    }
  }

  private async parentOf(link: RelayLink): Promise<RelayLink | undefined> {
    const known = this.links.byLinkId(link.parentLinkId!);
    if (known && known.status !== 'pending') return known;
    const fresh = await findLink({ organizationId: link.organizationId, _id: link.parentLinkId });
    if (fresh) this.links.remember(fresh);
    return fresh;
  }

  private retryOrFail(link: RelayLink, err: unknown): Outcome {
    const attempts = link.attempts + 1;
    const retryable = err instanceof AdapterError ? err.retryable : !(err instanceof TypeError);
    link.lastError = errorText(err);
    if (!retryable || attempts >= this.settings.maxAttempts) {
      link.attempts = attempts;
      return { kind: 'failed', reason: errorText(err) };
    }
    const backoff = Math.min(this.settings.retryBaseMs * 2 ** (attempts - 1), 5 * 60_000);
    const retryAfter = err instanceof AdapterError ? (err.options.retryAfterMs ?? 0) : 0;
    const at = new Date(Date.now() + Math.max(backoff, retryAfter, link.unsure ? SETTLE_MS : 0) * (1 + Math.random() * 0.2));
    link.attempts = attempts;
    this.core.log.info({ link: String(link._id), attempts, at, err: errorText(err) }, 'relay send failed; retrying later');
    return { kind: 'retry', at };
  }

  /** Sender's own account on the target workspace with a usable grant, else the bot showing them. */
  private async placementFor(link: RelayLink, actorPersonId: Types.ObjectId, workspace: WorkspaceDoc, adapter: ChatAdapter): Promise<Placement & { grant?: SealedGrant }> {
    const organizationId = link.organizationId;
    const [account, person, home] = await Promise.all([
      this.cache.accountOf(organizationId, actorPersonId, workspace._id),
      this.cache.person(organizationId, actorPersonId),
      this.cache.anyAccountOf(organizationId, actorPersonId, link.source.workspaceId),
    ]);
    const grant = usableGrant(this.core, account);
    if (grant) return { workspace, adapter, as: { kind: 'user', accessToken: grant.accessToken }, account, grant };
    return { workspace, adapter, as: botAs({ name: person?.name ?? 'Someone' }, home ?? undefined, link.source.platform) };
  }

  /**
   * A user token the platform refused: refreshed where the adapter and grant allow it, otherwise
   * the account's sync is marked failed, the person is asked to sync again, and the caller falls
   * back to the bot. Returns the new access token when refreshed.
   */
  private async deadToken(account: PlatformAccountDoc, grant: SealedGrant, adapter: ChatAdapter, workspace: WorkspaceDoc): Promise<string | undefined> {
    const organizationId = account.organizationId;
    if (adapter.capabilities.tokenRefresh && grant.refreshToken) {
      try {
        const fresh = await adapter.refreshUserToken(grant.refreshToken);
        await PlatformAccountModel.updateOne(
          { organizationId, _id: account._id },
          {
            $set: {
              userToken: this.core.cipher.encryptJson({
                accessToken: fresh.accessToken,
                refreshToken: fresh.refreshToken ?? grant.refreshToken,
                scopes: fresh.scopes,
              }),
              ...(fresh.expiresAt ? { userTokenExpiresAt: fresh.expiresAt } : {}),
            },
          },
        );
        return fresh.accessToken;
      } catch (err) {
        this.core.log.warn({ err: errorText(err), platform: workspace.platform }, 'relay: user token refresh failed');
      }
    }
    await PlatformAccountModel.updateOne(
      { organizationId, _id: account._id },
      { $set: { 'secondary.status': 'failed', 'secondary.reason': 'authorization revoked or expired', 'secondary.updatedAt': new Date() } },
    );
    const person = account.personId ? await PersonModel.findOne({ organizationId, _id: account.personId }) : null;
    await eventLog.record(organizationId, {
      type: 'relay.token_failed',
      outcome: 'failed',
      subject: person?.email,
      message: `${person?.name ?? 'Someone'}'s authorization on ${workspace.name} no longer works; messages go through the bot until they sync again`,
    });
    if (person) {
      promptPerson(this.core, person, { reason: 'resync' }).catch((err: unknown) =>
        this.core.log.warn({ err: errorText(err) }, 'relay: could not prompt a person to sync again'),
      );
    }
    return undefined;
  }

  private async post(link: RelayLink, parent: RelayLink | undefined, workspace: WorkspaceDoc, adapter: ChatAdapter): Promise<Outcome> {
    const organizationId = link.organizationId;
    const ref = this.cache.workspaceRef(workspace);
    const text = withFiles(await rewriteMentions(organizationId, link.source.workspaceId, workspace._id, link.text ?? ''), link.files);
    let placement = await this.placementFor(link, link.source.personId!, workspace, adapter);
    for (let round = 0; round < 3; round++) {
      // A post with the sender's own token may be echoed back before `send` returns: echo checks wait for it.
      let done!: () => void;
      const posting = placement.as.kind === 'user' ? new Promise<void>((r) => (done = r)) : undefined;
      const key = String(workspace._id);
      if (posting) {
        const set = this.userPosts.get(key) ?? new Set();
        set.add(posting);
        this.userPosts.set(key, set);
      }
      try {
        const conversationId = await this.directConversation(link, placement);
        const threadId = this.threadTarget(parent ?? null, workspace, conversationId, placement.as.kind);
        const target = { workspace: ref, conversationId };
        const message = { text: text || ' ', ...(threadId ? { threadId } : {}), relayTag: String(link._id) };
        const found = link.unsure ? await earlierCopy(link, { adapter, target, message, as: placement.as, links: this.links, warn: (w, e) => this.warn(w, e) }) : undefined;
        const sent = found ?? (await adapter.send(target, message, placement.as));
        await this.delivered(link, placement, sent);
        return { kind: 'delivered' };
      } catch (err) {
        if (maybePosted(err)) link.unsure = true;
        if (placement.as.kind !== 'user' || !isInvalidToken(err) || !placement.account || !placement.grant) throw err;
        const fresh = await this.deadToken(placement.account, placement.grant, adapter, workspace);
        placement = fresh
          ? { ...placement, as: { kind: 'user', accessToken: fresh }, grant: { ...placement.grant, accessToken: fresh } }
          : await this.placementFor(link, link.source.personId!, workspace, adapter);
      } finally {
        if (posting) {
          done();
          this.userPosts.get(key)?.delete(posting);
        }
      }
    }
    return { kind: 'failed', reason: 'the recipient’s platform refused every way of posting it' };
  }

  /** The 1:1 chat the copy goes to: the sender's DM with the recipient (user sync) or the bot's. */
  private async directConversation(link: RelayLink, placement: Placement): Promise<string> {
    const organizationId = link.organizationId;
    const recipientId = link.target!.userId!;
    const ref = this.cache.workspaceRef(placement.workspace);
    if (placement.as.kind === 'user') return placement.adapter.openDirect(ref, recipientId, placement.as);
    const recipient = await this.cache.account(placement.workspace, recipientId);
    if (recipient?.directConversationId) return recipient.directConversationId;
    const opened = await placement.adapter.openDirect(ref, recipientId);
    // Raw write, no change signal: opening the chat is idempotent, so another instance that still
    // lacks the id merely opens it again, and no instance has to drop its whole directory for it.
    await PlatformAccountModel.collection.updateOne(
      { organizationId, workspaceId: placement.workspace._id, externalUserId: recipientId },
      { $set: { directConversationId: opened } },
    );
    if (recipient) recipient.directConversationId = opened;
    return opened;
  }

  /** The thread to reply in: the root's counterpart on this side, when it is in the same chat. */
  private threadTarget(parent: RelayLink | null, workspace: WorkspaceDoc, conversationId: string, poster: SendAs['kind']): string | undefined {
    if (!parent || parent.status !== 'delivered') return undefined;
    const ws = String(workspace._id);
    if (parent.copy?.workspaceId && String(parent.copy.workspaceId) === ws) {
      // Same poster, same recipient: the same DM (some platforms name it differently before and after posting).
      const sameChat = parent.copy.conversationId === conversationId || parent.copy.as === poster;
      return sameChat ? (parent.copy.messageId ?? undefined) : undefined;
    }
    if (String(parent.source.workspaceId) === ws) return parent.source.conversationId === conversationId ? parent.source.messageId : undefined;
    return undefined;
  }

  private async delivered(link: RelayLink, placement: Placement, sent: MessageRef): Promise<void> {
    const organizationId = link.organizationId;
    await this.receipt(link, 'delivered', {
      platform: placement.workspace.platform,
      workspaceId: placement.workspace._id,
      conversationId: sent.conversationId,
      messageId: sent.messageId,
      as: placement.as.kind,
      ...(placement.as.kind === 'user' && placement.account ? { accountId: placement.account._id } : {}),
    });
    if (placement.as.kind === 'user' && link.target?.personId) {
      // The recipient may answer in this very DM; remember it as this conversation's endpoint (once).
      const endpoints = (await this.cache.conversationsOf(organizationId, link.target.personId)).find((c) => String(c._id) === String(link.conversationId))?.endpoints;
      if (endpoints?.some((e) => e.conversationId === sent.conversationId && String(e.personId) === String(link.target!.personId))) return;
      await ConversationModel.updateOne(
        { organizationId, _id: link.conversationId, 'endpoints.conversationId': { $ne: sent.conversationId } },
        {
          $push: {
            endpoints: {
              personId: link.target.personId,
              platform: placement.workspace.platform,
              workspaceId: placement.workspace._id,
              conversationId: sent.conversationId,
            },
          },
        },
      );
    }
  }

  /** Edit or delete of a copy, as whoever posted it. */
  private async change(link: RelayLink, parent: RelayLink, workspace: WorkspaceDoc, adapter: ChatAdapter): Promise<Outcome> {
    const organizationId = link.organizationId;
    const ref: MessageRef = { workspace: this.cache.workspaceRef(workspace), conversationId: parent.copy!.conversationId!, messageId: parent.copy!.messageId! };
    let as: SendAs;
    if (parent.copy?.as === 'user') {
      const account = await PlatformAccountModel.findOne({ organizationId, _id: parent.copy.accountId });
      const grant = usableGrant(this.core, account);
      if (!grant || !account) return { kind: 'failed', reason: 'the authorization that posted the message no longer works' };
      as = { kind: 'user', accessToken: grant.accessToken };
      try {
        await this.apply(link, adapter, ref, as, workspace);
        await this.receipt(link, 'delivered');
        return { kind: 'delivered' };
      } catch (err) {
        if (!isInvalidToken(err)) throw err;
        const fresh = await this.deadToken(account, grant, adapter, workspace);
        if (!fresh) return { kind: 'failed', reason: 'the authorization that posted the message no longer works' };
        as = { kind: 'user', accessToken: fresh };
      }
    } else {
      const sender = await PersonModel.findOne({ organizationId, _id: parent.source.personId }, { name: 1 }).lean();
      as = botAs({ name: sender?.name ?? 'Someone' }, undefined, parent.source.platform);
    }
    await this.apply(link, adapter, ref, as, workspace);
    await this.receipt(link, 'delivered');
    return { kind: 'delivered' };
  }

  private async apply(link: RelayLink, adapter: ChatAdapter, ref: MessageRef, as: SendAs, workspace: WorkspaceDoc): Promise<void> {
    if (link.op === 'delete') {
      try {
        await adapter.delete(ref, as);
      } catch (err) {
        if (err instanceof AdapterError && err.code === AdapterErrorCode.NotFound) return;
        throw err;
      }
      return;
    }
    const text = await rewriteMentions(link.organizationId, link.source.workspaceId, workspace._id, link.text ?? '');
    await adapter.update(ref, { text: text || ' ' }, as);
  }

  /** A reaction lands on the other side's counterpart of the message it was made on. */
  private async react(link: RelayLink, parent: RelayLink, workspace: WorkspaceDoc, adapter: ChatAdapter): Promise<Outcome> {
    const onCopySide = String(parent.copy!.workspaceId) === String(workspace._id);
    const ref: MessageRef = {
      workspace: this.cache.workspaceRef(workspace),
      conversationId: onCopySide ? parent.copy!.conversationId! : parent.source.conversationId,
      messageId: onCopySide ? parent.copy!.messageId! : parent.source.messageId,
    };
    const placement = await this.placementFor(link, link.source.personId!, workspace, adapter);
    if (adapter.capabilities.reactions) {
      try {
        await adapter.react(ref, link.emoji!, link.added !== false, placement.as);
        await this.receipt(link, 'delivered');
        return { kind: 'delivered' };
      } catch (err) {
        if (!(err instanceof AdapterError) || err.retryable) throw err;
        if (placement.as.kind === 'user' && isInvalidToken(err) && placement.account && placement.grant) {
          await this.deadToken(placement.account, placement.grant, adapter, workspace);
        }
      }
    }
    const person = await PersonModel.findOne({ organizationId: link.organizationId, _id: link.source.personId }, { name: 1 }).lean();
    const note = reactionNote(person?.name ?? 'Someone', link.emoji!, link.added !== false, parent.text);
    let messageId: string;
    if (ref.messageId.startsWith(SYNTHETIC_PREFIX)) {
      // The original was sent with the `dm` verb: there is no message to thread on, so the note goes to their bot chat.
      messageId = await sendToUser(this.core, workspace, parent.source.userId!, { text: note });
    } else {
      const sent = await adapter.send({ workspace: ref.workspace, conversationId: ref.conversationId }, { text: note, threadId: ref.messageId }, { kind: 'bot' });
      messageId = sent.messageId;
    }
    await this.receipt(link, 'delivered', { workspaceId: workspace._id, messageId });
    return { kind: 'delivered' };
  }

  /** A link that will not be delivered: recorded, logged, and its sender told (never silent). */
  async reportFailure(link: RelayLink, reason: string): Promise<void> {
    const organizationId = link.organizationId;
    await this.receipt(link, 'failed', undefined, reason);
    const [sender, recipient, targetWs] = await Promise.all([
      link.source.personId ? this.cache.person(organizationId, link.source.personId) : null,
      link.target?.personId ? this.cache.person(organizationId, link.target.personId) : null,
      link.target?.workspaceId ? this.cache.workspace(organizationId, link.target.workspaceId) : undefined,
    ]);
    const what = link.op === 'post' ? 'Your message' : link.op === 'edit' ? 'Your edit' : link.op === 'delete' ? 'Your delete' : 'Your reaction';
    const where = targetWs ? ` on ${PLATFORM_NAMES[targetWs.platform]}` : '';
    const quote = link.text ? ` (“${link.text.length > 80 ? `${link.text.slice(0, 79)}…` : link.text}”)` : '';
    await eventLog.record(organizationId, {
      type: 'relay.failed',
      outcome: 'failed',
      actorPersonId: link.source.personId ?? undefined,
      subject: sender?.email,
      message: `${link.op} from ${sender?.name ?? 'someone'} to ${recipient?.name ?? 'someone'}${where} not delivered after ${Math.max(1, link.attempts)} attempt(s): ${reason}`,
      data: { linkId: String(link._id) },
    });
    if (!link.source.userId) return;
    try {
      const sourceWs = await this.cache.workspace(organizationId, link.source.workspaceId);
      if (sourceWs) {
        await sendToUser(this.core, sourceWs, link.source.userId, {
          text: `${what}${quote} to ${recipient?.name ?? 'your colleague'}${where} could not be delivered: ${reason}. It is recorded in the event log; please try again later.`,
        });
      }
    } catch (err) {
      this.core.log.warn({ err: errorText(err) }, 'relay: could not tell the sender about a failed delivery');
    }
  }
}

/** Parses job data ids. */
export function jobIds(data: RelayDeliverData): { organizationId: Types.ObjectId; conversationId: Types.ObjectId } {
  return { organizationId: new Types.ObjectId(data.organizationId), conversationId: new Types.ObjectId(data.conversationId) };
}
