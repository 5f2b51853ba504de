/**
 * The group specialization of the rule sync engine's plan and apply steps, shared by every group
 * sync path (full run, the few-seconds reaction to new or changed people, the periodic catch-up).
 * The planner decides in memory who must be added and who cannot be (no account on the target
 * workspace); the applier claims each add with its own record before calling the platform (see
 * `member-records.ts`), calls the platforms a few at a time per workspace, and sets each outcome
 * on its own record.
 */
import { bulkWriteChunked } from '../db/bulk.js';
import { applyPerKey } from '../rule-sync/engine.js';
import { emptyTally, noteFailure, type FailureTally } from '../rule-sync/summary.js';
import { Types } from 'mongoose';
import { adapterFor, workspaceRef, type Core } from '../core/core.js';
import { GroupSyncMemberModel, GroupSyncModel } from './group-sync.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import { insertClaims, isSettled, recordKey, releaseClaims, settleClaims, type Claim, type MemberRecord, type Outcome } from './member-records.js';
import { compileRule, effectiveRole, type GroupRule } from './rules.js';
import { PLATFORM_NAMES } from '../chat-adapter.js';

/** Platform calls in flight per workspace during a run. */
const ADD_CONCURRENCY = 4;
/** Adds claimed, called and settled together: bounds how long a claim stays `adding`. */
const ADD_CHUNK = 200;
/** What one run did for one sync; the tally holds who was not added, by cause. */
export interface GroupRunResult extends FailureTally {
  added: number;
  alreadyMembers: number;
  /** Of `failed`: people with no (active) account on the target workspace. */
  noAccount: number;
}

/** A sync as the planner needs it. */
export interface PlannableSync {
  _id: Types.ObjectId;
  workspaceId: Types.ObjectId;
  channelId: string;
  rule: Pick<GroupRule, 'type' | 'buildings' | 'members' | 'role'>;
}

/** A person as the planner needs them. */
export interface PlannablePerson {
  _id: Types.ObjectId;
  name: string;
  buildings?: string[] | null;
  memberType?: string | null;
}

/** A platform account as the planner needs it. */
export interface PlannableAccount {
  _id: Types.ObjectId;
  personId?: Types.ObjectId | null;
  workspaceId: Types.ObjectId;
  externalUserId: string;
  deactivated?: boolean | null;
}

/** The work a set of syncs needs for a set of people; `record` is the person's current record, if any. */
export interface GroupPlan {
  adds: Array<{ sync: PlannableSync; person: PlannablePerson; account: PlannableAccount; record?: MemberRecord }>;
  noAccount: Array<{ sync: PlannableSync; person: PlannablePerson; deactivated: boolean; record?: MemberRecord }>;
  /** Failure records of people who no longer match: forgotten rather than retried. */
  stale: Array<{ sync: PlannableSync; personId: Types.ObjectId; record: MemberRecord }>;
}

/**
 * Plans syncs × people in memory: O(syncs × people) rule checks and no database access.
 * `records` holds the syncs' current records by `syncId:personId`.
 */
export function planGroupSyncs(
  syncs: PlannableSync[],
  people: PlannablePerson[],
  accounts: PlannableAccount[],
  records: Map<string, MemberRecord>,
  now = Date.now(),
): GroupPlan {
  const plan: GroupPlan = { adds: [], noAccount: [], stale: [] };
  const accountByWorkspacePerson = new Map<string, PlannableAccount>();
  for (const a of accounts) {
    if (!a.personId) continue;
    const k = recordKey(a.workspaceId, a.personId);
    const existing = accountByWorkspacePerson.get(k);
    if (!existing || (existing.deactivated && !a.deactivated)) accountByWorkspacePerson.set(k, a);
  }
  for (const sync of syncs) {
    const rule = compileRule(sync.rule);
    for (const person of people) {
      const record = records.get(recordKey(sync._id, person._id));
      if (!rule.matches(person)) {
        if (record?.status === 'failed') plan.stale.push({ sync, personId: person._id, record });
        continue;
      }
      if (isSettled(record, now)) continue;
      const account = accountByWorkspacePerson.get(recordKey(sync.workspaceId, person._id));
      if (!account || account.deactivated) plan.noAccount.push({ sync, person, deactivated: Boolean(account), record });
      else plan.adds.push({ sync, person, account, record });
    }
  }
  return plan;
}

/** An empty result. */
export function emptyResult(): GroupRunResult {
  return { added: 0, alreadyMembers: 0, noAccount: 0, ...emptyTally() };
}

/** "Acme (Slack)". */
export function workspaceLabel(ws: Pick<WorkspaceDoc, 'name' | 'platform'>): string {
  return `${ws.name} (${PLATFORM_NAMES[ws.platform]})`;
}

/** The role the person actually gets (Slack managers are added as members). */
function roleOn(ws: WorkspaceDoc | undefined, role: GroupRule['role']): GroupRule['role'] {
  return ws ? effectiveRole(ws.platform, role) : role;
}

/** Carries out a plan; returns what it did per sync id. */
export async function applyGroupPlan(core: Core, organizationId: Types.ObjectId, plan: GroupPlan): Promise<Map<string, GroupRunResult>> {
  const results = new Map<string, GroupRunResult>();
  const resultFor = (syncId: Types.ObjectId) => {
    const k = String(syncId);
    if (!results.has(k)) results.set(k, emptyResult());
    return results.get(k)!;
  };
  const workspaceIds = [...new Set([...plan.adds, ...plan.noAccount].map((x) => String(x.sync.workspaceId)))];
  const workspaces = new Map(
    (await WorkspaceModel.find({ organizationId, _id: { $in: workspaceIds } })).map((w) => [String(w._id), w] as const),
  );

  await recordNoAccount(organizationId, plan, workspaces, resultFor);
  const staleIds = plan.stale.map((s) => s.record._id);
  if (staleIds.length) await GroupSyncMemberModel.deleteMany({ organizationId, _id: { $in: staleIds }, status: 'failed' });

  for (let i = 0; i < plan.adds.length; i += ADD_CHUNK) {
    const chunk = plan.adds.slice(i, i + ADD_CHUNK);
    const claims: Claim[] = chunk.map(({ sync, person, account, record }) => ({
      organizationId,
      groupSyncId: sync._id,
      personId: person._id,
      accountId: account._id,
      role: roleOn(workspaces.get(String(sync.workspaceId)), sync.rule.role),
      status: 'adding',
      attempts: (record?.status === 'failed' ? (record.attempts ?? 0) : 0) + 1,
      replaces: record?._id,
    }));
    const won = await insertClaims(organizationId, claims);
    // A sync turned off (undo) after planning adds nobody: its claims are given back. Undo waits
    // for claims made before it turned the sync off, so together nobody is added behind its back.
    const syncIds = [...new Set(chunk.map((a) => String(a.sync._id)))];
    const enabled = new Set((await GroupSyncModel.find({ organizationId, _id: { $in: syncIds }, enabled: true }, { _id: 1 }).lean()).map((s) => String(s._id)));
    const released: Types.ObjectId[] = [];
    const outcomes: Outcome[] = [];
    const calls = chunk.flatMap((add, j) => {
      const claimId = won.get(j);
      if (!claimId) return [];
      if (!enabled.has(String(add.sync._id))) {
        released.push(claimId);
        return [];
      }
      return [{ ...add, claimId }];
    });
    await applyPerKey(calls, (c) => String(c.sync.workspaceId), ADD_CONCURRENCY, async ({ sync, person, account, claimId }) => {
      const result = resultFor(sync._id);
      const ws = workspaces.get(String(sync.workspaceId));
      try {
        if (!ws) throw new Error('the target workspace is no longer connected');
        const platform = ws.platform;
        const outcome = await adapterFor(core, platform).addMember(workspaceRef(core, ws), sync.channelId, account.externalUserId, effectiveRole(platform, sync.rule.role));
        if (outcome === 'added') result.added += 1;
        else result.alreadyMembers += 1;
        outcomes.push({ claimId, status: outcome, at: new Date() });
      } catch (err) {
        const cause = err instanceof Error ? err.message : String(err);
        noteFailure(result, person.name, cause);
        outcomes.push({ claimId, status: 'failed', error: cause, at: new Date() });
      }
    });
    await releaseClaims(organizationId, released);
    await settleClaims(organizationId, outcomes);
  }
  return results;
}

/** People with no (active) account: a failure record each, inserted, or updated by its own id. */
async function recordNoAccount(
  organizationId: Types.ObjectId,
  plan: GroupPlan,
  workspaces: Map<string, WorkspaceDoc>,
  resultFor: (syncId: Types.ObjectId) => GroupRunResult,
): Promise<void> {
  const inserts: Claim[] = [];
  const updates: Array<{ id: Types.ObjectId; error: string }> = [];
  for (const { sync, person, deactivated, record } of plan.noAccount) {
    const ws = workspaces.get(String(sync.workspaceId));
    const where = ws ? workspaceLabel(ws) : 'the target workspace';
    const reason = deactivated ? `account deactivated on ${where}` : `no account on ${where}`;
    const result = resultFor(sync._id);
    noteFailure(result, person.name, reason);
    result.noAccount += 1;
    if (record?.status === 'failed') updates.push({ id: record._id, error: reason });
    else inserts.push({ organizationId, groupSyncId: sync._id, personId: person._id, role: roleOn(ws, sync.rule.role), status: 'failed', error: reason, attempts: 1, replaces: record?._id });
  }
  await insertClaims(organizationId, inserts);
  // Only the attempt count can race here (two runs retrying one failure): it is informative only.
  await bulkWriteChunked(
    GroupSyncMemberModel,
    updates.map((u) => ({ updateOne: { filter: { organizationId, _id: u.id }, update: { $set: { error: u.error }, $inc: { attempts: 1 } } } })),
  );
}
