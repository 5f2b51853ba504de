import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Types } from 'mongoose';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { ContactSyncModel } from '../../src/contacts/contact.model.js';
import { PersonModel } from '../../src/directory/person.model.js';
import { syncedContactsOf } from '../../src/contacts/contact-sync.service.js';
import { lastRuns } from '../../src/contacts/contact-records.js';
import { eventually, importAll } from '../groups/helpers.js';
import { slackUser } from './helpers.js';

describe('contact groups and contact syncs through slash commands', () => {
  let env: SandboxService;
  let orgId: Types.ObjectId;
  let team: string;
  let accounting: string;
  const u = {} as Record<string, string>;
  const as = (name: string) => slackUser(env, team, u[name]);
  const slack = () => env.sandbox.simulators.slack!;

  async function lastRun(name: string) {
    const sync = await ContactSyncModel.findOne({ organizationId: orgId, name }, { _id: 1 }).lean();
    return sync ? (await lastRuns(orgId, [sync._id])).get(String(sync._id)) : undefined;
  }
  async function lastRunAt(name: string): Promise<number> {
    return (await lastRun(name))?.at.getTime() ?? 0;
  }
  async function runAndWait(name: string, command: () => Promise<unknown>) {
    const before = await lastRunAt(name);
    await command();
    await eventually(async () => (await lastRunAt(name)) > before, 10_000, `run of ${name}`);
  }
  const personId = async (email: string) => (await PersonModel.findOne({ organizationId: orgId, email }))!._id;

  beforeAll(async () => {
    env = await startSandboxService({ label: 'contact-sync', env: { CROSSTALK_ADMINS: 'ada@acme.example' } });
    orgId = env.service.organizationId;
    const s = slack().state;
    team = [...s.workspaces.keys()][0];
    const ws = s.workspace(team);
    u.ada = [...ws.users.values()].find((x) => x.name === 'ada')!.id;
    u.grace = [...ws.users.values()].find((x) => x.name === 'grace')!.id;
    for (const name of ['sam', 'cat', 'cole', 'cy', 'dana', 'erin', 'fay', 'ivy']) {
      u[name] = s.addUser(team, { name, realName: `${name[0].toUpperCase()}${name.slice(1)} Test`, email: `${name}@acme.example` }).id;
    }
    u.gil = s.addUser(team, { name: 'gil', realName: 'Gil Test', email: 'gil@acme.example', fields: { 'Office location': 'Test Accounting' } }).id;
    accounting = s.addChannel(team, { name: 'accounting', members: [ws.botUserId, u.erin, u.fay] }).id;
    env.sandbox.simulators.zoom!.addUser('zoomSimAccount01', { email: 'hal@partner.example', firstName: 'Hal', lastName: 'Partner' });
    await importAll(env);
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('lets anyone keep their own contact groups', async () => {
    expect((await as('sam').run('contacts group add "Sales Contacts" cat@acme.example cole@acme.example')).text).toContain('Added Cat Test, Cole Test to "Sales Contacts"');
    expect((await as('dana').run('contacts group add Friends grace@acme.example')).text).toContain('Added Grace Hopper');
    expect((await as('sam').run('contacts group list "Sales Contacts"')).text).toMatch(/Cat Test \(cat@acme\.example\)[\s\S]*Cole Test \(cole@acme\.example\)/);
    expect((await as('dana').run('contacts group remove Friends cat@acme.example')).text).toContain('Cat Test is not in your group "Friends"');
  });

  it('pushes a contact group to a person, a channel, an org unit and a domain, right after it is created', async () => {
    const admin = as('ada');
    await runAndWait('sales', async () => {
      const created = await admin.run(
        `contactsync create sales source=sam@acme.example group="sales contacts" to="dana@acme.example,group:slack:${accounting},ou:test accounting,domain:partner.example"`,
      );
      expect(created.text).toContain('Contact sync *sales* created');
      expect(created.text).toContain('and now');
    });
    for (const who of ['dana', 'erin', 'fay', 'gil']) {
      const text = (await as(who).run('contacts')).text;
      expect(text).toContain('*Sales Contacts* (synced by contact sync "sales" from Sam Test, 2; read-only)');
      expect(text).toContain('Cat Test (cat@acme.example)');
      expect(text).toContain('Cole Test (cole@acme.example)');
    }
    const hal = await syncedContactsOf(orgId, await personId('hal@partner.example'));
    expect(hal.map((s) => [s.syncName, s.contacts.map((c) => c.email)])).toEqual([['sales', ['cat@acme.example', 'cole@acme.example']]]);
    expect((await as('grace').run('contacts')).text).toContain('You have no contacts yet');
    // Dana's own group is untouched, and the source keeps only their own group.
    expect((await as('dana').run('contacts')).text).toMatch(/\*Friends\* \(yours, 1\)\n {0,3}• Grace Hopper/);
    expect((await as('sam').run('contacts')).text).not.toContain('synced by');
    const show = (await admin.run('contactsync show sales')).text;
    expect(show).toContain('Source: Sam Test (sam@acme.example) · group "Sales Contacts"');
    expect(show).toContain('2 contacts to 5 people');
  });

  it('refuses to edit or remove synced contacts, naming the sync that owns them', async () => {
    const dana = as('dana');
    expect((await dana.run('contacts group remove "Sales Contacts" cat@acme.example')).text).toContain(
      '"Sales Contacts" is kept in sync for you by the contact sync "sales" (from Sam Test); synced contacts cannot be changed',
    );
    expect((await dana.run('contacts group add "sales contacts" grace@acme.example')).text).toContain('by the contact sync "sales"');
    expect((await dana.run('contacts group remove Friends cat@acme.example')).text).toContain(
      'Cat Test is a synced contact from the contact sync "sales" (group "Sales Contacts"); synced contacts cannot be removed or edited',
    );
    expect((await dana.run('contacts')).text).toContain('Cat Test (cat@acme.example)');
  });

  it('with run=later nothing reaches destinations until the sync runs, and the daily run is registered in Agenda', async () => {
    const admin = as('ada');
    const created = await admin.run('contactsync create later-one source=sam@acme.example group="Sales Contacts" to=grace@acme.example run=later');
    expect(created.text).toContain('every day at 02:00 UTC; the first run is at that time');
    expect(await lastRunAt('later-one')).toBe(0);
    expect((await as('grace').run('contacts')).text).toContain('You have no contacts yet');
    await runAndWait('later-one', () => admin.run('contactsync run later-one'));
    expect((await as('grace').run('contacts')).text).toContain('synced by contact sync "later-one"');

    const jobs = await env.service.db.connection.db!.collection('agendaJobs').find({ name: 'contactsync.daily' }).toArray();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ data: { organizationId: String(orgId) }, repeatInterval: '0 2 * * *', repeatTimezone: 'UTC' });
    expect(jobs[0].nextRunAt.getUTCHours()).toBe(2);
  });

  it('keeps working after the source and a destination change their email', async () => {
    await PersonModel.updateOne({ organizationId: orgId, email: 'sam@acme.example' }, { $set: { email: 'samuel@acme.example' } });
    await PersonModel.updateOne({ organizationId: orgId, email: 'dana@acme.example' }, { $set: { email: 'dana.new@acme.example' } });
    expect((await as('sam').run('contacts group add "Sales Contacts" cy@acme.example')).text).toContain('Added Cy Test');
    await runAndWait('sales', () => as('ada').run('contactsync run sales'));
    expect((await as('dana').run('contacts')).text).toContain('Cy Test (cy@acme.example)');
    const show = (await as('ada').run('contactsync show sales')).text;
    expect(show).toContain('Source: Sam Test (samuel@acme.example)');
    expect(show).toContain('Dana Test (dana.new@acme.example)');
    expect(show).toContain('3 contacts to 5 people');
  });

  it('re-resolves a destination channel at every run: a joiner gets the contacts, a leaver loses them', async () => {
    const channel = slack().state.workspace(team).conversations.get(accounting)!;
    channel.members.delete(u.erin);
    channel.members.add(u.ivy);
    await runAndWait('sales', () => as('ada').run('contactsync run sales'));
    expect((await as('ivy').run('contacts')).text).toContain('synced by contact sync "sales"');
    expect((await as('erin').run('contacts')).text).toContain('You have no contacts yet');
    expect((await as('fay').run('contacts')).text).toContain('synced by contact sync "sales"');
    const run = (await lastRun('sales'))!;
    expect(run).toMatchObject({ destinations: 5, joined: 1, left: 1, status: 'succeeded' });
  });

  it('deletes a sync after a confirmation, and explains wrong commands', async () => {
    const admin = as('ada');
    expect((await admin.run('contactsync create x source=samuel@acme.example group=Nope to=grace@acme.example')).text).toContain('Sam Test has no contact group called "Nope"; their groups: "Sales Contacts"');
    expect((await admin.run('contactsync create x source=samuel@acme.example group="Sales Contacts" to=domain:not_a_domain')).text).toContain('is not an email domain');
    expect((await admin.run('contactsync create x source=samuel@acme.example group="Sales Contacts"')).text).toContain('to: name the destinations with to=');
    expect((await as('dana').run('contactsync list')).text).toContain('for Crosstalk admins only');
    expect((await admin.run('contactsync list')).text).toMatch(/\*later-one\*[\s\S]*\*sales\*/);
    expect(await admin.confirm('contactsync delete later-one')).toContain('withdrawn');
    expect((await as('grace').run('contacts')).text).toContain('You have no contacts yet');
  });
});
