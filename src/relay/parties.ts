/**
 * Who is on each side of a relayed message: a person, their account on a workspace, and how the
 * relay may post for them there (their own authorized token, or the bot showing their name).
 */
import type { Platform, SendAs } from '../chat-adapter.js';
import type { Core } from '../core/core.js';
import type { DirectoryCache } from '../directory/cache.js';
import type { PersonDoc } from '../directory/person.model.js';
import type { PlatformAccountDoc } from '../directory/platform-account.model.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import { retireUndecryptableToken } from '../people/token-health.js';

/** A sealed user grant as the sync flow stores it. */
export interface SealedGrant {
  accessToken: string;
  refreshToken?: string;
  scopes?: string[];
}

/** The account and person behind a platform user id on a workspace, if imported (from the directory cache). */
export async function partyOn(
  cache: DirectoryCache,
  workspace: Pick<WorkspaceDoc, '_id' | 'organizationId'>,
  externalUserId: string,
): Promise<{ account: PlatformAccountDoc; person: PersonDoc } | undefined> {
  const account = await cache.account(workspace, externalUserId);
  if (!account?.personId) return undefined;
  const person = await cache.person(workspace.organizationId, account.personId);
  return person ? { account, person } : undefined;
}

/** The person's usable grant on an account: present and not marked failed. */
export function usableGrant(core: Core, account: PlatformAccountDoc | null | undefined): SealedGrant | undefined {
  if (!account?.userToken || account.secondary?.status === 'failed') return undefined;
  try {
    return core.cipher.decryptJson<SealedGrant>(account.userToken);
  } catch {
    // The key was changed under the stored token: say so, fall back to the bot, re-prompt.
    void retireUndecryptableToken(core, account).catch((err: unknown) =>
      core.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not retire an undecryptable user token'),
    );
    return undefined;
  }
}

/** How the bot shows a person it stands in for. */
export function botAs(person: Pick<PersonDoc, 'name'>, account: Pick<PlatformAccountDoc, 'avatarUrl'> | undefined, home: Platform): SendAs {
  return { kind: 'bot', displayName: person.name, ...(account?.avatarUrl ? { avatarUrl: account.avatarUrl } : {}), fromPlatform: home };
}
