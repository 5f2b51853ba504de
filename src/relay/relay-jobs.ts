/**
 * The relay's jobs: `relay.deliver` retries one conversation's head-of-line message at its backoff
 * time; `relay.sweep` (every few seconds, and at start) delivers whatever is still pending, e.g.
 * after a process was killed between recording a message and sending it, and re-runs inbound
 * messages that were recorded but never handled.
 */
import type { JobDefinition } from '../jobs/runner.js';
import { RELAY_DELIVER_JOB, jobIds, type RelayDeliverData, type RelayEngine } from './delivery.js';

/** Sweeper job name. */
export const RELAY_SWEEP_JOB = 'relay.sweep';

/** Both relay jobs, closing over the service's delivery engine. */
export function relayJobDefinitions(engine: RelayEngine, replayUnhandled: () => Promise<number>): JobDefinition<any>[] {
  const deliver: JobDefinition<RelayDeliverData> = {
    name: RELAY_DELIVER_JOB,
    concurrency: 20,
    lockLifetimeMs: 5 * 60_000,
    handler: async (job) => {
      const { organizationId, conversationId } = jobIds(job.attrs.data);
      await engine.deliverConversation(organizationId, conversationId);
    },
  };
  const sweep: JobDefinition = {
    name: RELAY_SWEEP_JOB,
    every: '3 seconds',
    concurrency: 1,
    // Short: a process killed mid-sweep must not hold the sweeper's lock for long (deliveries are leased, so an overlap is harmless).
    lockLifetimeMs: 20_000,
    handler: async () => {
      await replayUnhandled();
      await engine.sweep();
    },
  };
  return [deliver, sweep];
}
