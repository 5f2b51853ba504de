/**
 * The directory cache across instances: two service processes on one database, each serving
 * routing from memory. A person whose primary team changes through instance B gets the next DM
 * routed by instance A on the new primary within 2 s (A learns it from the change signal).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonModel } from '../../src/directory/person.model.js';
import { spawnService, startChildWorld, type ChildService, type ChildWorld } from './child-service.js';
import { eventually, RelayHarness } from './harness.js';

let world: ChildWorld;
let a: ChildService;
let b: ChildService;
let h: RelayHarness;

beforeAll(async () => {
  world = await startChildWorld('relay-cache');
  a = await spawnService(await world.configFor());
  b = await spawnService(await world.configFor());
  await world.attach(a.organizationId);
  h = await new RelayHarness({ service: { organizationId: a.organizationId, cipher: world.cipher }, sandbox: world.sandbox, url: a.url }).init();
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await world?.stop();
});

describe('directory cache across instances', () => {
  it('a primary changed through instance B is used by instance A for the next DM within 2 s', async () => {
    const slack = world.sandbox.simulators.slack!;
    const teamId = h.ws('slack').externalId;
    const ann = await h.person('Ann', 'slack');
    const bob = await h.person('Bob', 'teams', { accounts: ['webex'] });
    const ada = await h.person('Ada', 'slack');
    await PersonModel.updateOne({ organizationId: a.organizationId, _id: ada.personId }, { $set: { isAdmin: true } });

    // Bob writes to Ann; Ann's answers in her bot chat go back to him, routed by A from memory.
    const hello = h.token('hello');
    await h.dmVerb(bob, ann, hello);
    await h.arrives('slack', hello);
    const before = h.token('before');
    expect((await slack.sendDirectMessage(a.url, { teamId, userId: ann.ids.slack!, text: before })).status).toBe(200);
    await h.arrives('teams', before);

    const answer = await slack.sendSlashCommand(b.url, { teamId, userId: ada.ids.slack!, text: `primary ${bob.email} webex` });
    expect(answer.text).toContain('primary team is now');
    const changedAt = Date.now();

    // Ann keeps answering through A; each answer lands on one platform or the other.
    const sent: Array<{ text: string; at: number }> = [];
    await eventually(async () => {
      const text = h.token('after');
      sent.push({ text, at: Date.now() - changedAt });
      expect((await slack.sendDirectMessage(a.url, { teamId, userId: ann.ids.slack!, text })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      return sent[sent.length - 1].at > 3000;
    }, 'three seconds of answers', 20_000);
    const landed = await eventually(
      () => {
        const where = sent.map((s) => ({ ...s, on: h.seen('webex', s.text).length ? 'webex' : h.seen('teams', s.text).length ? 'teams' : undefined }));
        return where.every((w) => w.on) ? where : undefined;
      },
      'every answer delivered',
      20_000,
    );
    const late = landed.filter((w) => w.at > 2000);
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((w) => w.on !== 'webex')).toEqual([]);
    expect(landed.filter((w) => w.on === 'webex').length).toBeGreaterThan(0);
  });
});
