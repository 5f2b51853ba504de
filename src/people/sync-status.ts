/**
 * A person's sync: their primary workspace, their overall state (off / pending / on) and, per
 * secondary workspace, a status (on / pending / failed / not created) and type (user = their own
 * authorized account, bot = represented by the bot).
 *
 * Rules (seeds 003/004): a secondary where the person has no account is bot-synced at once; one
 * where they have an account needs their authorization and stays pending until then.
 */
import type { Types } from 'mongoose';
import { PLATFORM_NAMES, type Platform } from '../chat-adapter.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { PromptTokenModel } from './prompt-token.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import type { PersonDoc } from '../directory/person.model.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import { eventLog } from '../core/event-log.js';
import { deleteGroupsOf } from '../contacts/contact-records.js';

/** One secondary workspace of a person, as admins see it. */
export interface SecondaryView {
  workspaceId: Types.ObjectId;
  workspaceName: string;
  platform: Platform;
  status: 'on' | 'pending' | 'failed' | 'not_created';
  type?: 'user' | 'bot';
}

/** Icons the seeds use for secondary statuses. */
export const STATUS_ICONS: Record<SecondaryView['status'], string> = {
  on: '✔',
  pending: '⏱',
  failed: '⚠',
  not_created: '↻',
};

/** The person's secondaries across every workspace of the organization. */
export async function secondariesOf(
  person: Pick<PersonDoc, '_id' | 'organizationId' | 'primaryWorkspaceId' | 'syncState'>,
  workspaces?: WorkspaceDoc[],
): Promise<SecondaryView[]> {
  const organizationId = person.organizationId;
  const all = workspaces ?? (await WorkspaceModel.find({ organizationId }));
  const accounts = await PlatformAccountModel.find({ organizationId, personId: person._id, deactivated: false }).lean();
  const byWorkspace = new Map(accounts.map((a) => [String(a.workspaceId), a]));
  return all
    .filter((ws) => String(ws._id) !== String(person.primaryWorkspaceId))
    .map((ws) => {
      const account = byWorkspace.get(String(ws._id));
      const base = { workspaceId: ws._id, workspaceName: ws.name, platform: ws.platform };
      if (account) return { ...base, status: account.secondary?.status ?? 'not_created', type: account.secondary?.type ?? undefined };
      return person.syncState === 'on' ? { ...base, status: 'on' as const, type: 'bot' as const } : { ...base, status: 'not_created' as const };
    });
}

/**
 * Sets up the secondaries after a primary is chosen: accounts with a live user token are
 * user-synced; other existing accounts wait for authorization (pending).
 */
export async function applySecondaries(person: Pick<PersonDoc, '_id' | 'organizationId' | 'primaryWorkspaceId'>): Promise<void> {
  const organizationId = person.organizationId;
  const accounts = await PlatformAccountModel.find({ organizationId, personId: person._id });
  for (const account of accounts) {
    const isPrimary = String(account.workspaceId) === String(person.primaryWorkspaceId);
    const status = isPrimary ? 'on' : account.userToken ? 'on' : account.deactivated ? 'not_created' : 'pending';
    const type = isPrimary || account.userToken ? 'user' : account.deactivated ? undefined : 'user';
    if (account.secondary?.status === 'failed' && !account.userToken) continue;
    await PlatformAccountModel.updateOne(
      { organizationId, _id: account._id },
      { $set: { secondary: { status, type, updatedAt: new Date() } } },
    );
  }
}

/** Sets a person's primary workspace; they must have an active account there. */
export async function setPrimary(
  person: PersonDoc,
  workspace: WorkspaceDoc,
  options: { actorPersonId?: Types.ObjectId; completeSync?: boolean; autoSyncMode?: boolean } = {},
): Promise<void> {
  const organizationId = person.organizationId;
  const account = await PlatformAccountModel.findOne({ organizationId, personId: person._id, workspaceId: workspace._id, deactivated: false });
  if (!account) throw new Error(`${person.name} has no active account on ${workspace.name}`);
  const autoSynced = options.autoSyncMode && (workspace.platform === 'teams' || workspace.platform === 'webex');
  const syncState = options.completeSync || autoSynced ? 'on' : person.syncState;
  await PersonModel.updateOne(
    { organizationId, _id: person._id },
    { $set: { primaryWorkspaceId: workspace._id, primarySource: options.completeSync ? 'self' : 'admin', syncState } },
  );
  person.primaryWorkspaceId = workspace._id;
  person.syncState = syncState;
  await applySecondaries(person);
  await eventLog.record(organizationId, {
    type: 'person.primary',
    outcome: 'succeeded',
    actorPersonId: options.actorPersonId,
    subject: person.email,
    message: `${person.name}'s primary team is now ${workspace.name} (${PLATFORM_NAMES[workspace.platform]})${
      options.completeSync ? '; sync is on' : ''
    }`,
  });
}

/**
 * Reset: breaks every sync, deletes the person's tokens and app data (prompt links, contact
 * groups, remembered chats), and logs it. The person can sync again afterwards.
 */
export async function resetPerson(person: PersonDoc, actorPersonId?: Types.ObjectId): Promise<{ tokensDeleted: number }> {
  const organizationId = person.organizationId;
  const withTokens = await PlatformAccountModel.countDocuments({ organizationId, personId: person._id, userToken: { $exists: true } });
  await PlatformAccountModel.updateMany(
    { organizationId, personId: person._id },
    {
      $unset: { userToken: 1, userTokenExpiresAt: 1, directConversationId: 1 },
      $set: { secondary: { status: 'not_created', updatedAt: new Date() } },
    },
  );
  await PromptTokenModel.deleteMany({ organizationId, personId: person._id });
  await deleteGroupsOf(organizationId, person._id);
  await PersonModel.updateOne(
    { organizationId, _id: person._id },
    { $set: { syncState: 'off' }, $unset: { primaryWorkspaceId: 1, primarySource: 1, lastPromptedAt: 1, lastAutoPromptedAt: 1 } },
  );
  await eventLog.record(organizationId, {
    type: 'person.reset',
    outcome: 'succeeded',
    actorPersonId,
    subject: person.email,
    message: `${person.name} was reset: syncs broken, ${withTokens} authorization(s) and app data deleted`,
  });
  return { tokensDeleted: withTokens };
}
