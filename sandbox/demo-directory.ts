/**
 * The database side of the demo organization, done once per database: import every simulated
 * workspace's directory, set staff/student and the demo admin, and (guided demo) sync one person
 * per platform and prompt one more, so the first DM and the Sync now journey work on the first
 * click. A database that already holds the demo admin is left exactly as it is, so any number of
 * restarts changes nothing.
 */
import type { Platform } from '../src/chat-adapter.js';
import type { Logger } from '../src/log.js';
import { PersonModel } from '../src/directory/person.model.js';
import { WorkspaceModel } from '../src/directory/workspace.model.js';
import { runDirectorySync } from '../src/people/directory-sync.job.js';
import { promptPerson } from '../src/people/prompts.js';
import { setPrimary } from '../src/people/sync-status.js';
import type { Service } from '../src/service.js';
import { DEMO_PEOPLE, DEMO_PENDING, DEMO_SYNCED } from './demo-org.js';

/** The demo admin (sandbox only), so every command can be tried at once. */
export const DEMO_ADMIN_EMAIL = DEMO_PEOPLE[0].email;

/** True once this database holds the demo organization. */
export async function demoDirectorySeeded(service: Pick<Service, 'organizationId'>): Promise<boolean> {
  return Boolean(await PersonModel.exists({ organizationId: service.organizationId, email: DEMO_ADMIN_EMAIL, isAdmin: true }));
}

/** Imports and prepares the demo organization in a database that does not have it yet. */
export async function seedDemoDirectory(service: Service, log: Logger, options: { guided: boolean }): Promise<void> {
  const organizationId = service.organizationId;
  const workspaces = await WorkspaceModel.find({ organizationId });
  for (const ws of workspaces) {
    await runDirectorySync(service.core, { organizationId: String(organizationId), workspaceId: String(ws._id) }).catch((err: unknown) =>
      log.warn({ err, workspace: ws.name }, 'sandbox: demo directory import failed'),
    );
  }
  for (const type of ['staff', 'student'] as const) {
    await PersonModel.updateMany(
      { organizationId, email: { $in: DEMO_PEOPLE.filter((p) => p.memberType === type).map((p) => p.email) } },
      { $set: { memberType: type } },
    );
  }
  if (options.guided) {
    for (const [platform, email] of Object.entries(DEMO_SYNCED) as Array<[Platform, string]>) {
      const person = await PersonModel.findOne({ organizationId, email });
      const workspace = workspaces.find((w) => w.platform === platform);
      if (person && workspace) await setPrimary(person, workspace, { completeSync: true });
    }
    const pending = await PersonModel.findOne({ organizationId, email: DEMO_PENDING });
    if (pending) {
      const sent = await promptPerson(service.core, pending, { platform: 'slack' });
      if (!sent.sent) log.warn({ reason: sent.reason }, 'sandbox: the demo Sync now prompt was not sent');
    }
  }
  // Last, so an interrupted first start is completed on the next one.
  await PersonModel.updateOne({ organizationId, email: DEMO_ADMIN_EMAIL }, { $set: { isAdmin: true } });
}
