/**
 * Contact bookkeeping under any timing: people added to and removed from a contact group by
 * racing commands, contact sync runs racing those edits and each other, and a delete racing the
 * runs. What people notice: every add and every removal is reported exactly once, a destination
 * sees each sync once with exactly the group's members, and deleting a sync withdraws exactly
 * what it pushed and nothing another sync pushed.
 */
import { pause, seededRandom } from '../helpers/seeded.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Types } from 'mongoose';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { ContactSyncModel, ContactSyncRunModel } from '../../src/contacts/contact.model.js';
import { PersonModel } from '../../src/directory/person.model.js';
import type { PersonDoc } from '../../src/directory/person.model.js';
import {
  addToGroup,
  createContactSync,
  deleteContactSync,
  findContactSync,
  ownGroups,
  removeFromGroup,
  runContactSync,
  syncedContactsOf,
} from '../../src/contacts/contact-sync.service.js';
import { importAll } from '../groups/helpers.js';

const ROUNDS = 5;
const PEOPLE = 8;
const DESTINATIONS = 3;

describe('contact bookkeeping under concurrency', () => {
  let env: SandboxService;
  let orgId: Types.ObjectId;
  let source: PersonDoc;
  const contacts: PersonDoc[] = [];
  const destinations: PersonDoc[] = [];

  const ids = (people: PersonDoc[]) => people.map((p) => String(p._id)).sort();
  async function membersOf(groupName: string): Promise<string[]> {
    const group = (await ownGroups(orgId, source._id)).find((g) => g.name === groupName);
    return (group?.memberPersonIds ?? []).map(String).sort();
  }
  async function seenBy(person: PersonDoc, syncName: string): Promise<string[][]> {
    return (await syncedContactsOf(orgId, person._id)).filter((s) => s.syncName === syncName).map((s) => s.contacts.map((c) => String(c._id)).sort());
  }

  beforeAll(async () => {
    env = await startSandboxService({ label: 'contact-concurrency', env: { CROSSTALK_ADMINS: 'ada@acme.example' } });
    orgId = env.service.organizationId;
    const s = env.sandbox.simulators.slack!.state;
    const team = [...s.workspaces.keys()][0];
    const emails = ['source@race.example'];
    s.addUser(team, { name: 'source', realName: 'Race Source', email: emails[0] });
    for (let i = 0; i < PEOPLE; i++) {
      emails.push(`contact${i}@race.example`);
      s.addUser(team, { name: `contact${i}`, realName: `Contact ${i}`, email: emails.at(-1) });
    }
    for (let i = 0; i < DESTINATIONS; i++) {
      emails.push(`dest${i}@race.example`);
      s.addUser(team, { name: `dest${i}`, realName: `Dest ${i}`, email: emails.at(-1) });
    }
    await importAll(env);
    const byEmail = new Map((await PersonModel.find({ organizationId: orgId, email: { $in: emails } })).map((p) => [p.email, p]));
    source = byEmail.get(emails[0])!;
    for (let i = 0; i < PEOPLE; i++) contacts.push(byEmail.get(`contact${i}@race.example`)!);
    for (let i = 0; i < DESTINATIONS; i++) destinations.push(byEmail.get(`dest${i}@race.example`)!);
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('racing adds to a new group and racing removals each report every person exactly once', async () => {
    const seed = Date.now() % 100_000;
    const next = seededRandom(seed);
    for (let round = 0; round < ROUNDS; round++) {
      const group = `Race ${round}`;
      const requests = Array.from({ length: 4 }, () => contacts.filter(() => next() < 0.5));
      const answers = await Promise.all(requests.map((people) => addToGroup(orgId, source, group, people)));
      const wanted = new Set(requests.flat().map((p) => String(p._id)));
      expect(await membersOf(group), `seed ${seed}, round ${round}`).toEqual([...wanted].sort());
      for (const person of contacts.filter((p) => wanted.has(String(p._id)))) {
        const addedBy = answers.filter((a) => a.added.includes(person.name)).length;
        expect(addedBy, `${person.name} reported added ${addedBy} times (seed ${seed}, round ${round})`).toBe(1);
      }

      const present = contacts.filter((p) => wanted.has(String(p._id)));
      const removals = await Promise.all([0, 1, 2].map(() => removeFromGroup(orgId, source, group, present)));
      for (const person of present) {
        expect(removals.filter((r) => r.removed.includes(person.name)).length, `${person.name} (seed ${seed}, round ${round})`).toBe(1);
      }
      expect(await membersOf(group)).toEqual([]);
    }
  });

  it('runs racing edits, each other and a delete: a destination sees each sync once with exactly its members, and a delete withdraws exactly its own', async () => {
    const seed = (Date.now() + 7) % 100_000;
    const next = seededRandom(seed);
    const to = destinations.map((d) => ({ kind: 'person' as const, ref: String(d._id) }));

    // A sync that is never deleted: whatever the racing deletes do, its deliveries stay whole.
    await addToGroup(orgId, source, 'Keeper', contacts.slice(0, 2));
    await createContactSync(orgId, { name: 'keeper', source, groupName: 'Keeper', destinations: to });
    await runContactSync(env.service.core, orgId, (await findContactSync(orgId, 'keeper'))._id);

    for (let round = 0; round < ROUNDS; round++) {
      const group = `Pushed ${round}`;
      const name = `pushed-${round}`;
      const where = `seed ${seed}, round ${round}`;
      await addToGroup(orgId, source, group, contacts.filter(() => next() < 0.5));
      const sync = await createContactSync(orgId, { name, source, groupName: group, destinations: to });
      const deleting = round % 2 === 1;

      const steps: Array<() => Promise<unknown>> = [];
      for (let i = 0; i < 3; i++) steps.push(() => runContactSync(env.service.core, orgId, sync._id).catch(() => undefined));
      for (let i = 0; i < 3; i++) {
        const person = contacts[Math.floor(next() * contacts.length)]!;
        steps.push(next() < 0.5 ? () => addToGroup(orgId, source, group, [person]) : () => removeFromGroup(orgId, source, group, [person]).catch(() => undefined));
      }
      if (deleting) steps.push(() => deleteContactSync(sync));
      await Promise.all(steps.map(async (step) => {
        await pause(Math.floor(next() * 40));
        await step();
      }));

      if (deleting) {
        expect(await ContactSyncModel.exists({ organizationId: orgId, _id: sync._id }), where).toBeNull();
        expect(await ContactSyncRunModel.countDocuments({ organizationId: orgId, contactSyncId: sync._id }), `runs left behind (${where})`).toBe(0);
        for (const d of destinations) expect(await seenBy(d, name), where).toEqual([]);
      } else {
        // Whatever interleaving happened, one more run delivers the group as it now is, once.
        await runContactSync(env.service.core, orgId, sync._id);
        const members = await membersOf(group);
        for (const d of destinations) expect(await seenBy(d, name), `${d.name} (${where})`).toEqual([members]);
        expect(await ContactSyncRunModel.countDocuments({ organizationId: orgId, contactSyncId: sync._id }), `superseded runs kept (${where})`).toBe(1);
      }
      for (const d of destinations) expect(await seenBy(d, 'keeper'), `keeper for ${d.name} (${where})`).toEqual([ids(contacts.slice(0, 2))]);
    }
  });
});
