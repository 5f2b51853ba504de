import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureIndexes } from '../../src/db/connect.js';
import { EventModel } from '../../src/core/event.model.js';
import { InboundEventModel } from '../../src/core/inbound-event.model.js';
import { OrganizationModel } from '../../src/directory/organization.model.js';
import { PersonModel } from '../../src/directory/person.model.js';
import { PlatformAccountModel } from '../../src/directory/platform-account.model.js';
import { UnscopedQueryError } from '../../src/db/org-scope.js';
import { WorkspaceModel } from '../../src/directory/workspace.model.js';
import { freshDatabaseUri } from '../helpers/db.js';

describe('models on the embedded database', () => {
  beforeAll(async () => {
    await mongoose.connect(freshDatabaseUri('models'));
    await ensureIndexes();
  });
  afterAll(async () => {
    await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
  });

  it('stores and reads back an organization, a workspace, a person and their account', async () => {
    const org = await OrganizationModel.create({ name: 'Acme', domains: ['acme.test'] });
    const ws = await WorkspaceModel.create({ organizationId: org._id, platform: 'slack', externalId: 'T1', name: 'Acme Slack' });
    const person = await PersonModel.create({ organizationId: org._id, email: 'ada@acme.test', name: 'Ada', buildings: ['HQ'] });
    await PlatformAccountModel.create({
      organizationId: org._id,
      workspaceId: ws._id,
      platform: 'slack',
      externalUserId: 'U1',
      personId: person._id,
      email: 'ada@acme.test',
    });

    const found = await PersonModel.findOne({ organizationId: org._id, email: 'ada@acme.test' }).lean();
    expect(found).toMatchObject({ name: 'Ada', buildings: ['HQ'], syncState: 'off', memberType: 'unknown' });
    const accounts = await PlatformAccountModel.find({ organizationId: org._id, personId: person._id }).lean();
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ externalUserId: 'U1', secondary: { status: 'not_created' } });
  });

  it('refuses a second person with the same email in one organization (unique index)', async () => {
    const org = await OrganizationModel.create({ name: 'Unique Inc' });
    await PersonModel.create({ organizationId: org._id, email: 'grace@unique.test', name: 'Grace' });
    await expect(PersonModel.create({ organizationId: org._id, email: 'grace@unique.test', name: 'Grace Again' })).rejects.toMatchObject({
      code: 11000,
    });
    const other = await OrganizationModel.create({ name: 'Other Inc' });
    await expect(PersonModel.create({ organizationId: other._id, email: 'grace@unique.test', name: 'Grace' })).resolves.toBeTruthy();
  });

  it('refuses the same inbound event twice, which is how duplicate deliveries are recognized', async () => {
    const doc = { platform: 'slack' as const, eventId: 'Ev0PV52K21', workspaceExternalId: 'T1', kind: 'message', event: { text: 'hi' } };
    await InboundEventModel.create(doc);
    await expect(InboundEventModel.create(doc)).rejects.toMatchObject({ code: 11000 });
    expect(await InboundEventModel.countDocuments({ eventId: 'Ev0PV52K21' })).toBe(1);
  });

  it('refuses a query on organization data that names no organization', async () => {
    const org = await OrganizationModel.create({ name: 'Scoped' });
    await EventModel.create({ organizationId: org._id, type: 'test', outcome: 'info', message: 'hello' });
    await expect(EventModel.find({ type: 'test' })).rejects.toBeInstanceOf(UnscopedQueryError);
    expect(await EventModel.countDocuments({ organizationId: org._id, type: 'test' })).toBe(1);
    const ws = await WorkspaceModel.create({ organizationId: org._id, platform: 'webex', externalId: 'ORG-9', name: 'W' });
    const byPlatformId = await WorkspaceModel.findOne({ platform: 'webex', externalId: 'ORG-9' }).setOptions({ crossOrganization: true }).lean();
    expect(byPlatformId?._id.toString()).toBe(ws._id.toString());
  });

  it('keeps one workspace per platform id', async () => {
    const org = await OrganizationModel.create({ name: 'Dup WS' });
    await WorkspaceModel.create({ organizationId: org._id, platform: 'zoom', externalId: 'acct-1', name: 'Zoom' });
    await expect(WorkspaceModel.create({ organizationId: org._id, platform: 'zoom', externalId: 'acct-1', name: 'Zoom 2' })).rejects.toMatchObject({
      code: 11000,
    });
  });
});
