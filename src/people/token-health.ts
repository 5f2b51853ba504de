/**
 * User tokens that stop working (revoked, expired) are noticed, refreshed where the platform
 * allows, and otherwise retired: that secondary turns ⚠ failed, delivery falls back to bot sync
 * (the relay posts as the bot when an account has no user token), and the person is prompted to
 * sync again. Never silent loss.
 */
import { PLATFORM_NAMES, type UserGrant } from '../chat-adapter.js';
import { adapterFor, workspaceRef, type Core } from '../core/core.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import type { PlatformAccountDoc } from '../directory/platform-account.model.js';
import { eventLog } from '../core/event-log.js';
import { promptPerson } from './prompts.js';

/** What is sealed in `PlatformAccount.userToken`. */
export interface StoredUserToken {
  accessToken: string;
  refreshToken?: string;
  scopes?: string[];
}

/** Seals a grant onto an account and marks that secondary user-synced. */
export async function storeGrant(core: Core, account: Pick<PlatformAccountDoc, '_id' | 'organizationId'>, grant: UserGrant): Promise<void> {
  const sealed: StoredUserToken = { accessToken: grant.accessToken, refreshToken: grant.refreshToken, scopes: grant.scopes };
  await PlatformAccountModel.updateOne(
    { organizationId: account.organizationId, _id: account._id },
    {
      $set: {
        userToken: core.cipher.encryptJson(sealed),
        userTokenExpiresAt: grant.expiresAt,
        secondary: { status: 'on', type: 'user', updatedAt: new Date() },
      },
    },
  );
}

/** Tries the refresh token; returns true when a fresh grant was stored. */
export async function tryRefresh(core: Core, account: PlatformAccountDoc): Promise<boolean> {
  if (!account.userToken) return false;
  const adapter = adapterFor(core, account.platform);
  let stored: StoredUserToken;
  try {
    stored = core.cipher.decryptJson<StoredUserToken>(account.userToken);
  } catch {
    return false;
  }
  if (!adapter.capabilities.tokenRefresh || !stored.refreshToken) return false;
  try {
    const grant = await adapter.refreshUserToken(stored.refreshToken);
    await storeGrant(core, account, { ...grant, refreshToken: grant.refreshToken ?? stored.refreshToken });
    return true;
  } catch (err) {
    core.log.info({ err, platform: account.platform }, 'user token refresh failed');
    return false;
  }
}

/**
 * Retires a dead user token: deletes it, marks that secondary failed, logs it and re-prompts the
 * person. Exported for the relay, which notices dead tokens on a failed send.
 */
export async function retireDeadToken(core: Core, account: PlatformAccountDoc, reason: string): Promise<void> {
  const organizationId = account.organizationId;
  const changed = await PlatformAccountModel.updateOne(
    { organizationId, _id: account._id, userToken: { $exists: true } },
    {
      $unset: { userToken: 1, userTokenExpiresAt: 1 },
      $set: { secondary: { status: 'failed', type: 'user', reason, updatedAt: new Date() } },
    },
  );
  if (changed.modifiedCount === 0) return;
  const person = account.personId ? await PersonModel.findOne({ organizationId, _id: account.personId }) : null;
  const workspace = await WorkspaceModel.findOne({ organizationId, _id: account.workspaceId });
  const where = workspace ? `${workspace.name} (${PLATFORM_NAMES[workspace.platform]})` : account.platform;
  await eventLog.record(organizationId, {
    type: 'sync.token_failed',
    outcome: 'failed',
    subject: person?.email ?? account.email ?? account.externalUserId,
    message: `${person?.name ?? account.name ?? 'Someone'}'s authorization on ${where} stopped working (${reason}); messages fall back to the bot and they were asked to sync again`,
  });
  if (person) {
    await promptPerson(core, person, { reason: 'resync' }).catch((err: unknown) =>
      core.log.warn({ err }, 'could not send the re-sync prompt'),
    );
  }
}

/** Why a token that cannot be opened is retired, in the event log and the person's status. */
export const UNDECRYPTABLE_REASON = 'cannot be decrypted with the current CROSSTALK_ENCRYPTION_KEY';

/**
 * A stored token that no longer decrypts (the encryption key was changed) is useless: said at
 * error level, retired like a dead token (secondary ⚠ failed, the person re-prompted), never
 * silently skipped.
 */
export async function retireUndecryptableToken(core: Core, account: PlatformAccountDoc): Promise<void> {
  core.log.error(
    { platform: account.platform, accountId: String(account._id) },
    'a stored user token cannot be decrypted (was CROSSTALK_ENCRYPTION_KEY changed?); the bot posts for this person and they are asked to sync again',
  );
  await retireDeadToken(core, account, UNDECRYPTABLE_REASON);
}

/** Checks one account's user token: refresh when near expiry or dead, retire when nothing helps. */
export async function checkAccountToken(core: Core, account: PlatformAccountDoc): Promise<'ok' | 'refreshed' | 'retired' | 'unknown'> {
  if (!account.userToken) return 'ok';
  const adapter = adapterFor(core, account.platform);
  const nearExpiry = account.userTokenExpiresAt && account.userTokenExpiresAt.getTime() < Date.now() + 10 * 60_000;
  if (nearExpiry && (await tryRefresh(core, account))) return 'refreshed';
  const workspace = await WorkspaceModel.findOne({ organizationId: account.organizationId, _id: account.workspaceId });
  if (!workspace) return 'unknown';
  let accessToken: string;
  try {
    ({ accessToken } = core.cipher.decryptJson<StoredUserToken>(account.userToken));
  } catch {
    await retireUndecryptableToken(core, account);
    return 'retired';
  }
  let alive: boolean;
  try {
    alive = await adapter.checkUserToken(workspaceRef(core, workspace), accessToken);
  } catch (err) {
    core.log.warn({ err, platform: account.platform }, 'could not check a user token; will try again later');
    return 'unknown';
  }
  if (alive && !nearExpiry) return 'ok';
  if (await tryRefresh(core, account)) return 'refreshed';
  if (alive) return 'ok';
  await retireDeadToken(core, account, nearExpiry ? 'expired' : 'revoked or expired');
  return 'retired';
}
