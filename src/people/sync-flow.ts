/**
 * The "Sync now" flow behind `GET /sync/:token`: a single-use, expiring link bound to one person;
 * "Connect" runs a platform's OAuth authorization-code flow with PKCE and a `state` bound to the
 * browser session; the callback stores the grant only if the authorized identity is that person;
 * choosing a primary team completes the sync and uses up the link.
 */
import type { Types } from 'mongoose';
import { PLATFORM_NAMES, type Platform } from '../chat-adapter.js';
import { type Core } from '../core/core.js';
import { beginAuthorization, exchangeAuthorization } from '../http/oauth-attempt.js';
import { sha256 } from '../crypto.js';
import { OrganizationModel } from '../directory/organization.model.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { PromptTokenModel } from './prompt-token.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import type { PersonDoc } from '../directory/person.model.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import { eventLog } from '../core/event-log.js';
import { normalizeEmail } from '../directory/people.js';
import { applySecondaries, setPrimary } from './sync-status.js';
import { storeGrant } from './token-health.js';

/** Why a link or an OAuth return cannot be used; each becomes a clear page. */
export type SyncFlowProblem =
  | 'invalid_link'
  | 'not_available'
  | 'used_link'
  | 'expired_link'
  | 'invalid_state'
  | 'session_mismatch'
  | 'authorization_denied'
  | 'identity_mismatch'
  | 'exchange_failed'
  | 'unknown_account'
  | 'unknown_workspace';

/** A failure of the flow, carrying what the person should be told. */
export class SyncFlowError extends Error {
  constructor(
    readonly problem: SyncFlowProblem,
    message: string,
  ) {
    super(message);
    this.name = 'SyncFlowError';
  }
}

const OAUTH_ATTEMPT_MS = 10 * 60_000;

/** One account row on the Sync now page. */
export interface AccountRow {
  accountId: string;
  workspaceId: string;
  workspaceName: string;
  platform: Platform;
  platformName: string;
  email?: string;
  connected: boolean;
  failed: boolean;
  isPrimary: boolean;
}

/** What the Sync now page shows. */
export interface SyncPageModel {
  person: Pick<PersonDoc, 'name' | 'email' | 'syncState'>;
  accounts: AccountRow[];
  otherWorkspaces: Array<{ name: string; platformName: string }>;
  expiresAt: Date;
}

async function loadLink(token: string) {
  const link = await PromptTokenModel.findOne({ tokenHash: sha256(token) }).setOptions({ crossOrganization: true });
  if (!link) throw new SyncFlowError('invalid_link', 'This Sync now link is not valid. Check that you copied all of it, or ask for a new one with /crosstalk sync.');
  if (link.usedAt) throw new SyncFlowError('used_link', 'This Sync now link has already been used. Type /crosstalk status in chat to see your sync, or /crosstalk sync for a new link.');
  if (link.expiresAt.getTime() < Date.now()) throw new SyncFlowError('expired_link', 'This Sync now link has expired. Type /crosstalk sync in chat for a new one.');
  const person = await PersonModel.findOne({ organizationId: link.organizationId, _id: link.personId });
  if (!person) throw new SyncFlowError('invalid_link', 'This Sync now link is no longer valid.');
  return { link, person };
}

/** Validates a link for a browser session and returns what the page shows. */
export async function openSyncPage(token: string, sessionId: string): Promise<SyncPageModel> {
  const { link, person } = await loadLink(token);
  const organizationId = person.organizationId;
  if (link.sessionHash !== sha256(sessionId)) {
    await PromptTokenModel.updateOne({ organizationId, _id: link._id }, { $set: { sessionHash: sha256(sessionId) } });
  }
  const workspaces = await WorkspaceModel.find({ organizationId }).sort({ platform: 1, name: 1 });
  const accounts = await PlatformAccountModel.find({ organizationId, personId: person._id, deactivated: false });
  const rows: AccountRow[] = [];
  for (const ws of workspaces) {
    const account = accounts.find((a) => String(a.workspaceId) === String(ws._id));
    if (!account) continue;
    rows.push({
      accountId: String(account._id),
      workspaceId: String(ws._id),
      workspaceName: ws.name,
      platform: ws.platform,
      platformName: PLATFORM_NAMES[ws.platform],
      email: account.email ?? undefined,
      connected: Boolean(account.userToken),
      failed: account.secondary?.status === 'failed',
      isPrimary: String(person.primaryWorkspaceId) === String(ws._id),
    });
  }
  const otherWorkspaces = workspaces
    .filter((ws) => !rows.some((r) => r.workspaceId === String(ws._id)))
    .map((ws) => ({ name: ws.name, platformName: PLATFORM_NAMES[ws.platform] }));
  return { person, accounts: rows, otherWorkspaces, expiresAt: link.expiresAt };
}

/** A started authorization: the platform's URL, and its state and PKCE challenge (for in-client flows). */
export interface StartedConnect {
  platform: Platform;
  authorizeUrl: string;
  state: string;
  codeChallenge: string;
}

/** Starts "Connect" for one account. */
export async function startConnect(core: Core, token: string, sessionId: string, accountId: string): Promise<StartedConnect> {
  const { link, person } = await loadLink(token);
  if (link.sessionHash !== sha256(sessionId)) throw new SyncFlowError('session_mismatch', 'Open your Sync now link again in this browser, then click Connect.');
  const account = await PlatformAccountModel.findOne({ organizationId: person.organizationId, _id: accountId, personId: person._id });
  if (!account) throw new SyncFlowError('unknown_account', 'That account is not one of yours.');
  if (!core.adapters.get(account.platform)?.userOAuth) {
    throw new SyncFlowError('not_available', `Connecting a ${PLATFORM_NAMES[account.platform]} account is not set up in this Crosstalk; the bot posts for you there.`);
  }
  const attempt = await beginAuthorization(core, account.platform);
  await PromptTokenModel.updateOne(
    { organizationId: person.organizationId, _id: link._id },
    {
      $set: {
        oauth: {
          stateHash: attempt.stateHash,
          codeVerifier: attempt.sealedVerifier,
          accountId: account._id,
          platform: attempt.platform,
          startedAt: new Date(),
          linkToken: core.cipher.encrypt(token),
        },
      },
    },
  );
  return { platform: attempt.platform, authorizeUrl: attempt.authorizeUrl, state: attempt.state, codeChallenge: attempt.codeChallenge };
}

/**
 * Completes an OAuth return: checks state, session and expiry, exchanges the code, and stores the
 * grant (encrypted) only when the authorized identity is the link's person. Returns the link token
 * hash owner so the page can be shown again, and what was connected.
 */
export async function completeConnect(
  core: Core,
  platform: Platform,
  params: { code?: string; state?: string; error?: string; sessionId?: string },
): Promise<{ personId: Types.ObjectId; organizationId: Types.ObjectId; workspaceName: string; linkToken: string }> {
  if (!params.state) throw new SyncFlowError('invalid_state', 'This sign-in return is missing its state. Start again from your Sync now link.');
  const link = await PromptTokenModel.findOne({ 'oauth.stateHash': sha256(params.state) }).setOptions({ crossOrganization: true });
  if (!link?.oauth?.accountId || link.oauth.platform !== platform) {
    throw new SyncFlowError('invalid_state', 'This sign-in return does not match any Sync now link. Start again from your link.');
  }
  const organizationId = link.organizationId;
  const clear = () => PromptTokenModel.updateOne({ organizationId, _id: link._id }, { $unset: { oauth: 1 } });
  if (!params.sessionId || link.sessionHash !== sha256(params.sessionId)) {
    throw new SyncFlowError('session_mismatch', 'This sign-in was started in another browser. Open your Sync now link here and click Connect again.');
  }
  if (link.usedAt || link.expiresAt.getTime() < Date.now() || Date.now() - (link.oauth.startedAt?.getTime() ?? 0) > OAUTH_ATTEMPT_MS) {
    await clear();
    throw new SyncFlowError('expired_link', 'That sign-in took too long or the link has expired. Start again from your Sync now link.');
  }
  if (params.error || !params.code) {
    await clear();
    throw new SyncFlowError('authorization_denied', `${PLATFORM_NAMES[platform]} did not authorize Crosstalk${params.error ? ` (${params.error})` : ''}. Nothing was changed; you can try again.`);
  }
  const linkToken = core.cipher.decrypt(link.oauth.linkToken!);
  const account = await PlatformAccountModel.findOne({ organizationId, _id: link.oauth.accountId });
  const person = await PersonModel.findOne({ organizationId, _id: link.personId });
  const workspace = account ? await WorkspaceModel.findOne({ organizationId, _id: account.workspaceId }) : null;
  if (!account || !person || !workspace) throw new SyncFlowError('unknown_account', 'That account no longer exists.');

  let grant;
  try {
    grant = await exchangeAuthorization(core, platform, params.code, link.oauth.codeVerifier!);
  } catch (err) {
    await clear();
    core.log.warn({ err, platform }, 'OAuth code exchange failed');
    throw new SyncFlowError('exchange_failed', `${PLATFORM_NAMES[platform]} refused the sign-in. Nothing was changed; please try again.`);
  }
  const sameUser = grant.userId === account.externalUserId && (!grant.workspaceExternalId || grant.workspaceExternalId === workspace.externalId);
  const sameEmail = normalizeEmail(grant.email) !== undefined && normalizeEmail(grant.email) === person.email;
  if (!sameUser && !sameEmail) {
    await clear();
    await eventLog.record(organizationId, {
      type: 'sync.identity_mismatch',
      outcome: 'failed',
      subject: person.email,
      message: `A ${PLATFORM_NAMES[platform]} sign-in for ${person.name}'s link was made as someone else (${grant.email ?? grant.userId}); nothing was stored`,
    });
    throw new SyncFlowError(
      'identity_mismatch',
      `You signed in to ${PLATFORM_NAMES[platform]} as ${grant.email ?? 'another user'}, but this link is for ${person.email}. Nothing was stored. Sign in with your own account and try again.`,
    );
  }
  await storeGrant(core, account, grant);
  await clear();
  await eventLog.record(organizationId, {
    type: 'sync.connected',
    outcome: 'succeeded',
    subject: person.email,
    message: `${person.name} authorized Crosstalk on ${workspace.name} (${PLATFORM_NAMES[platform]})`,
  });
  return { personId: person._id, organizationId, workspaceName: workspace.name, linkToken };
}

/** Finishes the flow: the chosen primary team, sync on, link used up. */
export async function choosePrimary(
  token: string,
  sessionId: string,
  workspaceId: string,
): Promise<{ person: PersonDoc; workspace: WorkspaceDoc; userSynced: string[]; pending: string[]; botSynced: string[] }> {
  const { link, person } = await loadLink(token);
  if (link.sessionHash !== sha256(sessionId)) throw new SyncFlowError('session_mismatch', 'Open your Sync now link again in this browser to choose your primary team.');
  const organizationId = person.organizationId;
  const workspace = await WorkspaceModel.findOne({ organizationId, _id: workspaceId });
  if (!workspace) throw new SyncFlowError('unknown_workspace', 'Choose one of the teams listed on the page.');
  const claimed = await PromptTokenModel.updateOne(
    { organizationId, _id: link._id, usedAt: { $exists: false } },
    { $set: { usedAt: new Date() }, $unset: { oauth: 1 } },
  );
  if (claimed.modifiedCount === 0) throw new SyncFlowError('used_link', 'This Sync now link has already been used.');
  const org = await OrganizationModel.findById(organizationId).lean();
  try {
    await setPrimary(person, workspace, { completeSync: true, autoSyncMode: org?.settings?.autoSyncMode ?? false });
  } catch (err) {
    await PromptTokenModel.updateOne({ organizationId, _id: link._id }, { $unset: { usedAt: 1 } });
    throw new SyncFlowError('unknown_workspace', (err as Error).message);
  }
  await applySecondaries(person);
  const workspaces = await WorkspaceModel.find({ organizationId });
  const accounts = await PlatformAccountModel.find({ organizationId, personId: person._id, deactivated: false });
  const userSynced: string[] = [];
  const pending: string[] = [];
  const botSynced: string[] = [];
  for (const ws of workspaces) {
    if (String(ws._id) === String(workspace._id)) continue;
    const label = `${ws.name} (${PLATFORM_NAMES[ws.platform]})`;
    const account = accounts.find((a) => String(a.workspaceId) === String(ws._id));
    (account?.userToken ? userSynced : account ? pending : botSynced).push(label);
  }
  return { person, workspace, userSynced, pending, botSynced };
}
