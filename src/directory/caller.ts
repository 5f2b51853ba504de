/**
 * Who sent a command or message: their platform account and person. Someone not imported yet is
 * looked up on the platform at once and imported, so the first command of a new employee (or of
 * the first admin, before any directory sync) just works.
 */
import type { DirectoryUser } from '../chat-adapter.js';
import { adapterFor, workspaceRef, type Core } from '../core/core.js';
import { PersonModel } from './person.model.js';
import { PlatformAccountModel } from './platform-account.model.js';
import type { PersonDoc } from './person.model.js';
import type { PlatformAccountDoc } from './platform-account.model.js';
import type { WorkspaceDoc } from './workspace.model.js';
import { assignSinglePlatformPrimaries, importDirectoryPage } from './people.js';

const LOOKUP_PAGE_LIMIT = 50;

async function lookUpUser(core: Core, workspace: WorkspaceDoc, userId: string): Promise<DirectoryUser | undefined> {
  const adapter = adapterFor(core, workspace.platform);
  const ref = workspaceRef(core, workspace);
  if (adapter.capabilities.userLookup) return adapter.getUser(ref, userId);
  let cursor: string | undefined;
  for (let page = 0; page < LOOKUP_PAGE_LIMIT; page++) {
    const result = await adapter.listUsers(ref, cursor);
    const found = result.users.find((u) => u.userId === userId);
    if (found || !result.nextCursor) return found;
    cursor = result.nextCursor;
  }
  return undefined;
}

/** Resolves (importing if needed) the account and person behind a platform user id. */
export async function identifyCaller(
  core: Core,
  workspace: WorkspaceDoc,
  externalUserId: string,
): Promise<{ account: PlatformAccountDoc | null; person: PersonDoc | null }> {
  const organizationId = workspace.organizationId;
  let account = await PlatformAccountModel.findOne({ organizationId, workspaceId: workspace._id, externalUserId });
  if (!account?.personId) {
    try {
      const user = await lookUpUser(core, workspace, externalUserId);
      if (user) {
        const counts = await importDirectoryPage(workspace, [user]);
        await assignSinglePlatformPrimaries(organizationId, counts.personIds);
        account = await PlatformAccountModel.findOne({ organizationId, workspaceId: workspace._id, externalUserId });
      }
    } catch (err) {
      core.log.warn({ err, platform: workspace.platform }, 'could not look up an unknown caller');
    }
  }
  const person = account?.personId ? await PersonModel.findOne({ organizationId, _id: account.personId }) : null;
  return { account, person };
}
