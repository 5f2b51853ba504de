/**
 * Agenda on the service's own database, with every job definition registered in one place.
 * Each job lives in its own `*.job.ts` file and exports a `JobDefinition`.
 */
import { Agenda, type Job } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { Logger } from '../log.js';
import type { Core } from '../core/core.js';
import { eventLogPruneJob } from '../core/event-log-prune.job.js';
import { directorySyncJobs } from '../people/directory-sync.job.js';
import { promptBulkJob } from '../people/prompt-bulk.job.js';
import { tokenHealthJob } from '../people/token-health.job.js';
import { relayJobs } from '../relay/index.js';
import { groupJobs } from '../groups/index.js';
import { contactJobs } from '../contacts/index.js';

/** What a job handler gets besides its Agenda job. */
export interface JobContext {
  log: Logger;
}

/** One job type: its name, handler, options and optional recurring schedule. */
export interface JobDefinition<DATA = unknown> {
  name: string;
  handler: (job: Job<DATA>, ctx: JobContext) => Promise<void>;
  concurrency?: number;
  lockLifetimeMs?: number;
  /** Registered with `agenda.every` at start (human interval or cron). */
  every?: string;
}

/** Every job Crosstalk runs; jobs that need the core close over it. */
export function allJobs(core: Core): JobDefinition<any>[] {
  return [eventLogPruneJob, ...directorySyncJobs(core), promptBulkJob(core), tokenHealthJob(core), ...relayJobs(core), ...groupJobs(core), ...contactJobs(core)];
}

/** Creates Agenda on `db` and defines every job; call `start()` to begin processing. */
export function createAgenda(options: {
  db: Db;
  log: Logger;
  name?: string;
  processEvery?: string | number;
  jobs: JobDefinition<any>[];
}): Agenda {
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: options.db, collection: 'agendaJobs' }),
    name: options.name,
    processEvery: options.processEvery ?? '5 seconds',
    maxConcurrency: 20,
    defaultConcurrency: 5,
  });
  const ctx: JobContext = { log: options.log };
  for (const def of options.jobs) {
    agenda.define(
      def.name,
      async (job: Job<unknown>) => {
        const started = Date.now();
        try {
          await def.handler(job, ctx);
          options.log.info({ job: def.name, ms: Date.now() - started }, 'job finished');
        } catch (err) {
          options.log.error({ job: def.name, err }, 'job failed');
          throw err;
        }
      },
      { concurrency: def.concurrency, lockLifetime: def.lockLifetimeMs },
    );
  }
  agenda.on('error', (err) => options.log.error({ err }, 'agenda error'));
  return agenda;
}

/** Starts processing and registers the recurring schedules. */
export async function startAgenda(agenda: Agenda, jobs: JobDefinition<any>[]): Promise<void> {
  await agenda.start();
  for (const def of jobs) {
    if (def.every) await agenda.every(def.every, def.name);
  }
}
