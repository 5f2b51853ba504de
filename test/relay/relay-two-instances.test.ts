/**
 * Two service instances (two processes) on one database: the messages of one conversation, sent
 * alternately to each, reach the recipient in order, none lost and none doubled.
 *
 * The suite sends 150 (about 20 s on two cores); `RELAY_TWO_INSTANCES_MESSAGES=1000` runs the
 * issue's full 1,000, which takes minutes on the embedded FerretDB: every filtered read there scans
 * its whole collection, so each message costs more than the one before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageLinkModel } from '../../src/relay/message-link.model.js';
import { spawnService, startChildWorld, type ChildService, type ChildWorld } from './child-service.js';
import { eventually, hasPending, RelayHarness } from './harness.js';

const MESSAGES = Number(process.env.RELAY_TWO_INSTANCES_MESSAGES ?? 150);

let world: ChildWorld;
let instances: ChildService[] = [];
let h: RelayHarness;

beforeAll(async () => {
  world = await startChildWorld('relay-two');
  const first = await spawnService(await world.configFor());
  instances = [first, await spawnService(await world.configFor())];
  await world.attach(first.organizationId);
  h = await new RelayHarness({ service: { organizationId: first.organizationId, cipher: world.cipher }, sandbox: world.sandbox, url: first.url }).init();
}, 120_000);

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await world?.stop();
});

describe('two instances on one database', () => {
  it(`${MESSAGES} messages sent alternately to both arrive once each, in order`, async () => {
    const ann = await h.person('Ann', 'slack');
    const bob = await h.person('Bob', 'teams');
    const hello = h.token('hello');
    await h.dmVerb(bob, ann, hello);
    await h.arrives('slack', hello);

    const slack = world.sandbox.simulators.slack!;
    const teamId = h.ws('slack').externalId;
    const tag = h.token('seq');
    const started = Date.now();
    for (let i = 0; i < MESSAGES; i++) {
      const delivery = await slack.sendDirectMessage(instances[i % 2].url, { teamId, userId: ann.ids.slack!, text: `${tag} n${String(i).padStart(4, '0')}` });
      expect(delivery.status).toBe(200);
    }
    const sentMs = Date.now() - started;
    const numbers = await eventually(
      () => {
        const got = h.seen('teams', tag).map((m) => Number(/n(\d{4})/.exec(m.text)?.[1]));
        return got.length >= MESSAGES ? got : undefined;
      },
      `all ${MESSAGES} messages on Teams`,
      45_000,
    );
    const receivedMs = Date.now() - started;
    expect(numbers).toEqual(Array.from({ length: MESSAGES }, (_, i) => i));
    await eventually(async () => !(await hasPending(instances[0].organizationId)), 'the relay to settle');
    expect(h.seen('teams', tag)).toHaveLength(MESSAGES);
    const senders = new Set(
      (await MessageLinkModel.find({ organizationId: instances[0].organizationId, text: { $regex: tag } }, { sequence: 1 }).lean()).map((l) => l.sequence),
    );
    expect(senders.size).toBe(MESSAGES);
    console.info(`two instances: ${MESSAGES} messages sent in ${sentMs} ms, all received after ${receivedMs} ms`);
  }, 60_000 + MESSAGES * 600);
});
