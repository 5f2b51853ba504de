import Bottleneck from 'bottleneck';
import { Types } from 'mongoose';
import type { Platform } from '../chat-adapter.js';
import type { Core } from '../core/core.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { notifyRequester, type NotifyTarget } from '../directory/notify.js';
import { promptPerson, reachableAccounts } from './prompts.js';
import { eventLog } from '../core/event-log.js';
import type { JobDefinition } from '../jobs/runner.js';

export const PROMPT_BULK_JOB = 'prompt.bulk';
const BATCH = 200;

/**
 * Messages per second the bot may send per platform when prompting in bulk: the platforms'
 * documented limits for a bot posting into many different 1:1 chats (Slack chat.postMessage
 * ~1/s per channel with bursts across channels; Teams ~50 RPS per bot per tenant, 7/s per
 * conversation; Webex ~300 requests/min; Zoom chatbot messages "Medium": 20/s).
 */
export const PROMPT_RATE_PER_SECOND: Record<Platform, number> = { slack: 20, teams: 40, webex: 5, zoom: 18 };

/** Job data: which people and who to tell. */
export interface PromptBulkData {
  organizationId: string;
  platform?: Platform;
  notify?: NotifyTarget;
  actorPersonId?: string;
}

/** Prompts everyone not yet synced, at most once each, within each platform's rate limit. */
export function promptBulkJob(core: Core): JobDefinition<PromptBulkData> {
  return {
    name: PROMPT_BULK_JOB,
    lockLifetimeMs: 30 * 60_000,
    handler: async (job) => {
      const data = job.attrs.data;
      const organizationId = new Types.ObjectId(data.organizationId);
      const limiters = new Map<string, Bottleneck>();
      const limiterFor = (platform: Platform) => {
        if (!limiters.has(platform)) {
          limiters.set(platform, new Bottleneck({ minTime: Math.ceil(1000 / PROMPT_RATE_PER_SECOND[platform]), maxConcurrent: 8 }));
        }
        return limiters.get(platform)!;
      };
      const prompted = new Set<string>();
      let sent = 0;
      const failures: string[] = [];
      let lastNotice = Date.now();
      const filter: Record<string, unknown> = { organizationId, syncState: { $ne: 'on' } };
      if (data.platform) {
        filter._id = { $in: await PlatformAccountModel.distinct('personId', { organizationId, platform: data.platform, deactivated: false }) };
      }
      const people = await PersonModel.find(filter).sort({ _id: 1 });
      const inFlight: Promise<void>[] = [];
      const actorPersonId = data.actorPersonId ? new Types.ObjectId(data.actorPersonId) : undefined;
      for (let i = 0; i < people.length; i += BATCH) {
        const batch = people.slice(i, i + BATCH).filter((p) => !prompted.has(String(p._id)));
        const reach = await reachableAccounts(batch, data.platform);
        for (const person of batch) {
          prompted.add(String(person._id));
          const where = reach.get(String(person._id));
          if (!where) {
            failures.push(`${person.name} has no active account the bot can reach`);
            continue;
          }
          inFlight.push(
            limiterFor(where.workspace.platform).schedule(async () => {
              try {
                await promptPerson(core, person, { reach: where, actorPersonId });
                sent += 1;
              } catch (err) {
                failures.push(`${person.name}: ${err instanceof Error ? err.message : String(err)}`);
              }
            }),
          );
        }
        await Promise.all(inFlight.splice(0));
        await job.touch();
        if (Date.now() - lastNotice > 10_000) {
          lastNotice = Date.now();
          await notifyRequester(core, data.notify, `Prompting… ${sent} of ${people.length} sent so far.`);
        }
      }
      await Promise.all(inFlight);
      const message = `Bulk prompt finished: ${sent} people prompted${data.platform ? ` on ${data.platform}` : ''}, ${failures.length} could not be reached.`;
      await eventLog.record(organizationId, {
        type: 'prompt.bulk',
        outcome: failures.length && !sent ? 'failed' : 'succeeded',
        message,
        data: { sent, failed: failures.slice(0, 50) },
      });
      await notifyRequester(core, data.notify, failures.length ? `${message}\n${failures.slice(0, 5).join('\n')}` : message);
    },
  };
}
