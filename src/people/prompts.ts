/**
 * "Sync now" prompts: a single-use, expiring link bound to one person, delivered by the bot on
 * the person's own platform (Slack: app DM; Teams, Webex, Zoom: the bot's 1:1 chat).
 */
import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Platform } from '../chat-adapter.js';
import type { Core } from '../core/core.js';
import { sha256 } from '../crypto.js';
import { OrganizationModel } from '../directory/organization.model.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { PromptTokenModel } from './prompt-token.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import type { PersonDoc } from '../directory/person.model.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import { eventLog } from '../core/event-log.js';
import { sendToUser } from '../directory/notify.js';

/** Why someone is prompted; it changes the wording. */
export type PromptReason = 'admin' | 'auto' | 'resync';

/** Creates a Sync now link for a person; only its hash is stored. */
export async function issuePromptLink(core: Core, person: Pick<PersonDoc, '_id' | 'organizationId'>): Promise<string> {
  const org = await OrganizationModel.findById(person.organizationId).lean();
  const days = org?.settings?.promptTokenDays ?? 7;
  const token = randomBytes(24).toString('base64url');
  await PromptTokenModel.create({
    organizationId: person.organizationId,
    personId: person._id,
    tokenHash: sha256(token),
    expiresAt: new Date(Date.now() + days * 86_400_000),
  });
  return `${core.publicUrl}/sync/${token}`;
}

/** Where the bot reaches a person: a workspace and their user id there. */
export interface Reach {
  workspace: WorkspaceDoc;
  externalUserId: string;
}

type ReachPerson = Pick<PersonDoc, '_id' | 'organizationId' | 'primaryWorkspaceId'>;

/** The rule: the account on their primary workspace, else their first active account. */
function chooseAccount<A extends { workspaceId: unknown; createdAt?: Date }>(person: ReachPerson, accounts: A[]): A | undefined {
  return accounts.find((a) => String(a.workspaceId) === String(person.primaryWorkspaceId)) ?? accounts[0];
}

/**
 * Where the bot reaches each of many people (one query for their accounts): their primary
 * workspace, else their first active account; only on `platform` when given.
 */
export async function reachableAccounts(people: ReachPerson[], platform?: Platform): Promise<Map<string, Reach>> {
  const reach = new Map<string, Reach>();
  if (people.length === 0) return reach;
  const organizationId = people[0].organizationId;
  const accounts = await PlatformAccountModel.find({
    organizationId,
    personId: { $in: people.map((p) => p._id) },
    deactivated: false,
    ...(platform ? { platform } : {}),
  })
    .sort({ createdAt: 1 })
    .lean();
  const workspaces = new Map((await WorkspaceModel.find({ organizationId })).map((w) => [String(w._id), w]));
  const byPerson = new Map<string, typeof accounts>();
  for (const a of accounts) {
    const key = String(a.personId);
    if (!byPerson.has(key)) byPerson.set(key, []);
    byPerson.get(key)!.push(a);
  }
  for (const person of people) {
    const chosen = chooseAccount(person, byPerson.get(String(person._id)) ?? []);
    const workspace = chosen ? workspaces.get(String(chosen.workspaceId)) : undefined;
    if (chosen && workspace) reach.set(String(person._id), { workspace, externalUserId: chosen.externalUserId });
  }
  return reach;
}

/** Where the bot reaches one person (see `reachableAccounts`). */
export async function reachableAccount(person: ReachPerson, platform?: Platform): Promise<Reach | undefined> {
  return (await reachableAccounts([person], platform)).get(String(person._id));
}

const WORDING: Record<PromptReason, (name: string) => string> = {
  admin: (name) =>
    `Hi ${name}! Your organization uses Crosstalk so you can chat with colleagues on Slack, Teams, Webex and Zoom from wherever you work. ` +
    'Click **Sync now** to pick your primary team; messages will reach you there.',
  auto: (name) =>
    `Hi ${name}! A colleague on another platform tried to message you, but your account is not synced yet. ` +
    'Click **Sync now** to pick your primary team so their messages reach you.',
  resync: (name) =>
    `Hi ${name}! Crosstalk can no longer use one of your authorized accounts (it was revoked or expired). ` +
    'Messages still reach you through the bot. Click **Sync now** to authorize again.',
};

/** Sends one person a prompt; returns false (with the reason) when they cannot be reached. */
export async function promptPerson(
  core: Core,
  person: PersonDoc,
  options: {
    reason?: PromptReason;
    actorPersonId?: Types.ObjectId;
    platform?: Platform;
    /** Already resolved by the caller (bulk prompts group by platform first). */
    reach?: Reach;
  } = {},
): Promise<{ sent: true } | { sent: false; reason: string }> {
  const reason = options.reason ?? 'admin';
  const reach = options.reach ?? (await reachableAccount(person, options.platform));
  if (!reach) return { sent: false, reason: `${person.name} has no active account the bot can reach` };
  const url = await issuePromptLink(core, person);
  await sendToUser(core, reach.workspace, reach.externalUserId, {
    text: WORDING[reason](person.name.split(' ')[0]),
    buttons: [{ label: 'Sync now', url, style: 'primary' }],
  });
  await PersonModel.updateOne(
    { organizationId: person.organizationId, _id: person._id },
    { $set: { lastPromptedAt: new Date(), ...(person.syncState === 'off' ? { syncState: 'pending' } : {}) } },
  );
  await eventLog.record(person.organizationId, {
    type: 'prompt.sent',
    outcome: 'succeeded',
    actorPersonId: options.actorPersonId,
    subject: person.email,
    message: `Prompted ${person.name} on ${reach.workspace.name} (${reason})`,
  });
  return { sent: true };
}

/**
 * Auto-prompt: a sync-off person who messages a synced person is prompted, at most once per
 * cool-down. The conditional update makes "at most once" hold across service instances.
 */
export async function maybeAutoPrompt(core: Core, person: PersonDoc): Promise<boolean> {
  const org = await OrganizationModel.findById(person.organizationId).lean();
  if (!org?.settings?.autoPrompt || person.syncState === 'on') return false;
  const cooldownMs = (org.settings.autoPromptCooldownDays ?? 7) * 86_400_000;
  const claimed = await PersonModel.updateOne(
    {
      organizationId: person.organizationId,
      _id: person._id,
      $or: [{ lastAutoPromptedAt: { $exists: false } }, { lastAutoPromptedAt: { $lt: new Date(Date.now() - cooldownMs) } }],
    },
    { $set: { lastAutoPromptedAt: new Date() } },
  );
  if (claimed.modifiedCount === 0) return false;
  const result = await promptPerson(core, person, { reason: 'auto' });
  return result.sent;
}
