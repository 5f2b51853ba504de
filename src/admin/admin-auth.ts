/**
 * Signing in to the admin page with the same personal OAuth as the Sync now flow: the platform's
 * authorization-code flow with PKCE and a `state` bound to the browser session; the authorized
 * identity must be a Person who is a Crosstalk admin. Then the session is that admin's, for a
 * working day, with a per-session CSRF token.
 */
import { randomBytes } from 'node:crypto';
import { beginAuthorization, exchangeAuthorization } from '../http/oauth-attempt.js';
import { PLATFORM_NAMES, type Platform } from '../chat-adapter.js';
import { isAdmin } from '../commands/registry.js';
import { type Core } from '../core/core.js';
import { sha256 } from '../crypto.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import type { PersonDoc } from '../directory/person.model.js';
import type { PlatformAccountDoc } from '../directory/platform-account.model.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import { identifyCaller } from '../directory/caller.js';
import { normalizeEmail } from '../directory/people.js';
import { eventLog } from '../core/event-log.js';
import { AdminSessionModel } from './admin-session.model.js';

const SESSION_MS = 8 * 3600_000;
const SIGN_IN_MS = 10 * 60_000;

/** Why a sign-in did not work; the message is what the page says. */
export class AdminSignInError extends Error {
  override name = 'AdminSignInError';
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A signed-in admin, re-read on every request. */
export interface AdminIdentity {
  person: PersonDoc;
  account: PlatformAccountDoc;
  workspace: WorkspaceDoc;
  csrfToken: string;
  flash?: string;
}

/** A fresh session id for the cookie. */
export function newSessionId(): string {
  return randomBytes(24).toString('base64url');
}

/** Starts a sign-in on `platform` for this browser session; returns the platform's authorize URL. */
export async function startAdminSignIn(core: Core, sessionId: string, platform: Platform): Promise<string> {
  const attempt = await beginAuthorization(core, platform);
  await AdminSessionModel.updateOne(
    { sessionHash: sha256(sessionId) },
    {
      $set: {
        expiresAt: new Date(Date.now() + SIGN_IN_MS),
        oauth: { stateHash: attempt.stateHash, codeVerifier: attempt.sealedVerifier, platform, startedAt: new Date() },
      },
      $unset: { personId: 1, organizationId: 1, accountId: 1, flash: 1 },
      $setOnInsert: { csrfToken: randomBytes(24).toString('base64url') },
    },
    { upsert: true },
  );
  return attempt.authorizeUrl;
}

/** True when `state` belongs to an admin sign-in (the OAuth return then comes here). */
export async function isAdminSignInState(state: string | undefined): Promise<boolean> {
  if (!state) return false;
  return (await AdminSessionModel.exists({ 'oauth.stateHash': sha256(state) })) !== null;
}

/** Completes a sign-in from the OAuth return; the session becomes the admin's. */
export async function completeAdminSignIn(
  core: Core,
  platform: Platform,
  params: { code?: string; state?: string; error?: string; sessionId?: string },
): Promise<PersonDoc> {
  const session = params.state ? await AdminSessionModel.findOne({ 'oauth.stateHash': sha256(params.state) }) : null;
  if (!session?.oauth || session.oauth.platform !== platform) throw new AdminSignInError('This sign-in return does not match a sign-in. Start again from the admin page.');
  const clear = () => AdminSessionModel.updateOne({ _id: session._id }, { $unset: { oauth: 1 } });
  if (!params.sessionId || session.sessionHash !== sha256(params.sessionId)) {
    throw new AdminSignInError('This sign-in was started in another browser. Open the admin page here and sign in again.');
  }
  if (Date.now() - (session.oauth.startedAt?.getTime() ?? 0) > SIGN_IN_MS) {
    await clear();
    throw new AdminSignInError('That sign-in took too long. Start again from the admin page.');
  }
  if (params.error || !params.code) {
    await clear();
    throw new AdminSignInError(`${PLATFORM_NAMES[platform]} did not sign you in${params.error ? ` (${params.error})` : ''}.`);
  }
  let grant;
  try {
    grant = await exchangeAuthorization(core, platform, params.code, session.oauth.codeVerifier!);
  } catch (err) {
    await clear();
    core.log.warn({ err, platform }, 'admin sign-in: code exchange failed');
    throw new AdminSignInError(`${PLATFORM_NAMES[platform]} refused the sign-in. Please try again.`, 502);
  }
  const found = await adminFromGrant(core, platform, grant);
  await clear();
  if (!found) throw new AdminSignInError(`${grant.email ?? 'That account'} is not in the Crosstalk directory. Ask an admin to run /crosstalk directory sync.`, 403);
  const { person, account } = found;
  if (!isAdmin(core, person)) {
    await eventLog.record(person.organizationId, {
      type: 'admin.sign_in',
      outcome: 'failed',
      subject: person.email,
      message: `${person.name} tried to open the admin page but is not an admin`,
    });
    throw new AdminSignInError(`${person.name}, the admin page is for Crosstalk admins only. Ask an admin if you need it.`, 403);
  }
  await AdminSessionModel.updateOne(
    { _id: session._id },
    {
      $set: {
        organizationId: person.organizationId,
        personId: person._id,
        accountId: account._id,
        expiresAt: new Date(Date.now() + SESSION_MS),
        csrfToken: randomBytes(24).toString('base64url'),
      },
    },
  );
  await eventLog.record(person.organizationId, {
    type: 'admin.sign_in',
    outcome: 'succeeded',
    actorPersonId: person._id,
    subject: person.email,
    message: `${person.name} signed in to the admin page with ${PLATFORM_NAMES[platform]}`,
  });
  return person;
}

async function adminFromGrant(
  core: Core,
  platform: Platform,
  grant: { userId: string; email?: string; workspaceExternalId?: string },
): Promise<{ person: PersonDoc; account: PlatformAccountDoc } | undefined> {
  const workspaces = await WorkspaceModel.find({ platform, ...(grant.workspaceExternalId ? { externalId: grant.workspaceExternalId } : {}) }).setOptions({
    crossOrganization: true,
  });
  for (const workspace of workspaces) {
    const { account, person } = await identifyCaller(core, workspace, grant.userId);
    if (account && person) return { account, person };
  }
  const email = normalizeEmail(grant.email);
  if (!email) return undefined;
  for (const workspace of workspaces) {
    const person = await PersonModel.findOne({ organizationId: workspace.organizationId, email });
    const account = person
      ? await PlatformAccountModel.findOne({ organizationId: workspace.organizationId, workspaceId: workspace._id, personId: person._id, deactivated: false })
      : null;
    if (person && account) return { person, account };
  }
  return undefined;
}

/** The admin of this browser session, or undefined (not signed in, expired, or no longer an admin). */
export async function currentAdmin(core: Core, sessionId: string | undefined): Promise<AdminIdentity | undefined> {
  if (!sessionId) return undefined;
  const session = await AdminSessionModel.findOne({ sessionHash: sha256(sessionId) });
  if (!session?.personId || !session.organizationId || !session.accountId) return undefined;
  if (session.expiresAt.getTime() < Date.now()) {
    await AdminSessionModel.deleteOne({ _id: session._id });
    return undefined;
  }
  const organizationId = session.organizationId;
  const person = await PersonModel.findOne({ organizationId, _id: session.personId });
  const account = await PlatformAccountModel.findOne({ organizationId, _id: session.accountId });
  const workspace = account ? await WorkspaceModel.findOne({ organizationId, _id: account.workspaceId }) : null;
  if (!person || !account || !workspace || !isAdmin(core, person)) return undefined;
  return { person, account, workspace, csrfToken: session.csrfToken, flash: session.flash ?? undefined };
}

/** Keeps an action's reply to show once after the redirect (or clears it). */
export async function setFlash(sessionId: string, flash: string | undefined): Promise<void> {
  await AdminSessionModel.updateOne({ sessionHash: sha256(sessionId) }, flash === undefined ? { $unset: { flash: 1 } } : { $set: { flash } });
}

/** Ends the session. */
export async function signOut(sessionId: string): Promise<void> {
  await AdminSessionModel.deleteOne({ sessionHash: sha256(sessionId) });
}
