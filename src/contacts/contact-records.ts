/**
 * Contact bookkeeping that stays exact under concurrency on any engine, on the rule sync records
 * (`rule-sync/records.ts`) group syncs use too: a group member is an insert under a unique
 * (group, person) key, a removal is claimed by an insert under a unique key before the member
 * record is deleted by id, and each contact sync run is one record inserted once, never updated.
 * Nothing depends on a conditional update, an upsert or `$addToSet` being atomic (FerretDB 1.x
 * makes none of them atomic; it does enforce unique indexes).
 */
import { Types } from 'mongoose';
import { claimRemovals, deleteByIds, duplicateKeyOnly, insertUnique } from '../rule-sync/records.js';
import { ContactGroupMemberModel, ContactGroupModel, ContactGroupRemovalModel, ContactSyncModel, ContactSyncRunModel } from './contact.model.js';

/** How long a removal claim stays as a tombstone (a removal that read the member earlier then loses). */
const REMOVAL_TOMBSTONE_MS = 60 * 60_000;
/** Retries of a read that raced a newer run replacing the one it was reading. */
const READ_ATTEMPTS = 3;

const key = (id: unknown) => String(id);
/** ObjectId order = creation order (timestamp, then per-process counter); hex compares like bytes. */
const newer = (a: Types.ObjectId, b: Types.ObjectId | undefined) => !b || a.toHexString() > b.toHexString();

// ---- contact group members ------------------------------------------------------------------

/** The members of each group, by group id (person ids in the order they were added). */
export async function membersOfGroups(organizationId: Types.ObjectId, groupIds: Types.ObjectId[]): Promise<Map<string, Types.ObjectId[]>> {
  const out = new Map<string, Types.ObjectId[]>(groupIds.map((id) => [key(id), []]));
  if (groupIds.length === 0) return out;
  const records = await ContactGroupMemberModel.find({ organizationId, contactGroupId: { $in: groupIds } }, { contactGroupId: 1, personId: 1 })
    .sort({ _id: 1 })
    .lean();
  for (const r of records) out.get(key(r.contactGroupId))?.push(r.personId);
  return out;
}

/**
 * Creates the owner's group called `name`, or finds the one a concurrent writer created first
 * (the unique (owner, name) key decides).
 */
export async function claimGroup(organizationId: Types.ObjectId, ownerPersonId: Types.ObjectId, name: string): Promise<Types.ObjectId> {
  try {
    const created = await ContactGroupModel.create({ organizationId, ownerPersonId, name });
    return created._id;
  } catch (err) {
    if (!duplicateKeyOnly(err)) throw err;
    const existing = await ContactGroupModel.findOne({ organizationId, ownerPersonId, name }, { _id: 1 }).lean();
    if (!existing) throw new Error(`contact group "${name}" was deleted while it was being created`);
    return existing._id;
  }
}

/**
 * Adds people to a group by inserting their member records; returns the ids this call added (a
 * person already there, or added by a concurrent call, is not among them). If the group was
 * deleted meanwhile, the records just inserted are taken back and undefined is returned.
 */
export async function insertMembers(organizationId: Types.ObjectId, contactGroupId: Types.ObjectId, personIds: Types.ObjectId[]): Promise<Set<string> | undefined> {
  const docs = personIds.map((personId) => ({ _id: new Types.ObjectId(), organizationId, contactGroupId, personId }));
  const won = [...(await insertUnique(ContactGroupMemberModel, docs))].map((j) => docs[j]);
  const added = new Set(won.map((d) => key(d.personId)));
  const inserted = won.map((d) => d._id);
  // Checked after the inserts: a group deleted before this read has its records swept by the
  // deleter or here, whichever comes second.
  if (inserted.length > 0 && !(await ContactGroupModel.exists({ organizationId, _id: contactGroupId }))) {
    await deleteByIds(ContactGroupMemberModel, organizationId, inserted);
    return undefined;
  }
  return added;
}

/** Removes people from a group; returns the ids this call removed (each removal is claimed once). */
export async function removeMembers(organizationId: Types.ObjectId, contactGroupId: Types.ObjectId, personIds: Types.ObjectId[]): Promise<Set<string>> {
  const removed = new Set<string>();
  if (personIds.length === 0) return removed;
  const now = new Date();
  await ContactGroupRemovalModel.deleteMany({ organizationId, createdAt: { $lt: new Date(now.getTime() - REMOVAL_TOMBSTONE_MS) } });
  const records = await ContactGroupMemberModel.find({ organizationId, contactGroupId, personId: { $in: personIds } }, { personId: 1 }).lean();
  const won = [...(await claimRemovals(ContactGroupRemovalModel, organizationId, records.map((r) => r._id), { createdAt: now })).keys()].map((j) => records[j]);
  await deleteByIds(ContactGroupMemberModel, organizationId, won.map((r) => r._id));
  for (const r of won) removed.add(key(r.personId));
  return removed;
}

/** Deletes a person's own contact groups with their members (reset). */
export async function deleteGroupsOf(organizationId: Types.ObjectId, ownerPersonId: Types.ObjectId): Promise<void> {
  const groups = await ContactGroupModel.find({ organizationId, ownerPersonId }, { _id: 1 }).lean();
  if (groups.length === 0) return;
  const ids = groups.map((g) => g._id);
  await ContactGroupModel.deleteMany({ organizationId, _id: { $in: ids } });
  // After the groups: a concurrent add then finds its group gone and takes its records back.
  await ContactGroupMemberModel.deleteMany({ organizationId, contactGroupId: { $in: ids } });
}

// ---- contact sync runs ----------------------------------------------------------------------

/** A run as shown to admins (`contactsync show/list`). */
export interface RunSummary {
  at: Date;
  status: 'succeeded' | 'partial' | 'failed';
  destinations?: number | null;
  contacts?: number | null;
  joined?: number | null;
  left?: number | null;
  error?: string | null;
}

/** What one run stores: a delivered run carries its destination people and contacts. */
export type RunRecord = RunSummary &
  ({ status: 'failed' } | { status: 'succeeded' | 'partial'; resolvedPersonIds: Types.ObjectId[]; contactPersonIds: Types.ObjectId[] });

/**
 * Stores one run under `runId` (taken before the run read anything), then deletes, by id, the
 * records it supersedes: every run older than the newest delivered one, and failures older than
 * the newest run. If the sync was deleted meanwhile, its runs are swept instead.
 */
export async function recordRun(organizationId: Types.ObjectId, contactSyncId: Types.ObjectId, runId: Types.ObjectId, run: RunRecord): Promise<void> {
  await ContactSyncRunModel.create({ _id: runId, organizationId, contactSyncId, ...run });
  if (!(await ContactSyncModel.exists({ organizationId, _id: contactSyncId }))) {
    await ContactSyncRunModel.deleteMany({ organizationId, contactSyncId });
    return;
  }
  const headers = await ContactSyncRunModel.find({ organizationId, contactSyncId }, { _id: 1, status: 1 }).lean();
  let newest: Types.ObjectId | undefined;
  let newestDelivered: Types.ObjectId | undefined;
  for (const h of headers) {
    if (newer(h._id, newest)) newest = h._id;
    if (h.status !== 'failed' && newer(h._id, newestDelivered)) newestDelivered = h._id;
  }
  const stale = headers
    .filter((h) => (newestDelivered && newer(newestDelivered, h._id)) || (h.status === 'failed' && newest && newer(newest, h._id)))
    .map((h) => h._id);
  await deleteByIds(ContactSyncRunModel, organizationId, stale);
}

/** Deletes every run of a sync (after the sync itself, so a run finishing later sweeps its own). */
export async function deleteRuns(organizationId: Types.ObjectId, contactSyncId: Types.ObjectId): Promise<void> {
  await ContactSyncRunModel.deleteMany({ organizationId, contactSyncId });
}

/** The newest run of each sync, for display. */
export async function lastRuns(organizationId: Types.ObjectId, contactSyncIds: Types.ObjectId[]): Promise<Map<string, RunSummary>> {
  const out = new Map<string, RunSummary & { _id: Types.ObjectId }>();
  if (contactSyncIds.length === 0) return out;
  const runs = await ContactSyncRunModel.find(
    { organizationId, contactSyncId: { $in: contactSyncIds } },
    { contactSyncId: 1, at: 1, status: 1, destinations: 1, contacts: 1, joined: 1, left: 1, error: 1 },
  ).lean();
  for (const r of runs) {
    const current = out.get(key(r.contactSyncId));
    if (!current || newer(r._id, current._id)) out.set(key(r.contactSyncId), r as RunSummary & { _id: Types.ObjectId });
  }
  return out;
}

/** The destination people of a sync's newest delivered run (empty before the first). */
export async function deliveredTo(organizationId: Types.ObjectId, contactSyncId: Types.ObjectId): Promise<Types.ObjectId[]> {
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    const newest = newestDelivered(await ContactSyncRunModel.find({ organizationId, contactSyncId, status: { $ne: 'failed' } }, { _id: 1, contactSyncId: 1 }).lean());
    const id = newest.get(key(contactSyncId));
    if (!id) return [];
    const run = await ContactSyncRunModel.findOne({ organizationId, _id: id }, { resolvedPersonIds: 1 }).lean();
    if (run) return run.resolvedPersonIds ?? [];
  }
  return [];
}

function newestDelivered(headers: Array<{ _id: Types.ObjectId; contactSyncId: Types.ObjectId }>): Map<string, Types.ObjectId> {
  const out = new Map<string, Types.ObjectId>();
  for (const h of headers) if (newer(h._id, out.get(key(h.contactSyncId)))) out.set(key(h.contactSyncId), h._id);
  return out;
}

/**
 * The syncs whose newest delivered run reaches `personId`, with the contacts that run delivered.
 * A run superseded while this reads is re-read, so a reader never mixes two runs of one sync.
 */
export async function deliveriesTo(organizationId: Types.ObjectId, personId: Types.ObjectId): Promise<Array<{ contactSyncId: Types.ObjectId; contactPersonIds: Types.ObjectId[] }>> {
  let result: Array<{ contactSyncId: Types.ObjectId; contactPersonIds: Types.ObjectId[] }> = [];
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    const holding = await ContactSyncRunModel.find({ organizationId, resolvedPersonIds: personId }, { _id: 1, contactSyncId: 1 }).lean();
    if (holding.length === 0) return [];
    const holdingIds = new Set(holding.map((h) => key(h._id)));
    const syncIds = [...new Map(holding.map((h) => [key(h.contactSyncId), h.contactSyncId])).values()];
    const newest = newestDelivered(
      await ContactSyncRunModel.find({ organizationId, contactSyncId: { $in: syncIds }, status: { $ne: 'failed' } }, { _id: 1, contactSyncId: 1 }).lean(),
    );
    const chosen: Types.ObjectId[] = [];
    for (const id of newest.values()) {
      // A newer run than the ones found holding the person: does it still reach them?
      if (holdingIds.has(key(id)) || (await ContactSyncRunModel.exists({ organizationId, _id: id, resolvedPersonIds: personId }))) chosen.push(id);
    }
    if (chosen.length === 0) return [];
    const runs = await ContactSyncRunModel.find({ organizationId, _id: { $in: chosen } }, { contactSyncId: 1, contactPersonIds: 1 }).lean();
    result = runs.map((r) => ({ contactSyncId: r.contactSyncId, contactPersonIds: r.contactPersonIds ?? [] }));
    if (runs.length === chosen.length) return result;
  }
  return result;
}
