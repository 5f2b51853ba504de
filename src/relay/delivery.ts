/**
 * Delivery of the relay's outbox. One service instance at a time holds a conversation's lease (a
 * unique insert, see lease.ts, kept alive by a heartbeat) and sends its pending links strictly in
 * `sequence` order: the head of the line is retried with backoff by an Agenda job, and nothing
 * behind it overtakes it. A link whose send succeeded is marked delivered with its copy's ids, so
 * a restart or a second instance never sends it again.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { AdapterError, AdapterErrorCode, type ChatAdapter, type MessageRef, type Platform, type SendAs } from '../chat-adapter.js';
import { adapterFor, PLATFORM_NAMES, workspaceRef, type Core } from '../core/core.js';
import { ConversationModel, MessageLinkModel, PersonModel, PlatformAccountModel, WorkspaceModel } from '../models/index.js';
import type { MessageLinkDoc } from '../models/message-link.model.js';
import type { PlatformAccountDoc } from '../models/platform-account.model.js';
import type { WorkspaceDoc } from '../models/workspace.model.js';
import { sendToUser } from '../people/notify.js';
import { promptPerson } from '../people/prompts.js';
import { eventLog } from '../services/event-log.js';
import { reactionNote, rewriteMentions, withFiles } from './compose.js';
import { botAs, usableGrant, type SealedGrant } from './parties.js';
import { claimLease, releaseLease, renewLease } from './lease.js';

/** Source message ids of messages sent with the `dm` verb (no platform message exists). */
export const SYNTHETIC_PREFIX = 'dm:';

/** Agenda job that retries a conversation's head-of-line link. */
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

/** The delivery engine of one service instance. */
export class RelayEngine {
  readonly instanceId = randomUUID();
  readonly settings: Core['config']['relay'];
  private readonly running = new Set<string>();
  private readonly rerun = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly core: Core) {
    this.settings = core.config.relay;
  }

  /** Starts delivering a conversation now, without waiting (the hot path). */
  kick(organizationId: Types.ObjectId, conversationId: Types.ObjectId): void {
    const work = this.deliverConversation(organizationId, conversationId).catch((err: unknown) =>
      this.core.log.error({ err, conversationId: String(conversationId) }, 'relay delivery failed; the sweeper will retry'),
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Resolves when every delivery started by `kick` has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Delivers a conversation's pending links in order, if this instance can take its lease. */
  async deliverConversation(organizationId: Types.ObjectId, conversationId: Types.ObjectId): Promise<void> {
    const key = String(conversationId);
    if (this.running.has(key)) {
      this.rerun.add(key);
      return;
    }
    this.running.add(key);
    try {
      do {
        this.rerun.delete(key);
        await this.drainWithLease(organizationId, conversationId);
      } while (this.rerun.has(key));
    } finally {
      this.running.delete(key);
    }
  }

  /** Conversations with links due now whose lease is free: what the sweeper delivers. */
  async sweep(limit = 200): Promise<number> {
    const now = new Date();
    const due = await MessageLinkModel.find({
      status: 'pending',
      $or: [{ nextAttemptAt: { $exists: false } }, { nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }],
      createdAt: { $lt: new Date(now.getTime() - 1000) },
    })
      .setOptions({ crossOrganization: true })
      .select({ organizationId: 1, conversationId: 1 })
      .limit(limit)
      .lean();
    const seen = new Map<string, { organizationId: Types.ObjectId; conversationId: Types.ObjectId }>();
    for (const l of due) seen.set(String(l.conversationId), { organizationId: l.organizationId, conversationId: l.conversationId });
    await Promise.all([...seen.values()].map((c) => this.deliverConversation(c.organizationId, c.conversationId)));
    return seen.size;
  }

  private async drainWithLease(organizationId: Types.ObjectId, conversationId: Types.ObjectId): Promise<void> {
    for (;;) {
      if (!(await claimLease(conversationId, this.instanceId, this.settings.leaseMs))) return;
      let lost = false;
      const heartbeat = setInterval(() => {
        renewLease(conversationId, this.instanceId, this.settings.leaseMs)
          .then((held) => {
            if (!held) lost = true;
          })
          .catch(() => {});
      }, Math.max(250, Math.floor(this.settings.leaseMs / 3)));
      let waiting = false;
      try {
        waiting = await this.drain(organizationId, conversationId, () => lost);
      } finally {
        clearInterval(heartbeat);
        await releaseLease(conversationId, this.instanceId);
      }
      if (waiting || lost) return;
      // A link recorded while we held the lease (its own claim failed) is ours to deliver.
      const more = await MessageLinkModel.exists({
        organizationId,
        conversationId,
        status: 'pending',
        $or: [{ nextAttemptAt: { $exists: false } }, { nextAttemptAt: null }, { nextAttemptAt: { $lte: new Date() } }],
      });
      if (!more) return;
    }
  }

  /** Sends pending links in order; true when the head must wait for a retry. */
  private async drain(organizationId: Types.ObjectId, conversationId: Types.ObjectId, lost: () => boolean): Promise<boolean> {
    for (;;) {
      if (lost()) return true;
      const head = await MessageLinkModel.findOne({ organizationId, conversationId, status: 'pending' }).sort({ sequence: 1 });
      if (!head) return false;
      if (head.nextAttemptAt && head.nextAttemptAt.getTime() > Date.now()) {
        await this.scheduleRetry(head, head.nextAttemptAt);
        return true;
      }
      const outcome = await this.attempt(head);
      if (outcome.kind === 'retry') {
        await this.scheduleRetry(head, outcome.at);
        return true;
      }
      if (outcome.kind === 'failed') await this.reportFailure(head, outcome.reason);
    }
  }

  private async scheduleRetry(link: MessageLinkDoc, at: Date): Promise<void> {
    const data: RelayDeliverData = { organizationId: String(link.organizationId), conversationId: String(link.conversationId) };
    await this.core.agenda.schedule(at, RELAY_DELIVER_JOB, data);
  }

  /** One delivery attempt of one link. */
  private async attempt(link: MessageLinkDoc): Promise<Outcome> {
    const organizationId = link.organizationId;
    try {
      const parent = link.parentLinkId ? await MessageLinkModel.findOne({ organizationId, _id: link.parentLinkId }) : null;
      if (link.op !== 'post' && (!parent || parent.status !== 'delivered' || !parent.copy?.messageId)) {
        await this.finish(link, { status: 'failed', lastError: 'the message it applies to was not delivered' });
        return { kind: 'delivered' };
      }
      const workspace = await WorkspaceModel.findOne({ organizationId, _id: link.target!.workspaceId });
      if (!workspace) return { kind: 'failed', reason: 'the recipient’s workspace is no longer connected' };
      const adapter = adapterFor(this.core, workspace.platform as Platform);
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

  private async retryOrFail(link: MessageLinkDoc, err: unknown): Promise<Outcome> {
    const attempts = link.attempts + 1;
    const retryable = err instanceof AdapterError ? err.retryable : !(err instanceof TypeError);
    if (!retryable || attempts >= this.settings.maxAttempts) {
      await MessageLinkModel.updateOne({ organizationId: link.organizationId, _id: link._id }, { $set: { attempts, lastError: errorText(err) } });
      return { kind: 'failed', reason: errorText(err) };
    }
    const backoff = Math.min(this.settings.retryBaseMs * 2 ** (attempts - 1), 5 * 60_000);
    const retryAfter = err instanceof AdapterError ? (err.options.retryAfterMs ?? 0) : 0;
    const at = new Date(Date.now() + Math.max(backoff, retryAfter) * (1 + Math.random() * 0.2));
    await MessageLinkModel.updateOne(
      { organizationId: link.organizationId, _id: link._id },
      { $set: { attempts, nextAttemptAt: at, lastError: errorText(err) } },
    );
    link.attempts = attempts;
    this.core.log.info({ link: String(link._id), attempts, at, err: errorText(err) }, 'relay send failed; retrying later');
    return { kind: 'retry', at };
  }

  private async finish(link: MessageLinkDoc, set: Record<string, unknown>): Promise<void> {
    await MessageLinkModel.updateOne({ organizationId: link.organizationId, _id: link._id }, { $set: set, $unset: { nextAttemptAt: 1 } });
  }

  /** Sender's own account on the target workspace with a usable grant, else the bot showing them. */
  private async placementFor(
    link: MessageLinkDoc,
    actorPersonId: Types.ObjectId,
    workspace: WorkspaceDoc,
    adapter: ChatAdapter,
  ): Promise<Placement & { grant?: SealedGrant }> {
    const organizationId = link.organizationId;
    const [account, person, home] = await Promise.all([
      PlatformAccountModel.findOne({ organizationId, personId: actorPersonId, workspaceId: workspace._id, deactivated: false }),
      PersonModel.findOne({ organizationId, _id: actorPersonId }, { name: 1 }).lean(),
      PlatformAccountModel.findOne({ organizationId, personId: actorPersonId, workspaceId: link.source.workspaceId }, { avatarUrl: 1 }).lean(),
    ]);
    const grant = usableGrant(this.core, account);
    if (grant) return { workspace, adapter, as: { kind: 'user', accessToken: grant.accessToken }, account, grant };
    return { workspace, adapter, as: botAs({ name: person?.name ?? 'Someone' }, home ?? undefined, link.source.platform as Platform) };
  }

  /**
   * A user token the platform refused: refreshed where the adapter and grant allow it, otherwise
   * the account's sync is marked failed, the person is asked to sync again, and the caller falls
   * back to the bot. Returns the new access token when refreshed.
   */
  private async deadToken(account: PlatformAccountDoc, grant: SealedGrant, adapter: ChatAdapter, workspace: WorkspaceDoc): Promise<string | undefined> {
    const organizationId = account.organizationId;
    if (adapter.refreshUserToken && grant.refreshToken) {
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

  private async post(link: MessageLinkDoc, parent: MessageLinkDoc | null, workspace: WorkspaceDoc, adapter: ChatAdapter): Promise<Outcome> {
    const organizationId = link.organizationId;
    const ref = workspaceRef(this.core, workspace);
    const text = withFiles(
      await rewriteMentions(organizationId, link.source.workspaceId, workspace._id, link.text ?? ''),
      link.files,
    );
    let placement = await this.placementFor(link, link.source.personId!, workspace, adapter);
    for (let round = 0; round < 3; round++) {
      try {
        const conversationId = await this.directConversation(link, placement);
        const threadId = this.threadTarget(parent, workspace, conversationId, placement.as.kind);
        const sent = await adapter.send(
          { workspace: ref, conversationId },
          { text: text || ' ', ...(threadId ? { threadId } : {}) },
          placement.as,
        );
        await this.delivered(link, placement, sent);
        return { kind: 'delivered' };
      } catch (err) {
        if (placement.as.kind !== 'user' || !isInvalidToken(err) || !placement.account || !placement.grant) throw err;
        const fresh = await this.deadToken(placement.account, placement.grant, adapter, workspace);
        placement = fresh
          ? { ...placement, as: { kind: 'user', accessToken: fresh }, grant: { ...placement.grant, accessToken: fresh } }
          : await this.placementFor(link, link.source.personId!, workspace, adapter);
      }
    }
    return { kind: 'failed', reason: 'the recipient’s platform refused every way of posting it' };
  }

  /** The 1:1 chat the copy goes to: the sender's DM with the recipient (user sync) or the bot's. */
  private async directConversation(link: MessageLinkDoc, placement: Placement): Promise<string> {
    const organizationId = link.organizationId;
    const recipientId = link.target!.userId!;
    const ref = workspaceRef(this.core, placement.workspace);
    if (placement.as.kind === 'user') {
      const conversationId = await placement.adapter.openDirect(ref, recipientId, placement.as);
      // Recorded before the send so an echo of this post arriving first is recognized (see router).
      await MessageLinkModel.updateOne(
        { organizationId, _id: link._id },
        {
          $set: {
            'copy.platform': placement.workspace.platform,
            'copy.workspaceId': placement.workspace._id,
            'copy.conversationId': conversationId,
            'copy.as': 'user',
            'copy.accountId': placement.account?._id,
          },
        },
      );
      return conversationId;
    }
    const recipient = await PlatformAccountModel.findOne(
      { organizationId, workspaceId: placement.workspace._id, externalUserId: recipientId },
      { directConversationId: 1 },
    ).lean();
    if (recipient?.directConversationId) return recipient.directConversationId;
    const opened = await placement.adapter.openDirect(ref, recipientId);
    await PlatformAccountModel.updateOne(
      { organizationId, workspaceId: placement.workspace._id, externalUserId: recipientId },
      { $set: { directConversationId: opened } },
    );
    return opened;
  }

  /** The thread to reply in: the root's counterpart on this side, when it is in the same chat. */
  private threadTarget(parent: MessageLinkDoc | null, workspace: WorkspaceDoc, conversationId: string, poster: SendAs['kind']): string | undefined {
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

  private async delivered(link: MessageLinkDoc, placement: Placement, sent: MessageRef): Promise<void> {
    const organizationId = link.organizationId;
    await this.finish(link, {
      status: 'delivered',
      deliveredAt: new Date(),
      'copy.platform': placement.workspace.platform,
      'copy.workspaceId': placement.workspace._id,
      'copy.conversationId': sent.conversationId,
      'copy.messageId': sent.messageId,
      'copy.as': placement.as.kind,
      ...(placement.as.kind === 'user' && placement.account ? { 'copy.accountId': placement.account._id } : {}),
    });
    if (placement.as.kind === 'user' && link.target?.personId) {
      // The recipient may answer in this very DM; remember it as this conversation's endpoint.
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
  private async change(link: MessageLinkDoc, parent: MessageLinkDoc, workspace: WorkspaceDoc, adapter: ChatAdapter): Promise<Outcome> {
    const organizationId = link.organizationId;
    const ref: MessageRef = { workspace: workspaceRef(this.core, workspace), conversationId: parent.copy!.conversationId!, messageId: parent.copy!.messageId! };
    let as: SendAs;
    if (parent.copy?.as === 'user') {
      const account = await PlatformAccountModel.findOne({ organizationId, _id: parent.copy.accountId });
      const grant = usableGrant(this.core, account);
      if (!grant || !account) return { kind: 'failed', reason: 'the authorization that posted the message no longer works' };
      as = { kind: 'user', accessToken: grant.accessToken };
      try {
        await this.apply(link, adapter, ref, as, workspace);
        await this.finish(link, { status: 'delivered', deliveredAt: new Date() });
        return { kind: 'delivered' };
      } catch (err) {
        if (!isInvalidToken(err)) throw err;
        const fresh = await this.deadToken(account, grant, adapter, workspace);
        if (!fresh) return { kind: 'failed', reason: 'the authorization that posted the message no longer works' };
        as = { kind: 'user', accessToken: fresh };
      }
    } else {
      const sender = await PersonModel.findOne({ organizationId, _id: parent.source.personId }, { name: 1 }).lean();
      as = botAs({ name: sender?.name ?? 'Someone' }, undefined, parent.source.platform as Platform);
    }
    await this.apply(link, adapter, ref, as, workspace);
    await this.finish(link, { status: 'delivered', deliveredAt: new Date() });
    return { kind: 'delivered' };
  }

  private async apply(link: MessageLinkDoc, adapter: ChatAdapter, ref: MessageRef, as: SendAs, workspace: WorkspaceDoc): Promise<void> {
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
  private async react(link: MessageLinkDoc, parent: MessageLinkDoc, workspace: WorkspaceDoc, adapter: ChatAdapter): Promise<Outcome> {
    const onCopySide = String(parent.copy!.workspaceId) === String(workspace._id);
    const ref: MessageRef = {
      workspace: workspaceRef(this.core, workspace),
      conversationId: onCopySide ? parent.copy!.conversationId! : parent.source.conversationId,
      messageId: onCopySide ? parent.copy!.messageId! : parent.source.messageId,
    };
    const placement = await this.placementFor(link, link.source.personId!, workspace, adapter);
    if (adapter.react) {
      try {
        await adapter.react(ref, link.emoji!, link.added !== false, placement.as);
        await this.finish(link, { status: 'delivered', deliveredAt: new Date() });
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
    await this.finish(link, { status: 'delivered', deliveredAt: new Date(), 'copy.messageId': messageId, 'copy.workspaceId': workspace._id });
    return { kind: 'delivered' };
  }

  /** A link that will not be delivered: recorded, logged, and its sender told (never silent). */
  private async reportFailure(link: MessageLinkDoc, reason: string): Promise<void> {
    const organizationId = link.organizationId;
    await this.finish(link, { status: 'failed', lastError: reason });
    const [sender, recipient, targetWs] = await Promise.all([
      PersonModel.findOne({ organizationId, _id: link.source.personId }, { name: 1, email: 1 }).lean(),
      PersonModel.findOne({ organizationId, _id: link.target?.personId }, { name: 1 }).lean(),
      WorkspaceModel.findOne({ organizationId, _id: link.target?.workspaceId }, { name: 1, platform: 1 }).lean(),
    ]);
    const what = link.op === 'post' ? 'Your message' : link.op === 'edit' ? 'Your edit' : link.op === 'delete' ? 'Your delete' : 'Your reaction';
    const where = targetWs ? ` on ${PLATFORM_NAMES[targetWs.platform as Platform]}` : '';
    const quote = link.text ? ` (“${link.text.length > 80 ? `${link.text.slice(0, 79)}…` : link.text}”)` : '';
    await eventLog.record(organizationId, {
      type: 'relay.failed',
      outcome: 'failed',
      actorPersonId: link.source.personId ?? undefined,
      subject: sender?.email,
      message: `${link.op} from ${sender?.name ?? 'someone'} to ${recipient?.name ?? 'someone'}${where} not delivered after ${link.attempts + 1} attempt(s): ${reason}`,
      data: { linkId: String(link._id) },
    });
    if (!link.source.userId) return;
    try {
      const sourceWs = await WorkspaceModel.findOne({ organizationId, _id: link.source.workspaceId });
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

const engines = new WeakMap<Core, RelayEngine>();

/** The delivery engine of this service instance (one per core). */
export function relayEngine(core: Core): RelayEngine {
  let engine = engines.get(core);
  if (!engine) {
    engine = new RelayEngine(core);
    engines.set(core, engine);
  }
  return engine;
}

/** Parses job data ids. */
export function jobIds(data: RelayDeliverData): { organizationId: Types.ObjectId; conversationId: Types.ObjectId } {
  return { organizationId: new Types.ObjectId(data.organizationId), conversationId: new Types.ObjectId(data.conversationId) };
}
