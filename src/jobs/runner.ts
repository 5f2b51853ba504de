/**
 * Agenda on the service's own database. Each feature declares its jobs as `JobDefinition`s (in
 * its `*.job.ts` / `*.jobs.ts` files); the composition root defines them all here before start.
 */
import { Agenda, type Job } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { Logger } from '../log.js';

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

/** Creates Agenda on `db`; `defineJobs` adds the jobs, `startAgenda` begins processing. */
export function createAgenda(options: { db: Db; log: Logger; name?: string; processEvery?: string | number }): Agenda {
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: options.db, collection: 'agendaJobs' }),
    name: options.name,
    processEvery: options.processEvery ?? '5 seconds',
    maxConcurrency: 20,
    defaultConcurrency: 5,
  });
  agenda.on('error', (err) => options.log.error({ err }, 'agenda error'));
  return agenda;
}

/** Defines each job on `agenda` (with its concurrency and lock lifetime), logging how each run ends. */
export function defineJobs(agenda: Agenda, jobs: JobDefinition<any>[], log: Logger): void {
  const ctx: JobContext = { log };
  for (const def of jobs) {
    agenda.define(
      def.name,
      async (job: Job<unknown>) => {
        const started = Date.now();
        try {
          await def.handler(job, ctx);
          log.info({ job: def.name, ms: Date.now() - started }, 'job finished');
        } catch (err) {
          log.error({ job: def.name, err }, 'job failed');
          throw err;
        }
      },
      { concurrency: def.concurrency, lockLifetime: def.lockLifetimeMs },
    );
  }
}

/** Starts processing and registers the recurring schedules. */
export async function startAgenda(agenda: Agenda, jobs: JobDefinition<any>[]): Promise<void> {
  await agenda.start();
  for (const def of jobs) {
    if (def.every) await agenda.every(def.every, def.name);
  }
}
