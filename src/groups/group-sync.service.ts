/**
 * Group syncs: rules that keep a channel/space/team filled with the right people, the group
 * specialization of the rule sync engine (`rule-sync/`). One planner
 * decides, for any set of syncs and people, who must be added and who cannot be (no account on the
 * target workspace); one applier calls the platforms and records the outcome per person, so a
 * full run, the few-seconds reaction to new or changed people and the periodic catch-up share the
 * same path. What a sync added is recorded (`added`), never confused with people who were already
 * there (`already_member`), so `undo` removes exactly its own additions.
 */
import { Types, type HydratedDocument } from 'mongoose';
import type { Core } from '../core/core.js';
import { GroupSyncMemberModel, GroupSyncModel, GroupSyncRemovalModel } from './group-sync.model.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import type { GroupSync } from './group-sync.model.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import { eventLog } from '../core/event-log.js';
import { removeChannelMember } from '../rule-sync/channel-members.js';
import { applyPerKey, checkSyncName, createNamedSync, findSyncByName, runRuleSync, RuleSyncError } from '../rule-sync/engine.js';
import { runStatus, storableTally } from '../rule-sync/summary.js';
import { applyGroupPlan, emptyResult, planGroupSyncs, workspaceLabel, type GroupPlan, type GroupRunResult, type PlannableSync } from './group-plan.js';
import { claimRemoval, loadRecords, markRemoved, releaseRemoval, waitForInFlightAdds } from './member-records.js';
import { memberTypeFilter, type GroupRule } from './rules.js';

export { applyGroupPlan, planGroupSyncs, type GroupPlan, type GroupRunResult, type PlannableAccount, type PlannablePerson, type PlannableSync } from './group-plan.js';

/** A stored group sync. */
export type GroupSyncDoc = HydratedDocument<GroupSync>;

/** A request that cannot be carried out; the message says why, in words for the admin. */
export class GroupSyncError extends RuleSyncError {
  override name = 'GroupSyncError';
}

/** Removals in flight per workspace during an undo. */
const REMOVE_CONCURRENCY = 4;
/** How far back the periodic catch-up looks beyond its watermark (clock skew between instances). */
const CATCH_UP_MARGIN_MS = 60_000;
const CATCH_UP_CHUNK = 1000;

/** Finds a sync by name, or says which ones exist. */
export async function findGroupSync(organizationId: Types.ObjectId, name: string): Promise<GroupSyncDoc> {
  return findSyncByName(GroupSyncModel, organizationId, name, 'group sync', GroupSyncError);
}

/** Creates a sync (enabled). The caller queues its first run. */
export async function createGroupSync(
  organizationId: Types.ObjectId,
  input: { name: string; workspace: WorkspaceDoc; channelId: string; rule: GroupRule; actorPersonId?: Types.ObjectId },
): Promise<GroupSyncDoc> {
  checkSyncName(input.name, 'a group sync', GroupSyncError);
  if (input.rule.type === 'buildings' && input.rule.buildings.length === 0) throw new GroupSyncError('type=buildings needs buildings=A,B');
  if (input.rule.type === 'organization' && input.rule.buildings.length > 0) {
    throw new GroupSyncError('buildings= only applies to type=buildings');
  }
  if (!input.channelId.trim()) throw new GroupSyncError('name the channel after the workspace, e.g. channel=slack:C0123456');
  const sync = await createNamedSync(
    GroupSyncModel,
    { organizationId, name: input.name },
    () =>
      GroupSyncModel.create({
        organizationId,
        name: input.name,
        workspaceId: input.workspace._id,
        channelId: input.channelId.trim(),
        rule: input.rule,
        enabled: true,
        createdByPersonId: input.actorPersonId,
      }),
    'a group sync',
    GroupSyncError,
  );
  await eventLog.record(organizationId, {
    type: 'group.create',
    outcome: 'succeeded',
    actorPersonId: input.actorPersonId,
    subject: input.name,
    message: `Group sync ${input.name} created for ${workspaceLabel(input.workspace)} ${sync.channelId}`,
  });
  return sync;
}

/** Turns a sync on or off; off removes nobody. */
export async function setGroupSyncEnabled(sync: GroupSyncDoc, enabled: boolean, actorPersonId?: Types.ObjectId): Promise<void> {
  await GroupSyncModel.updateOne({ organizationId: sync.organizationId, _id: sync._id }, { $set: { enabled } });
  await eventLog.record(sync.organizationId, {
    type: 'group.toggle',
    outcome: 'info',
    actorPersonId,
    subject: sync.name,
    message: `Group sync ${sync.name} turned ${enabled ? 'on' : 'off'}${enabled ? '' : '; nobody was removed'}`,
  });
}

async function recordRun(
  organizationId: Types.ObjectId,
  sync: { _id: Types.ObjectId; name: string },
  result: GroupRunResult,
  extra: { caughtUpAt?: Date; trigger: string },
): Promise<void> {
  const status = runStatus(result.added + result.alreadyMembers, result.failed);
  await GroupSyncModel.updateOne(
    { organizationId, _id: sync._id },
    {
      $set: {
        lastRun: {
          at: new Date(),
          added: result.added,
          alreadyMembers: result.alreadyMembers,
          failed: result.failed,
          status,
          ...(result.errors[0] ? { error: result.errors[0] } : {}),
        },
        ...(extra.caughtUpAt ? { caughtUpAt: extra.caughtUpAt } : {}),
      },
    },
  );
  await eventLog.record(organizationId, {
    type: 'group.run',
    outcome: status === 'failed' ? 'failed' : 'succeeded',
    subject: sync.name,
    message: `Group sync ${sync.name} (${extra.trigger}): ${result.added} added, ${result.alreadyMembers} already there, ${result.failed} not added`,
    data: storableTally(result),
  });
}

/** Runs one sync over everyone in the organization; undefined when it is gone or off. */
export async function runGroupSync(core: Core, organizationId: Types.ObjectId, syncId: Types.ObjectId): Promise<GroupRunResult | undefined> {
  return runRuleSync({
    load: async () => {
      const sync = await GroupSyncModel.findOne({ organizationId, _id: syncId }).lean();
      return sync?.enabled ? { ...sync, runStart: new Date() } : undefined;
    },
    plan: (sync) => planFullRun(organizationId, [sync]),
    apply: async (sync, plan) => (await applyGroupPlan(core, organizationId, plan)).get(String(sync._id)) ?? emptyResult(),
    record: (sync, result) => recordRun(organizationId, sync, result, { caughtUpAt: sync.runStart, trigger: 'full run' }),
  });
}

/** Plans what `syncs` need for just these people: three indexed reads and the in-memory planner. */
export async function planForPeople(organizationId: Types.ObjectId, personIds: Types.ObjectId[], syncs: PlannableSync[]): Promise<GroupPlan> {
  const workspaceIds = [...new Set(syncs.map((s) => String(s.workspaceId)))];
  const [people, accounts, records] = await Promise.all([
    PersonModel.find({ organizationId, _id: { $in: personIds } }, { name: 1, buildings: 1, memberType: 1 }).lean(),
    PlatformAccountModel.find(
      { organizationId, personId: { $in: personIds }, workspaceId: { $in: workspaceIds } },
      { personId: 1, workspaceId: 1, externalUserId: 1, deactivated: 1 },
    ).lean(),
    loadRecords({ organizationId, personId: { $in: personIds }, groupSyncId: { $in: syncs.map((s) => s._id) } }),
  ]);
  return planGroupSyncs(syncs, people, accounts, records);
}

/**
 * Plans a full run of syncs over everyone in the organization, reading people and accounts once
 * however many syncs there are.
 */
export async function planFullRun(organizationId: Types.ObjectId, syncs: PlannableSync[]): Promise<GroupPlan> {
  const allTypes = syncs.some((s) => s.rule.members === 'all') || new Set(syncs.map((s) => s.rule.members)).size > 1;
  const workspaceIds = [...new Set(syncs.map((s) => String(s.workspaceId)))];
  const [people, accounts, records] = await Promise.all([
    PersonModel.find({ organizationId, ...(allTypes || syncs.length === 0 ? {} : memberTypeFilter(syncs[0].rule)) }, { name: 1, buildings: 1, memberType: 1 }).lean(),
    PlatformAccountModel.find(
      { organizationId, workspaceId: { $in: workspaceIds }, personId: { $exists: true } },
      { personId: 1, workspaceId: 1, externalUserId: 1, deactivated: 1 },
    ).lean(),
    loadRecords({ organizationId, groupSyncId: { $in: syncs.map((s) => s._id) } }),
  ]);
  return planGroupSyncs(syncs, people, accounts, records);
}

/**
 * Adds the given people to every matching enabled sync (or to `syncs`): the few-seconds path
 * after an import or an attribute change, and the periodic catch-up.
 */
export async function syncPeopleIntoGroups(
  core: Core,
  organizationId: Types.ObjectId,
  personIds: Types.ObjectId[],
  syncs?: PlannableSync[] & Array<{ name: string }>,
): Promise<Map<string, GroupRunResult>> {
  const active = syncs ?? (await GroupSyncModel.find({ organizationId, enabled: true }).lean());
  if (active.length === 0 || personIds.length === 0) return new Map();
  const plan = await planForPeople(organizationId, personIds, active);
  const results = await applyGroupPlan(core, organizationId, plan);
  for (const sync of active) {
    const result = results.get(String(sync._id));
    if (result && (result.added > 0 || result.alreadyMembers > 0 || result.failed > 0)) {
      await recordRun(organizationId, sync, result, { trigger: `${personIds.length} new or changed people` });
    }
  }
  return results;
}

/**
 * The periodic safety net: syncs never run get a full run; the others look only at people and
 * accounts changed since their watermark, plus earlier failures (which are retried).
 */
export async function catchUpGroupSyncs(core: Core, organizationId: Types.ObjectId): Promise<void> {
  const syncs = await GroupSyncModel.find({ organizationId, enabled: true }).lean();
  const fresh = syncs.filter((s) => !s.caughtUpAt);
  for (const sync of fresh) await runGroupSync(core, organizationId, sync._id);
  const rest = syncs.filter((s) => s.caughtUpAt);
  if (rest.length === 0) return;
  const runStart = new Date();
  const since = new Date(Math.min(...rest.map((s) => s.caughtUpAt!.getTime())) - CATCH_UP_MARGIN_MS);
  const [changedPeople, changedAccounts, failed] = await Promise.all([
    PersonModel.distinct('_id', { organizationId, updatedAt: { $gte: since } }),
    PlatformAccountModel.distinct('personId', { organizationId, updatedAt: { $gte: since }, personId: { $exists: true } }),
    GroupSyncMemberModel.distinct('personId', { organizationId, groupSyncId: { $in: rest.map((s) => s._id) }, status: 'failed' }),
  ]);
  const ids = [...new Set([...changedPeople, ...changedAccounts, ...failed].map(String))].map((id) => new Types.ObjectId(id));
  for (let i = 0; i < ids.length; i += CATCH_UP_CHUNK) {
    await syncPeopleIntoGroups(core, organizationId, ids.slice(i, i + CATCH_UP_CHUNK), rest);
  }
  await GroupSyncModel.updateMany({ organizationId, _id: { $in: rest.map((s) => s._id) } }, { $set: { caughtUpAt: runStart } });
}

/** What `undo` did. */
export interface UndoResult {
  removed: number;
  alreadyGone: number;
  errors: string[];
}

/**
 * Turns the sync off, waits for adds already in flight, then removes exactly the people it added
 * (records `added`), never those who were already there or were added by hand. Each removal is
 * claimed first, so two undos at once remove nobody twice; failures stay `added` so undo can be
 * repeated.
 */
export async function undoGroupSync(core: Core, organizationId: Types.ObjectId, syncId: Types.ObjectId, actorPersonId?: Types.ObjectId): Promise<UndoResult | undefined> {
  const sync = await GroupSyncModel.findOne({ organizationId, _id: syncId });
  if (!sync) return undefined;
  await GroupSyncModel.updateOne({ organizationId, _id: sync._id }, { $set: { enabled: false } });
  const settled = await waitForInFlightAdds(organizationId, sync._id);
  const workspace = await WorkspaceModel.findOne({ organizationId, _id: sync.workspaceId });
  const records = await GroupSyncMemberModel.find({ organizationId, groupSyncId: sync._id, status: 'added' }).lean();
  const accounts = await PlatformAccountModel.find(
    { organizationId, workspaceId: sync.workspaceId, personId: { $in: records.map((r) => r.personId) } },
    { personId: 1, externalUserId: 1 },
  ).lean();
  const accountById = new Map(accounts.map((a) => [String(a._id), a]));
  const accountByPerson = new Map(accounts.map((a) => [String(a.personId), a]));
  const result: UndoResult = { removed: 0, alreadyGone: 0, errors: [] };
  if (!settled) result.errors.push('some adds were still in progress; run undo again once they finish');
  let failed = 0;
  // One target workspace: every removal shares its limit.
  await applyPerKey(records, () => String(sync.workspaceId), REMOVE_CONCURRENCY, async (r) => {
    const removal = await claimRemoval(organizationId, sync._id, r._id);
    if (!removal) return; // another undo is removing this person
    const account = (r.accountId && accountById.get(String(r.accountId))) || accountByPerson.get(String(r.personId));
    try {
      if (!workspace) throw new Error('the target workspace is no longer connected');
      if (!account) throw new Error('their account is no longer known');
      const outcome = await removeChannelMember(core, workspace, sync.channelId, account.externalUserId);
      await markRemoved(organizationId, r._id, new Date());
      if (outcome === 'removed') result.removed += 1;
      else result.alreadyGone += 1;
    } catch (err) {
      failed += 1;
      await releaseRemoval(organizationId, removal);
      if (result.errors.length < 5) result.errors.push(err instanceof Error ? err.message : String(err));
    }
  });
  await eventLog.record(organizationId, {
    type: 'group.undo',
    outcome: failed ? 'failed' : 'succeeded',
    actorPersonId,
    subject: sync.name,
    message: `Group sync ${sync.name} undone: ${result.removed} removed, ${result.alreadyGone} had already left, ${failed} could not be removed; the sync is off`,
    data: { ...result },
  });
  return result;
}

/** Deletes a sync and its records; nobody is removed from the channel. */
export async function deleteGroupSync(sync: GroupSyncDoc, actorPersonId?: Types.ObjectId): Promise<void> {
  const organizationId = sync.organizationId;
  await GroupSyncMemberModel.deleteMany({ organizationId, groupSyncId: sync._id });
  await GroupSyncRemovalModel.deleteMany({ organizationId, groupSyncId: sync._id });
  await GroupSyncModel.deleteOne({ organizationId, _id: sync._id });
  await eventLog.record(organizationId, {
    type: 'group.delete',
    outcome: 'succeeded',
    actorPersonId,
    subject: sync.name,
    message: `Group sync ${sync.name} deleted; nobody was removed from the channel`,
  });
}

/** Counts of a sync's records by status. */
export async function groupSyncCounts(organizationId: Types.ObjectId, syncId: Types.ObjectId): Promise<Record<'added' | 'already_member' | 'failed' | 'removed', number>> {
  const statuses = ['added', 'already_member', 'failed', 'removed'] as const;
  const counts = await Promise.all(statuses.map((status) => GroupSyncMemberModel.countDocuments({ organizationId, groupSyncId: syncId, status })));
  return Object.fromEntries(statuses.map((s, i) => [s, counts[i]])) as Record<(typeof statuses)[number], number>;
}
