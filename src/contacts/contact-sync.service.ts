/**
 * Contact groups and contact syncs, the contact specialization of the rule sync engine
 * (`rule-sync/`): a sync's rule is its destinations, resolved afresh at each run; adding and
 * removing is who joins or leaves the people its contacts reach. Everything is keyed on stable person ids, never on email
 * text, so renaming an email changes nothing here. Each run of a sync stores, once, the
 * destination people it resolved and the source group's members it read (`contact-records.ts`);
 * a person's synced contacts are found through the newest runs whose destination list holds them.
 * Storage and work therefore grow with sources + destinations, never with their product, and
 * every write is an insert or a delete by id, so concurrent edits and runs stay exact.
 */
import { Types, type HydratedDocument } from 'mongoose';
import { type Core } from '../core/core.js';
import { ContactGroupModel, ContactSyncModel } from './contact.model.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import { claimGroup, deleteRuns, deliveredTo, deliveriesTo, insertMembers, membersOfGroups, recordRun, removeMembers } from './contact-records.js';
import type { ContactSync } from './contact.model.js';
import type { PersonDoc } from '../directory/person.model.js';
import { eventLog } from '../core/event-log.js';
import { listChannelMembers } from '../rule-sync/channel-members.js';
import { checkSyncName, createNamedSync, diffMembers, findSyncByName, runRuleSync, RuleSyncError } from '../rule-sync/engine.js';
import { emptyTally, exampleLines, noteFailure, runStatus, withLines, type FailureTally } from '../rule-sync/summary.js';
import { PLATFORM_NAMES } from '../chat-adapter.js';

/** A stored contact sync. */
export type ContactSyncDoc = HydratedDocument<ContactSync>;

/** A request that cannot be carried out; the message says why. */
export class ContactError extends RuleSyncError {
  override name = 'ContactError';
}

/** Allowed contact group names. */
const GROUP_NAME = /^[^\s,][^,]{0,59}$/;
/** Agenda job that runs an organization's contact syncs once a day. */
export const CONTACT_DAILY_JOB = 'contactsync.daily';

/** A destination as stored: `person` = person id, `group` = `<workspace id>:<channel id>`, `ou`, `domain`. */
export interface Destination {
  kind: 'person' | 'group' | 'ou' | 'domain';
  ref: string;
}

/** A contact as shown to people. */
export interface ContactPerson {
  _id: Types.ObjectId;
  name: string;
  email: string;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- contact groups -------------------------------------------------------------------------

/** A contact group with its members' person ids. */
export interface OwnGroup {
  _id: Types.ObjectId;
  name: string;
  memberPersonIds: Types.ObjectId[];
}

/** A person's own contact groups, by name, with their members. */
export async function ownGroups(organizationId: Types.ObjectId, ownerPersonId: Types.ObjectId): Promise<OwnGroup[]> {
  const groups = await ContactGroupModel.find({ organizationId, ownerPersonId }, { name: 1 }).sort({ name: 1 }).lean();
  const members = await membersOfGroups(organizationId, groups.map((g) => g._id));
  return groups.map((g) => ({ _id: g._id, name: g.name, memberPersonIds: members.get(String(g._id)) ?? [] }));
}

async function ownGroup(organizationId: Types.ObjectId, ownerPersonId: Types.ObjectId, name: string) {
  const lower = name.trim().toLowerCase();
  return (await ownGroups(organizationId, ownerPersonId)).find((g) => g.name.toLowerCase() === lower);
}

/** Synced contact groups delivered to a person, with the sync that owns each. */
export async function syncedContactsOf(
  organizationId: Types.ObjectId,
  personId: Types.ObjectId,
): Promise<Array<{ syncName: string; groupName: string; source?: ContactPerson; contacts: ContactPerson[] }>> {
  const deliveries = await deliveriesTo(organizationId, personId);
  if (deliveries.length === 0) return [];
  const delivered = new Map(deliveries.map((d) => [String(d.contactSyncId), d.contactPersonIds]));
  // Runs of a sync deleted meanwhile are not shown: only syncs that still exist count.
  const syncs = (
    await ContactSyncModel.find({ organizationId, _id: { $in: deliveries.map((d) => d.contactSyncId) } }, { name: 1, sourcePersonId: 1, contactGroupId: 1 })
      .sort({ name: 1 })
      .lean()
  ).map((s) => ({ ...s, contactPersonIds: delivered.get(String(s._id)) ?? [] }));
  if (syncs.length === 0) return [];
  const groups = new Map(
    (await ContactGroupModel.find({ organizationId, _id: { $in: syncs.map((s) => s.contactGroupId) } }, { name: 1 }).lean()).map((g) => [String(g._id), g.name]),
  );
  const ids = [...new Set(syncs.flatMap((s) => [...s.contactPersonIds, s.sourcePersonId].map(String)))];
  const people = new Map(
    (await PersonModel.find({ organizationId, _id: { $in: ids } }, { name: 1, email: 1 }).sort({ name: 1 }).lean()).map((p) => [String(p._id), p as ContactPerson]),
  );
  return syncs.map((s) => ({
    syncName: s.name,
    groupName: groups.get(String(s.contactGroupId)) ?? 'a deleted group',
    source: people.get(String(s.sourcePersonId)),
    contacts: s.contactPersonIds
      .map((id) => people.get(String(id)))
      .filter((p): p is ContactPerson => Boolean(p))
      .sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

async function refuseSyncedGroup(organizationId: Types.ObjectId, owner: PersonDoc, groupName: string): Promise<void> {
  const lower = groupName.trim().toLowerCase();
  const synced = (await syncedContactsOf(organizationId, owner._id)).filter((s) => s.groupName.toLowerCase() === lower);
  if (synced.length > 0) {
    throw new ContactError(
      `"${synced[0].groupName}" is kept in sync for you by the contact sync "${synced[0].syncName}"${synced[0].source ? ` (from ${synced[0].source.name})` : ''}; synced contacts cannot be changed. Ask an admin, or keep your own contacts in a group with another name`,
    );
  }
}

/**
 * Adds people to one of the owner's groups (created on first use). Of concurrent adds of one
 * person, exactly one reports them added.
 */
export async function addToGroup(organizationId: Types.ObjectId, owner: PersonDoc, groupName: string, people: PersonDoc[]): Promise<{ added: string[]; already: string[] }> {
  const name = groupName.trim();
  if (!GROUP_NAME.test(name)) throw new ContactError('a contact group name is 1–60 characters without commas');
  const existing = await ownGroup(organizationId, owner._id, name);
  if (!existing) await refuseSyncedGroup(organizationId, owner, name);
  const groupId = existing?._id ?? (await claimGroup(organizationId, owner._id, name));
  const added = await insertMembers(organizationId, groupId, people.map((p) => p._id));
  if (!added) throw new ContactError(`your contact group "${existing?.name ?? name}" was deleted while adding; try again`);
  return {
    added: people.filter((p) => added.has(String(p._id))).map((p) => p.name),
    already: people.filter((p) => !added.has(String(p._id))).map((p) => p.name),
  };
}

/**
 * Removes people from one of the owner's groups; synced contacts are refused with the owning sync
 * named. Of concurrent removals of one person, exactly one reports them removed (`gone` lists the
 * people someone else removed first).
 */
export async function removeFromGroup(
  organizationId: Types.ObjectId,
  owner: PersonDoc,
  groupName: string,
  people: PersonDoc[],
): Promise<{ removed: string[]; gone: string[] }> {
  const group = await ownGroup(organizationId, owner._id, groupName);
  if (!group) {
    await refuseSyncedGroup(organizationId, owner, groupName);
    throw new ContactError(`you have no contact group called "${groupName}"`);
  }
  const members = new Set(group.memberPersonIds.map(String));
  const missing = people.filter((p) => !members.has(String(p._id)));
  if (missing.length > 0) {
    const synced = await syncedContactsOf(organizationId, owner._id);
    for (const person of missing) {
      const owning = synced.find((s) => s.contacts.some((c) => String(c._id) === String(person._id)));
      if (owning) {
        throw new ContactError(
          `${person.name} is a synced contact from the contact sync "${owning.syncName}" (group "${owning.groupName}"); synced contacts cannot be removed or edited`,
        );
      }
    }
    throw new ContactError(`${missing.map((p) => p.name).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in your group "${group.name}"`);
  }
  const removed = await removeMembers(organizationId, group._id, people.map((p) => p._id));
  return {
    removed: people.filter((p) => removed.has(String(p._id))).map((p) => p.name),
    gone: people.filter((p) => !removed.has(String(p._id))).map((p) => p.name),
  };
}

// ---- contact syncs --------------------------------------------------------------------------

/** Finds a sync by name, or says which exist. */
export async function findContactSync(organizationId: Types.ObjectId, name: string): Promise<ContactSyncDoc> {
  return findSyncByName(ContactSyncModel, organizationId, name, 'contact sync', ContactError);
}

/** Creates a contact sync from a source person's group to destinations. */
export async function createContactSync(
  organizationId: Types.ObjectId,
  input: { name: string; source: PersonDoc; groupName: string; destinations: Destination[]; actorPersonId?: Types.ObjectId },
): Promise<ContactSyncDoc> {
  checkSyncName(input.name, 'a contact sync', ContactError);
  if (input.destinations.length === 0) throw new ContactError('name at least one destination with to=');
  const group = await ownGroup(organizationId, input.source._id, input.groupName);
  if (!group) {
    const names = (await ownGroups(organizationId, input.source._id)).map((g) => `"${g.name}"`);
    throw new ContactError(`${input.source.name} has no contact group called "${input.groupName}"${names.length ? `; their groups: ${names.join(', ')}` : ''}`);
  }
  const unique = [...new Map(input.destinations.map((d) => [`${d.kind}:${d.ref}`, d])).values()];
  const sync = await createNamedSync(
    ContactSyncModel,
    { organizationId, name: input.name },
    () =>
      ContactSyncModel.create({
        organizationId,
        name: input.name,
        sourcePersonId: input.source._id,
        contactGroupId: group._id,
        destinations: unique,
        createdByPersonId: input.actorPersonId,
      }),
    'a contact sync',
    ContactError,
  );
  await eventLog.record(organizationId, {
    type: 'contactsync.create',
    outcome: 'succeeded',
    actorPersonId: input.actorPersonId,
    subject: input.name,
    message: `Contact sync ${input.name} created: ${input.source.name}'s "${group.name}" to ${unique.length} destination(s)`,
  });
  return sync;
}

/** Problem examples kept per run (the event log shows them). */
const PROBLEMS_KEPT = 10;

/** Resolves destinations to person ids, afresh (joiners in, leavers out); destinations that cannot be resolved are tallied by cause. */
export async function resolveDestinations(core: Core, organizationId: Types.ObjectId, destinations: Destination[]): Promise<{ ids: Set<string>; problems: FailureTally }> {
  const ids = new Set<string>();
  const problems = emptyTally();
  const personRefs = destinations.filter((d) => d.kind === 'person').map((d) => d.ref);
  if (personRefs.length) {
    for (const id of await PersonModel.distinct('_id', { organizationId, _id: { $in: personRefs } })) ids.add(String(id));
  }
  for (const d of destinations) {
    try {
      if (d.kind === 'ou') {
        const exact = new RegExp(`^${escapeRegex(d.ref)}$`, 'i');
        const found = await PersonModel.distinct('_id', { organizationId, $or: [{ buildings: exact }, { department: exact }] });
        for (const id of found) ids.add(String(id));
      } else if (d.kind === 'domain') {
        const found = await PersonModel.distinct('_id', { organizationId, email: new RegExp(`@${escapeRegex(d.ref)}$`) });
        for (const id of found) ids.add(String(id));
      } else if (d.kind === 'group') {
        const colon = d.ref.indexOf(':');
        const workspace = await WorkspaceModel.findOne({ organizationId, _id: d.ref.slice(0, colon) });
        if (!workspace) throw new Error('the workspace is no longer connected');
        const members = await listChannelMembers(core, workspace, d.ref.slice(colon + 1));
        const found = await PlatformAccountModel.distinct('personId', {
          organizationId,
          workspaceId: workspace._id,
          externalUserId: { $in: members },
          personId: { $exists: true },
        });
        for (const id of found) ids.add(String(id));
      }
    } catch (err) {
      noteFailure(problems, `${d.kind}:${d.ref}`, err instanceof Error ? err.message : String(err), PROBLEMS_KEPT);
    }
  }
  return { ids, problems };
}

/** What a run did; the tally holds the destinations that could not be resolved. */
export interface ContactRunResult extends FailureTally {
  destinations: number;
  contacts: number;
  joined: number;
  left: number;
}

/** The work a run found: the source group's members, the destination people, and who joined or left them. */
interface ContactPlan {
  contacts: Types.ObjectId[];
  ids: Set<string>;
  problems: FailureTally;
  joined: number;
  left: number;
}

/** "2 contacts now reach 5 people (1 joined, 0 left)", then the first unresolved destinations. */
export function summarizeContactRun(name: string, r: ContactRunResult): string {
  const head = `Contact sync ${name}: ${r.contacts} contacts now reach ${r.destinations} people (${r.joined} joined, ${r.left} left).`;
  return withLines(head, exampleLines(r));
}

/**
 * Runs one contact sync: snapshot the source group, re-resolve destinations, store both once as
 * a new run record. Concurrent runs each store their own; the one that started reading last is
 * what destinations see.
 */
export async function runContactSync(core: Core, organizationId: Types.ObjectId, syncId: Types.ObjectId): Promise<ContactRunResult | undefined> {
  // Taken before anything is read, so run records order by what they saw.
  const runId = new Types.ObjectId();
  return runRuleSync({
    load: () => ContactSyncModel.findOne({ organizationId, _id: syncId }).lean(),
    plan: async (sync): Promise<ContactPlan> => {
      const fail = async (error: string): Promise<never> => {
        await recordRun(organizationId, sync._id, runId, { at: new Date(), status: 'failed', error });
        await eventLog.record(organizationId, { type: 'contactsync.run', outcome: 'failed', subject: sync.name, message: `Contact sync ${sync.name} failed: ${error}` });
        throw new ContactError(error);
      };
      const source = await PersonModel.findOne({ organizationId, _id: sync.sourcePersonId }, { _id: 1 }).lean();
      if (!source) return fail('its source person no longer exists');
      const group = await ContactGroupModel.findOne({ organizationId, _id: sync.contactGroupId }).lean();
      if (!group) return fail('its source contact group no longer exists');
      const memberIds = (await membersOfGroups(organizationId, [group._id])).get(String(group._id)) ?? [];
      const contacts = (await PersonModel.distinct('_id', { organizationId, _id: { $in: memberIds } })) as Types.ObjectId[];
      const { ids, problems } = await resolveDestinations(core, organizationId, sync.destinations as Destination[]);
      ids.delete(String(sync.sourcePersonId));
      const { adds, removes } = diffMembers(ids, (await deliveredTo(organizationId, sync._id)).map(String));
      return { contacts, ids, problems, joined: adds.length, left: removes.length };
    },
    // Adding and removing is one insert: the run record names everyone its contacts now reach.
    apply: async (sync, { contacts, ids, problems, joined, left }): Promise<ContactRunResult> => {
      await recordRun(organizationId, sync._id, runId, {
        at: new Date(),
        status: problems.failed ? 'partial' : 'succeeded',
        destinations: ids.size,
        contacts: contacts.length,
        joined,
        left,
        ...(problems.errors[0] ? { error: problems.errors[0] } : {}),
        resolvedPersonIds: [...ids].map((id) => new Types.ObjectId(id)),
        contactPersonIds: contacts,
      });
      return { destinations: ids.size, contacts: contacts.length, joined, left, ...problems };
    },
    record: (sync, r) =>
      eventLog.record(organizationId, {
        type: 'contactsync.run',
        outcome: runStatus(r.destinations, r.failed) === 'failed' ? 'failed' : 'succeeded',
        subject: sync.name,
        message: `Contact sync ${sync.name}: ${r.contacts} contacts to ${r.destinations} people (${r.joined} joined, ${r.left} left)${r.failed ? `; ${r.failed} destination(s) could not be resolved` : ''}`,
        data: { destinations: r.destinations, contacts: r.contacts, joined: r.joined, left: r.left, problems: r.errors },
      }),
  });
}

/**
 * Deletes a sync: its destinations stop seeing its contacts at once, and every run it stored is
 * deleted (a run still in flight sweeps its own record when it finds the sync gone).
 */
export async function deleteContactSync(sync: ContactSyncDoc, actorPersonId?: Types.ObjectId): Promise<void> {
  await ContactSyncModel.deleteOne({ organizationId: sync.organizationId, _id: sync._id });
  await deleteRuns(sync.organizationId, sync._id);
  await eventLog.record(sync.organizationId, {
    type: 'contactsync.delete',
    outcome: 'succeeded',
    actorPersonId,
    subject: sync.name,
    message: `Contact sync ${sync.name} deleted; its contacts were withdrawn from its destinations`,
  });
}

/**
 * Registers (idempotently) the organization's daily run in Agenda at `hour` UTC — one job per
 * organization, keyed on its id.
 */
export async function ensureDailySchedule(core: Core, organizationId: Types.ObjectId, hour: number): Promise<void> {
  await core.agenda
    .create(CONTACT_DAILY_JOB, { organizationId: String(organizationId) })
    .unique({ 'data.organizationId': String(organizationId) })
    .repeatEvery(`0 ${hour} * * *`, { timezone: 'UTC' })
    .save();
}

/** How a stored destination reads: a person's current name and email, a channel, an OU, a domain. */
export async function describeDestinations(organizationId: Types.ObjectId, destinations: Destination[]): Promise<string[]> {
  const personIds = destinations.filter((d) => d.kind === 'person').map((d) => d.ref);
  const people = new Map((await PersonModel.find({ organizationId, _id: { $in: personIds } }, { name: 1, email: 1 }).lean()).map((p) => [String(p._id), p]));
  const workspaces = new Map((await WorkspaceModel.find({ organizationId }, { name: 1, platform: 1 }).lean()).map((w) => [String(w._id), w]));
  return destinations.map((d) => {
    if (d.kind === 'person') {
      const p = people.get(d.ref);
      return p ? `${p.name} (${p.email})` : 'a person no longer known';
    }
    if (d.kind === 'group') {
      const colon = d.ref.indexOf(':');
      const ws = workspaces.get(d.ref.slice(0, colon));
      return `group ${ws ? `${ws.name} (${PLATFORM_NAMES[ws.platform]})` : 'on a disconnected workspace'} ${d.ref.slice(colon + 1)}`;
    }
    return d.kind === 'ou' ? `org unit ${d.ref}` : `domain ${d.ref}`;
  });
}
