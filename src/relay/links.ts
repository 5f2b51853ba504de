/**
 * Relayed operations as the relay reads them: an outbox record (`MessageLink`) together with its
 * delivery receipt, if any. This instance keeps the ones it recorded or delivered recently in
 * memory (by id, by source message, by copy, and the latest delivered to each person), so replies,
 * edits, reactions and echo checks of recent messages never go to the database; older ones are read
 * from the database on a miss.
 */
import type { Types } from 'mongoose';
import { MessageLinkModel } from './message-link.model.js';
import { RelayReceiptModel } from './relay-receipt.model.js';
import type { MessageLink } from './message-link.model.js';
import type { RelayReceipt } from './relay-receipt.model.js';

/** An outbox record with what its receipt says (status `pending` until there is one). */
export type RelayLink = Omit<MessageLink, 'createdAt'> & {
  _id: Types.ObjectId;
  createdAt?: Date | null;
  status: 'pending' | 'delivered' | 'failed';
  copy?: RelayReceipt['copy'];
  attempts: number;
  lastError?: string | null;
  deliveredAt?: Date | null;
  /** In memory only: when the head of the line may be tried again. */
  nextAttemptAt?: Date;
  /** In memory only: a send failed in a way that may have posted the copy (look before resending). */
  unsure?: boolean;
};

/** Memory entries kept per map before the oldest are dropped. */
const MEMORY_LIMIT = 20_000;

function trim<K, V>(map: Map<K, V>): void {
  if (map.size <= MEMORY_LIMIT) return;
  const drop = map.size - MEMORY_LIMIT;
  let i = 0;
  for (const key of map.keys()) {
    if (i++ >= drop) break;
    map.delete(key);
  }
}

/** A link from its outbox record and optional receipt. */
export function linkView(record: Record<string, any>, receipt?: RelayReceipt | null): RelayLink {
  return {
    ...(record as RelayLink),
    status: receipt?.status ?? 'pending',
    copy: receipt?.copy ?? undefined,
    attempts: receipt?.attempts ?? 0,
    lastError: receipt?.lastError ?? undefined,
    deliveredAt: receipt?.status === 'delivered' ? receipt.at : undefined,
  };
}

/** Outbox records matching `filter` with their receipts (tests, recovery, cold lookups). */
export async function findLinks(filter: Record<string, unknown>, options: { sort?: Record<string, 1 | -1>; limit?: number } = {}): Promise<RelayLink[]> {
  let query = MessageLinkModel.find(filter);
  if (options.sort) query = query.sort(options.sort);
  if (options.limit) query = query.limit(options.limit);
  const records = await query.lean();
  if (records.length === 0) return [];
  const receipts = await RelayReceiptModel.find({ organizationId: records[0].organizationId, _id: { $in: records.map((r) => r._id) } }).lean();
  const byId = new Map(receipts.map((r) => [String(r._id), r as RelayReceipt]));
  return records.map((r) => linkView(r, byId.get(String(r._id))));
}

/** One outbox record matching `filter`, with its receipt. */
export async function findLink(filter: Record<string, unknown>): Promise<RelayLink | undefined> {
  return (await findLinks(filter, { limit: 1 }))[0];
}

/** This instance's recent relayed operations. */
export class LinkMemory {
  private readonly byId = new Map<string, RelayLink>();
  private readonly bySource = new Map<string, RelayLink>();
  private readonly byCopy = new Map<string, RelayLink>();
  private readonly latestTo = new Map<string, RelayLink>();

  /** Remembers a link (just recorded, delivered, or read from the database). */
  remember(link: RelayLink): void {
    this.byId.set(String(link._id), link);
    this.bySource.set(sourceKey(link.source.workspaceId, link.source.messageId, link.opKey), link);
    if (link.status === 'delivered' && link.copy?.workspaceId && link.copy.messageId) {
      this.byCopy.set(copyKey(link.copy.workspaceId, link.copy.messageId), link);
      if (link.op === 'post' && link.target?.personId) {
        this.latestTo.set(`${link.target.personId}:${link.copy.workspaceId}`, link);
        this.latestTo.set(`${link.target.personId}:${link.copy.workspaceId}:${link.copy.conversationId}`, link);
      }
    }
    trim(this.byId);
    trim(this.bySource);
    trim(this.byCopy);
    trim(this.latestTo);
  }

  byLinkId(id: Types.ObjectId | string): RelayLink | undefined {
    return this.byId.get(String(id));
  }

  bySourceMessage(workspaceId: Types.ObjectId, messageId: string, opKey: string): RelayLink | undefined {
    return this.bySource.get(sourceKey(workspaceId, messageId, opKey));
  }

  byCopyMessage(workspaceId: Types.ObjectId, messageId: string): RelayLink | undefined {
    return this.byCopy.get(copyKey(workspaceId, messageId));
  }

  /** The post most recently delivered to a person on a workspace (optionally in one chat). */
  latestDeliveredTo(personId: Types.ObjectId, workspaceId: Types.ObjectId, conversationId?: string): RelayLink | undefined {
    return this.latestTo.get(conversationId ? `${personId}:${workspaceId}:${conversationId}` : `${personId}:${workspaceId}`);
  }
}

function sourceKey(workspaceId: Types.ObjectId, messageId: string, opKey: string): string {
  return `${workspaceId}:${messageId}:${opKey}`;
}

function copyKey(workspaceId: Types.ObjectId | string, messageId: string): string {
  return `${workspaceId}:${messageId}`;
}
