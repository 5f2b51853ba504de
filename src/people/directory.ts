/**
 * Directory import: platform users become platform accounts, matched to people across platforms by
 * normalized email. Writes are batched per page (one bulk write for accounts, one for people), so
 * a 100,000-user import costs a few hundred round trips, not hundreds of thousands.
 */
import type { Types } from 'mongoose';
import type { DirectoryUser, Platform } from '../chat-adapter.js';
import { PersonModel, PlatformAccountModel } from '../models/index.js';
import type { WorkspaceDoc } from '../models/workspace.model.js';

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

/** Imports one page of a workspace's directory. Bots and users without an email are skipped. */
export async function importDirectoryPage(
  workspace: Pick<WorkspaceDoc, '_id' | 'organizationId' | 'platform'>,
  users: DirectoryUser[],
  seenAt: Date = new Date(),
): Promise<ImportCounts> {
  const organizationId = workspace.organizationId;
  const platform = workspace.platform as Platform;
  const humans = users.filter((u) => !u.isBot);
  const withEmail = humans
    .map((u) => ({ user: u, email: normalizeEmail(u.email) }))
    .filter((x): x is { user: DirectoryUser; email: string } => x.email !== undefined);

  if (withEmail.length > 0) {
    await PersonModel.bulkWrite(
      withEmail.map(({ user, email }) => {
        const profile: Record<string, unknown> = {};
        if (user.buildings?.length) profile.buildings = user.buildings;
        if (user.department) profile.department = user.department;
        return {
          updateOne: {
            filter: { organizationId, email },
            update: { $setOnInsert: { organizationId, email, name: user.name || email }, ...(Object.keys(profile).length ? { $set: profile } : {}) },
            upsert: true,
          },
        };
      }),
      { ordered: false },
    );
  }
  const people = withEmail.length
    ? await PersonModel.find({ organizationId, email: { $in: withEmail.map((x) => x.email) } }, { _id: 1, email: 1 }).lean()
    : [];
  const personByEmail = new Map(people.map((p) => [p.email, p._id]));

  if (humans.length > 0) {
    await PlatformAccountModel.bulkWrite(
      humans.map((user) => {
        const email = normalizeEmail(user.email);
        const personId = email ? personByEmail.get(email) : undefined;
        return {
          updateOne: {
            filter: { organizationId, workspaceId: workspace._id, externalUserId: user.userId },
            update: {
              $set: {
                email,
                name: user.name,
                avatarUrl: user.avatarUrl,
                deactivated: user.deactivated,
                isBot: false,
                lastSeenAt: seenAt,
                ...(personId ? { personId } : {}),
              },
              $setOnInsert: { organizationId, workspaceId: workspace._id, platform, externalUserId: user.userId },
            },
            upsert: true,
          },
        };
      }),
      { ordered: false },
    );
  }
  return {
    accounts: humans.length,
    people: people.length,
    deactivated: humans.filter((u) => u.deactivated).length,
    skipped: users.length - withEmail.length,
    personIds: people.map((p) => p._id),
  };
}

/**
 * A person found on exactly one workspace gets it as primary automatically; one found on several
 * waits for the admin or their own choice. Returns how many got a primary.
 */
export async function assignSinglePlatformPrimaries(organizationId: Types.ObjectId, personIds: Types.ObjectId[]): Promise<number> {
  if (personIds.length === 0) return 0;
  const undecided = await PersonModel.find(
    { organizationId, _id: { $in: personIds }, primaryWorkspaceId: { $exists: false } },
    { _id: 1 },
  ).lean();
  if (undecided.length === 0) return 0;
  const accounts = await PlatformAccountModel.find(
    { organizationId, personId: { $in: undecided.map((p) => p._id) }, deactivated: false },
    { personId: 1, workspaceId: 1 },
  ).lean();
  const workspacesByPerson = new Map<string, Set<string>>();
  for (const a of accounts) {
    const key = String(a.personId);
    if (!workspacesByPerson.has(key)) workspacesByPerson.set(key, new Set());
    workspacesByPerson.get(key)!.add(String(a.workspaceId));
  }
  const ops = [...workspacesByPerson.entries()]
    .filter(([, set]) => set.size === 1)
    .map(([personId, set]) => ({
      updateOne: {
        filter: { organizationId, _id: personId, primaryWorkspaceId: { $exists: false } },
        update: { $set: { primaryWorkspaceId: [...set][0] } },
      },
    }));
  if (ops.length === 0) return 0;
  const result = await PersonModel.bulkWrite(ops as never, { ordered: false });
  return result.modifiedCount;
}
