import { ConversationModel } from '../directory/conversation.model.js';
import type { Types } from 'mongoose';
import { clearHandoff, handOff, hasHandoff } from './handoff.js';
import { claimLease, releaseLease, renewLease } from './lease.model.js';
import { findLinks, type RelayLink } from './links.js';

/** What a lane needs from its engine. */
export interface LaneHost {
  readonly instanceId: string;
  readonly leaseMs: number;
  attempt(link: RelayLink): Promise<{ kind: 'delivered' } | { kind: 'retry'; at: Date } | { kind: 'failed'; reason: string }>;
  reportFailure(link: RelayLink, reason: string): Promise<void>;
  remember(link: RelayLink): void;
  track(work: Promise<unknown>): void;
  warn(what: string, err: unknown): void;
}

/** The delivery line of one conversation. */
export class Lane {
  held = false;
  private nextSeq = 1;
  private readonly taken = new Set<number>();
  private queue: RelayLink[] = [];
  private draining = false;
  private serial: Promise<unknown> = Promise.resolve();
  private heartbeat?: NodeJS.Timeout;
  private wake?: NodeJS.Timeout;
  private idle?: NodeJS.Timeout;

  constructor(
    readonly organizationId: Types.ObjectId,
    readonly conversationId: Types.ObjectId,
    private readonly host: LaneHost,
  ) {}

  /** A line idle this long gives its lease back (a lease's length: short enough for takeovers, long enough to span pauses). */
  private idleMs(): number {
    return this.host.leaseMs;
  }

  private inOrder<T>(work: () => Promise<T>): Promise<T> {
    const next = this.serial.then(work, work);
    this.serial = next.catch(() => {});
    return next;
  }

  /** True once this instance holds the lease (claiming it if needed). */
  async hold(): Promise<boolean> {
    if (this.held) return true;
    return this.inOrder(async () => {
      if (this.held) return true;
      const claimed = await claimLease(this.conversationId, this.host.instanceId, this.host.leaseMs, this.organizationId);
      if (!claimed) return false;
      this.held = true;
      this.heartbeat = setInterval(() => void this.renew(), Math.max(250, Math.floor(this.host.leaseMs / 3)));
      this.heartbeat.unref();
      try {
        // The outbox is read (a scan on FerretDB) only when someone may have left records in it:
        // a holder that died, or an instance that recorded without the lease (it leaves a handoff).
        // After a clean release the conversation's mark is exact.
        if (claimed.takenOver || (await hasHandoff(this.conversationId))) await this.recover(claimed.delivered);
        else await this.resume();
      } catch (err) {
        await this.giveBack(false);
        throw err;
      }
      return true;
    });
  }

  /** Takes a sequence number (the lease is held); `settle` once its record is written or dropped. */
  take(): number {
    const n = this.nextSeq++;
    this.taken.add(n);
    return n;
  }

  /** The record for a taken number is not going to be queued (e.g. a duplicate). */
  drop(sequence: number): void {
    this.taken.delete(sequence);
  }

  /** Adds a recorded link to the line and starts sending. */
  enqueue(link: RelayLink): void {
    this.taken.delete(link.sequence);
    if (!this.queue.some((l) => String(l._id) === String(link._id))) {
      this.queue.push(link);
      this.queue.sort((a, b) => a.sequence - b.sequence);
    }
    this.kick();
  }

  /** Sends whatever is due (no-op while already sending). */
  kick(): void {
    clearTimeout(this.idle);
    this.idle = undefined;
    if (this.draining || !this.held) return;
    this.host.track(this.drain());
  }

  /** Takes up the numbering where the last clean release left it. */
  private async resume(): Promise<void> {
    const conversation = await ConversationModel.collection.findOne(
      { organizationId: this.organizationId, _id: this.conversationId },
      { projection: { sequence: 1 } },
    );
    this.nextSeq = Math.max(this.nextSeq, ((conversation?.sequence as number | undefined) ?? 0) + 1);
  }

  /** Reads the outbox after a handoff appeared while this line holds the lease (sweeper). */
  async takeHandoff(): Promise<void> {
    if (!this.held) return;
    await this.inOrder(() => this.recover());
    this.kick();
  }

  /** Every record of the outbox beyond what is known delivered: read after taking the lease or after a collision. */
  async recover(deliveredMark?: number, below?: number): Promise<void> {
    await clearHandoff(this.conversationId);
    const conversation = await ConversationModel.collection.findOne(
      { organizationId: this.organizationId, _id: this.conversationId },
      { projection: { sequence: 1 } },
    );
    let floor = Math.max(deliveredMark ?? 0, (conversation?.sequence as number | undefined) ?? 0, this.mark());
    // After a collision on `below`, that number is someone else's record: read from just under it.
    if (below !== undefined) floor = Math.min(floor, below - 1);
    const links = await findLinks({ organizationId: this.organizationId, conversationId: this.conversationId, sequence: { $gt: floor } });
    let top = Math.max(floor, this.nextSeq - 1);
    for (const link of links) {
      top = Math.max(top, link.sequence);
      this.host.remember(link);
      if (link.status === 'pending' && !this.queue.some((l) => String(l._id) === String(link._id))) this.queue.push(link);
    }
    this.queue.sort((a, b) => a.sequence - b.sequence);
    this.nextSeq = top + 1;
  }

  /** Reads the outbox again after another instance took sequence number `collided` (a unique-key collision). */
  resync(collided: number): Promise<void> {
    return this.inOrder(() => this.recover(undefined, collided));
  }

  /** Everything up to this sequence number has its receipt. */
  private mark(): number {
    const lowest = Math.min(this.queue[0]?.sequence ?? Infinity, ...this.taken);
    return Number.isFinite(lowest) ? lowest - 1 : this.nextSeq - 1;
  }

  private async renew(): Promise<void> {
    if (!this.held) return;
    try {
      if (!(await renewLease(this.conversationId, this.host.instanceId, this.host.leaseMs, this.mark()))) this.lost();
    } catch (err) {
      this.host.warn('relay: lease renewal failed', err);
    }
  }

  /** The lease was taken over (this instance stalled past it): stop sending, the new holder has the outbox. */
  private lost(): void {
    this.held = false;
    this.queue = [];
    this.stopTimers();
  }

  private stopTimers(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.wake);
    clearTimeout(this.idle);
    this.heartbeat = this.wake = this.idle = undefined;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.held && this.queue.length > 0) {
        const head = this.queue[0];
        if (head.nextAttemptAt && head.nextAttemptAt.getTime() > Date.now()) {
          this.wakeAt(head.nextAttemptAt);
          return;
        }
        const outcome = await this.host.attempt(head);
        if (!this.held) return;
        if (outcome.kind === 'retry') {
          head.nextAttemptAt = outcome.at;
          this.wakeAt(outcome.at);
          return;
        }
        if (outcome.kind === 'failed') await this.host.reportFailure(head, outcome.reason);
        this.queue.shift();
      }
      if (this.held && this.queue.length === 0) {
        this.idle = setTimeout(() => this.host.track(this.releaseIfIdle()), this.idleMs());
        this.idle.unref();
      }
    } finally {
      this.draining = false;
    }
  }

  private wakeAt(at: Date): void {
    clearTimeout(this.wake);
    this.wake = setTimeout(() => this.kick(), Math.max(0, at.getTime() - Date.now()));
    this.wake.unref();
  }

  private releaseIfIdle(): Promise<void> {
    return this.inOrder(async () => {
      if (!this.held || this.queue.length > 0 || this.taken.size > 0 || this.draining) return;
      // A record another instance added without the lease (it always leaves a handoff) is ours to deliver before letting go.
      if (await hasHandoff(this.conversationId)) {
        await this.recover();
        this.kick();
        return;
      }
      await this.giveBack(false);
    });
  }

  /** Gives the lease back, recording how far delivery got; with `handoff`, pending records are left for the sweeper. */
  private async giveBack(handoff: boolean): Promise<void> {
    const mark = this.mark();
    this.held = false;
    this.stopTimers();
    try {
      if (handoff && this.queue.length > 0) await handOff(this.organizationId, this.conversationId);
      // Raw write: the delivered mark is no directory change, so no cache needs to drop anything.
      await ConversationModel.collection.updateOne({ organizationId: this.organizationId, _id: this.conversationId }, { $set: { sequence: mark } });
    } finally {
      this.queue = [];
      await releaseLease(this.conversationId, this.host.instanceId);
    }
  }

  /** Shutdown: waits for the send in progress, then gives the lease back. */
  async close(): Promise<void> {
    if (!this.held) return;
    await this.inOrder(() => (this.held ? this.giveBack(true) : Promise.resolve()));
  }

  /** True while the lane is sending its queue (false while it waits for a retry). */
  get isDraining(): boolean {
    return this.draining;
  }

  /** True when nothing is queued or being sent. */
  get quiet(): boolean {
    return this.queue.length === 0 && !this.draining && this.taken.size === 0;
  }
}
