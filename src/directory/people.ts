/**
 * Directory import: platform users become platform accounts, matched to people across platforms by
 * normalized email. Writes are batched per page (one bulk write for accounts, one for people), so
 * a 100,000-user import costs a few hundred round trips, not hundreds of thousands.
 */
import type { Types } from 'mongoose';
import type { DirectoryUser } from '../chat-adapter.js';
import { bulkWriteChunked } from '../db/bulk.js';
import { PersonModel } from './person.model.js';
import { PlatformAccountModel } from './platform-account.model.js';
import type { WorkspaceDoc } from './workspace.model.js';

/** Lower-cased, trimmed; undefined for something that is not an email. */
export function normalizeEmail(email: string | undefined): string | undefined {
  const trimmed = email?.trim().toLowerCase();
  return trimmed && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed) ? trimmed : undefined;
}

/** Counts from importing one page. */
export interface ImportCounts {
  accounts: number;
  people: number;
  deactivated: number;
  skipped: number;
  personIds: Types.ObjectId[];
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: Array<{ code?: number }> };
  return e?.code === 11000 || (Array.isArray(e?.writeErrors) && e.writeErrors.every((w) => w.code === 11000));
}

/**
 * Imports one page of a workspace's directory. Bots and users without an email are skipped.
 * One lookup per collection per page, then inserts for the new and `_id` updates for the changed:
 * on FerretDB every filter other than `_id` is a scan, so per-user upserts would scan per user.
 */
export async function importDirectoryPage(
  workspace: Pick<WorkspaceDoc, '_id' | 'organizationId' | 'platform'>,
  users: DirectoryUser[],
  seenAt: Date = new Date(),
): Promise<ImportCounts> {
  const organizationId = workspace.organizationId;
  const platform = workspace.platform;
  const humans = users.filter((u) => !u.isBot);
  const emailOf = new Map(humans.map((u) => [u.userId, normalizeEmail(u.email)]));
  const byEmail = new Map<string, DirectoryUser>();
  for (const u of humans) {
    const email = emailOf.get(u.userId);
    if (email && !byEmail.has(email)) byEmail.set(email, u);
  }
  const emails = [...byEmail.keys()];

  const existing = humans.length
    ? await PlatformAccountModel.find(
        { organizationId, workspaceId: workspace._id, externalUserId: { $in: humans.map((u) => u.userId) } },
        { _id: 1, externalUserId: 1, email: 1, name: 1, avatarUrl: 1, deactivated: 1, personId: 1 },
      ).lean()
    : [];
  const accountOf = new Map(existing.map((a) => [a.externalUserId, a]));
  // An email renamed on the platform keeps its person: group and contact syncs are keyed on
  // person ids, so the known account carries its person to the new address.
  const renames = humans
    .map((u) => ({ account: accountOf.get(u.userId), email: emailOf.get(u.userId) }))
    .filter((r) => r.account?.personId && r.email && r.account.email && r.account.email !== r.email);
  if (renames.length) {
    const taken = new Set(
      (await PersonModel.find({ organizationId, email: { $in: renames.map((r) => r.email!) } }, { email: 1 }).lean()).map((p) => p.email),
    );
    await bulkWriteChunked(
      PersonModel,
      renames
        .filter((r) => !taken.has(r.email!))
        .map((r) => ({
          updateOne: { filter: { organizationId, _id: r.account!.personId, email: r.account!.email }, update: { $set: { email: r.email } } },
        })),
    );
  }

  const people = new Map<string, { _id: Types.ObjectId; buildings?: string[]; department?: string | null }>();
  const loadPeople = async (list: string[]) => {
    if (!list.length) return;
    for (const p of await PersonModel.find({ organizationId, email: { $in: list } }, { _id: 1, email: 1, buildings: 1, department: 1 }).lean()) {
      people.set(p.email, p);
    }
  };
  await loadPeople(emails);
  const newEmails = emails.filter((e) => !people.has(e));
  const created = new Set(newEmails);
  if (newEmails.length) {
    const docs = newEmails.map((email) => {
      const u = byEmail.get(email)!;
      return { organizationId, email, name: u.name || email, buildings: u.buildings ?? [], department: u.department };
    });
    try {
      await PersonModel.insertMany(docs, { ordered: false });
    } catch (err) {
      // Another import (another workspace, another instance) created some of them first.
      if (!isDuplicateKey(err)) throw err;
    }
    await loadPeople(newEmails);
  }
  const profileUpdates = emails
    .map((email) => ({ email, user: byEmail.get(email)!, person: people.get(email) }))
    .filter(({ email, user, person }) => {
      if (!person || created.has(email)) return false;
      const buildingsChanged = user.buildings?.length && JSON.stringify(user.buildings) !== JSON.stringify(person.buildings ?? []);
      const departmentChanged = user.department && user.department !== person.department;
      return buildingsChanged || departmentChanged;
    })
    .map(({ user, person }) => ({
      updateOne: {
        filter: { organizationId, _id: person!._id },
        update: { $set: { ...(user.buildings?.length ? { buildings: user.buildings } : {}), ...(user.department ? { department: user.department } : {}) } },
      },
    }));
  await bulkWriteChunked(PersonModel, profileUpdates);

  const fieldsOf = (u: DirectoryUser) => {
    const email = emailOf.get(u.userId);
    const personId = email ? people.get(email)?._id : undefined;
    return { email, name: u.name, avatarUrl: u.avatarUrl, deactivated: u.deactivated, isBot: false, ...(personId ? { personId } : {}) };
  };
  const fresh = humans.filter((u) => !accountOf.has(u.userId));
  if (fresh.length) {
    try {
      await PlatformAccountModel.insertMany(
        fresh.map((u) => ({ organizationId, workspaceId: workspace._id, platform, externalUserId: u.userId, lastSeenAt: seenAt, ...fieldsOf(u) })),
        { ordered: false },
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  const changed = humans
    .filter((u) => accountOf.has(u.userId))
    .map((u) => ({ account: accountOf.get(u.userId)!, fields: fieldsOf(u) }))
    .filter(
      ({ account, fields }) =>
        account.email !== fields.email ||
        account.name !== fields.name ||
        account.avatarUrl !== fields.avatarUrl ||
        account.deactivated !== fields.deactivated ||
        String(account.personId ?? '') !== String(fields.personId ?? ''),
    )
    .map(({ account, fields }) => ({ updateOne: { filter: { organizationId, _id: account._id }, update: { $set: fields } } }));
  await bulkWriteChunked(PlatformAccountModel, changed);
  // One statement per `_id`: FerretDB runs `_id: {$in}` as a scan inside one long write
  // transaction, which holds SQLite's single write lock against every other writer.
  await bulkWriteChunked(
    PlatformAccountModel,
    existing.map((a) => ({ updateOne: { filter: { organizationId, _id: a._id }, update: { $set: { lastSeenAt: seenAt } } } })),
  );

  return {
    accounts: humans.length,
    people: people.size,
    deactivated: humans.filter((u) => u.deactivated).length,
    skipped: users.length - [...emailOf.values()].filter(Boolean).length,
    personIds: [...people.values()].map((p) => p._id),
  };
}

/**
 * A person found on exactly one workspace gets it as primary automatically; one found on several
 * waits for the admin or their own choice. An automatic primary is withdrawn when the person turns
 * up on a second workspace (a choice made by an admin or the person is never touched).
 * Returns how many got a primary.
 */
export async function assignSinglePlatformPrimaries(organizationId: Types.ObjectId, personIds: Types.ObjectId[]): Promise<number> {
  if (personIds.length === 0) return 0;
  const candidates = await PersonModel.find(
    { organizationId, _id: { $in: personIds }, $or: [{ primaryWorkspaceId: { $exists: false } }, { primarySource: 'auto' }] },
    { _id: 1, primaryWorkspaceId: 1 },
  ).lean();
  if (candidates.length === 0) return 0;
  const accounts = await PlatformAccountModel.find(
    { organizationId, personId: { $in: candidates.map((p) => p._id) }, deactivated: false },
    { personId: 1, workspaceId: 1 },
  ).lean();
  const workspacesByPerson = new Map<string, Set<string>>();
  for (const a of accounts) {
    const key = String(a.personId);
    if (!workspacesByPerson.has(key)) workspacesByPerson.set(key, new Set());
    workspacesByPerson.get(key)!.add(String(a.workspaceId));
  }
  const assignTo = new Map<string, Types.ObjectId[]>();
  const withdraw: Types.ObjectId[] = [];
  for (const person of candidates) {
    const set = workspacesByPerson.get(String(person._id)) ?? new Set<string>();
    if (set.size === 1 && !person.primaryWorkspaceId) {
      const target = [...set][0];
      if (!assignTo.has(target)) assignTo.set(target, []);
      assignTo.get(target)!.push(person._id);
    } else if (set.size > 1 && person.primaryWorkspaceId) {
      withdraw.push(person._id);
    }
  }
  const assigned = await bulkWriteChunked(
    PersonModel,
    [...assignTo].flatMap(([workspaceId, ids]) =>
      ids.map((_id) => ({
        updateOne: {
          filter: { organizationId, _id, primaryWorkspaceId: { $exists: false } },
          update: { $set: { primaryWorkspaceId: workspaceId, primarySource: 'auto' } },
        },
      })),
    ),
  );
  await bulkWriteChunked(
    PersonModel,
    withdraw.map((_id) => ({
      updateOne: { filter: { organizationId, _id, primarySource: 'auto' }, update: { $unset: { primaryWorkspaceId: 1, primarySource: 1 } } },
    })),
  );
  return assigned.modified;
}
