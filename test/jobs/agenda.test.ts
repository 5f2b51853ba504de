import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { ensureIndexes } from '../../src/db/connect.js';
import { createAgenda, defineJobs } from '../../src/jobs/runner.js';
import { eventLogPruneJob } from '../../src/core/event-log-prune.job.js';
import { createLogger } from '../../src/log.js';
import { EventModel } from '../../src/core/event.model.js';
import { OrganizationModel } from '../../src/directory/organization.model.js';
import { freshDatabaseUri } from '../helpers/db.js';

describe('Agenda on the embedded database', () => {
  let agenda: Agenda;
  beforeAll(async () => {
    await mongoose.connect(freshDatabaseUri('agenda'));
    await ensureIndexes();
    agenda = createAgenda({ db: mongoose.connection.db!, log: createLogger('silent'), processEvery: 100 });
    defineJobs(agenda, [eventLogPruneJob], createLogger('silent'));
    await agenda.start();
  });
  afterAll(async () => {
    await agenda.stop(false);
    await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
  });

  it('runs the event-log prune job to completion: old entries go, recent ones stay', async () => {
    const org = await OrganizationModel.create({ name: 'Jobs Inc' });
    const old = new Date(Date.now() - 400 * 86_400_000);
    await EventModel.create([
      { organizationId: org._id, type: 'directory.sync', outcome: 'succeeded', message: 'old run', at: old },
      { organizationId: org._id, type: 'directory.sync', outcome: 'succeeded', message: 'recent run' },
    ]);

    const completed = new Promise<{ failReason?: string }>((resolve) =>
      agenda.once(`complete:${eventLogPruneJob.name}`, (job) => resolve(job.attrs as { failReason?: string })),
    );
    await agenda.now(eventLogPruneJob.name, {});
    const attrs = await completed;

    expect(attrs.failReason).toBeUndefined();
    const left = await EventModel.find({ organizationId: org._id }).lean();
    expect(left.map((e) => e.message)).toEqual(['recent run']);
    const stored = await mongoose.connection.db!.collection('agendaJobs').findOne({ name: eventLogPruneJob.name });
    expect(stored?.lastFinishedAt).toBeInstanceOf(Date);
  });
});
