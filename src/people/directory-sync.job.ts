import pRetry from 'p-retry';
import { Types } from 'mongoose';
import { isDatabaseBusy } from '../db/bulk.js';
import { adapterFor, workspaceRef, type Core } from '../core/core.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import { assignSinglePlatformPrimaries, importDirectoryPage } from '../directory/people.js';
import { notifyRequester, type NotifyTarget } from '../directory/notify.js';
import { eventLog } from '../core/event-log.js';
import type { JobDefinition } from '../jobs/runner.js';
import { PLATFORM_NAMES } from '../chat-adapter.js';

/** Job data: which workspace, and who to tell when done. */
export interface DirectorySyncData {
  organizationId: string;
  workspaceId: string;
  notify?: NotifyTarget;
}

export const DIRECTORY_SYNC_JOB = 'directory.sync';
export const DIRECTORY_SYNC_ALL_JOB = 'directory.sync-all';
const PROGRESS_EVERY_MS = 10_000;

/** Runs one workspace's directory import; exported so benchmarks can time it without the queue. */
export async function runDirectorySync(
  core: Core,
  data: DirectorySyncData,
  onProgress: (pages: number, accounts: number) => Promise<void> = async () => {},
): Promise<{ pages: number; accounts: number; people: number; deactivated: number; primaries: number; gone: number }> {
  const organizationId = new Types.ObjectId(data.organizationId);
  const workspace = await WorkspaceModel.findOne({ organizationId, _id: data.workspaceId });
  if (!workspace) throw new Error('the workspace no longer exists');
  const label = `${workspace.name} (${PLATFORM_NAMES[workspace.platform]})`;
  const adapter = adapterFor(core, workspace.platform);
  const ref = workspaceRef(core, workspace);
  const runStart = new Date();
  const totals = { pages: 0, accounts: 0, people: 0, deactivated: 0, primaries: 0, gone: 0 };

  await WorkspaceModel.updateOne(
    { organizationId, _id: workspace._id },
    { $set: { lastDirectorySync: { at: runStart, status: 'running', pages: 0, people: 0 } } },
  );
  await eventLog.record(organizationId, {
    type: 'directory.sync',
    outcome: 'started',
    subject: label,
    message: `Directory sync of ${label} started`,
  });
  try {
    let cursor: string | undefined;
    const seenPeople = new Set<string>();
    do {
      const page = await adapter.listUsers(ref, cursor);
      // A page import is idempotent, so a page that met a busy embedded database is simply run again.
      const counts = await pRetry(() => importDirectoryPage(workspace, page.users, runStart), {
        retries: 4,
        minTimeout: 200,
        shouldRetry: ({ error }) => isDatabaseBusy(error),
      });
      totals.pages += 1;
      totals.accounts += counts.accounts;
      totals.deactivated += counts.deactivated;
      for (const id of counts.personIds) seenPeople.add(String(id));
      totals.primaries += await assignSinglePlatformPrimaries(organizationId, counts.personIds);
      core.events.emit('people.imported', { organizationId, personIds: counts.personIds });
      await WorkspaceModel.updateOne(
        { organizationId, _id: workspace._id },
        { $set: { 'lastDirectorySync.pages': totals.pages, 'lastDirectorySync.people': totals.accounts } },
      );
      await onProgress(totals.pages, totals.accounts);
      cursor = page.nextCursor;
    } while (cursor);
    totals.people = seenPeople.size;

    // Accounts this run did not list have left the platform.
    const gone = await PlatformAccountModel.updateMany(
      { organizationId, workspaceId: workspace._id, deactivated: false, $or: [{ lastSeenAt: { $lt: runStart } }, { lastSeenAt: { $exists: false } }] },
      { $set: { deactivated: true } },
    );
    totals.gone = gone.modifiedCount;

    const message =
      `Directory sync of ${label} finished: ${totals.accounts} accounts on ${totals.pages} page(s), ` +
      `${totals.people} people matched by email, ${totals.deactivated + totals.gone} deactivated, ` +
      `${totals.primaries} given their only workspace as primary.`;
    await WorkspaceModel.updateOne(
      { organizationId, _id: workspace._id },
      { $set: { lastDirectorySync: { at: runStart, status: 'succeeded', pages: totals.pages, people: totals.accounts } } },
    );
    await eventLog.record(organizationId, { type: 'directory.sync', outcome: 'succeeded', subject: label, message, data: totals });
    await notifyRequester(core, data.notify, message);
    return totals;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    await WorkspaceModel.updateOne(
      { organizationId, _id: workspace._id },
      { $set: { 'lastDirectorySync.status': 'failed', 'lastDirectorySync.error': reason } },
    );
    await eventLog.record(organizationId, {
      type: 'directory.sync',
      outcome: 'failed',
      subject: label,
      message: `Directory sync of ${label} failed after ${totals.pages} page(s): ${reason}`,
      data: { ...totals, reason },
    });
    await notifyRequester(
      core,
      data.notify,
      `Directory sync of ${label} failed after ${totals.pages} page(s): ${reason}\nRun \`/crosstalk directory sync ${workspace.name}\` to retry.`,
    );
    throw err;
  }
}

/** The per-workspace import job and the nightly job that queues one per workspace. */
export function directorySyncJobs(core: Core): JobDefinition<any>[] {
  const perWorkspace: JobDefinition<DirectorySyncData> = {
    name: DIRECTORY_SYNC_JOB,
    concurrency: 4,
    lockLifetimeMs: 10 * 60_000,
    handler: async (job) => {
      let lastNotice = Date.now();
      await runDirectorySync(core, job.attrs.data, async (pages, accounts) => {
        await job.touch(Math.min(99, pages));
        if (Date.now() - lastNotice >= PROGRESS_EVERY_MS) {
          lastNotice = Date.now();
          await notifyRequester(core, job.attrs.data.notify, `Directory sync still running: ${pages} page(s), ${accounts} accounts so far…`);
        }
      });
    },
  };
  const nightly: JobDefinition<Record<string, never>> = {
    name: DIRECTORY_SYNC_ALL_JOB,
    every: '0 3 * * *',
    handler: async () => {
      const workspaces = await WorkspaceModel.find({}).setOptions({ crossOrganization: true }).lean();
      for (const ws of workspaces) {
        await core.agenda.now(DIRECTORY_SYNC_JOB, { organizationId: String(ws.organizationId), workspaceId: String(ws._id) });
      }
    },
  };
  return [perWorkspace, nightly];
}
