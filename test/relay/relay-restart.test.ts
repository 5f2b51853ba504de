/**
 * A service process killed (SIGKILL) after it recorded a message and before it sent it: started
 * again on the same database, it delivers the message exactly once. The simulators run in this
 * process and survive the kill; the service runs in a child process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config.js';
import { findLink } from '../../src/relay/index.js';
import { spawnService, startChildWorld, type ChildService, type ChildWorld } from './child-service.js';
import { eventually, RelayHarness } from './harness.js';

/** A short lease, so the restarted process may take over the dead one's conversation quickly. */
const CHILD_ENV = { CROSSTALK_RELAY_LEASE_MS: '1500', CROSSTALK_RELAY_RETRY_BASE_MS: '200' };

let world: ChildWorld;
let config: AppConfig;
let service: ChildService | undefined;
let h: RelayHarness;

beforeAll(async () => {
  world = await startChildWorld('relay-restart');
  config = await world.configFor();
  service = await spawnService(config, CHILD_ENV);
  await world.attach(service.organizationId);
  h = await new RelayHarness({ service: { organizationId: service.organizationId, cipher: world.cipher }, sandbox: world.sandbox, url: service.url }).init();
}, 90_000);

afterAll(async () => {
  await service?.stop();
  await world?.stop();
});

describe('relay across a killed process', () => {
  it('a message recorded but not yet sent when the process is killed is delivered once after a restart', async () => {
    const ann = await h.person('Ann', 'teams');
    const bob = await h.person('Bob', 'slack');
    const slack = world.sandbox.simulators.slack!;
    // Opening Bob's bot chat hangs, so the first delivery is certainly stuck before its post.
    slack.sim.inject({ method: 'POST', path: '/api/conversations.open', fault: { kind: 'delay', ms: 20_000 }, times: 100 });
    const text = h.token('survivor');
    await h.dmVerb(ann, bob, text);
    await eventually(() => slack.sim.callsTo('/api/conversations.open', 'POST').some((c) => c.fault === 'delay'), 'the stuck send');
    const recorded = await findLink({ organizationId: service!.organizationId, text });
    expect(recorded?.status).toBe('pending');

    await service!.kill();
    slack.sim.clearFaults();
    expect(h.seen('slack', text)).toHaveLength(0);

    service = await spawnService(config, CHILD_ENV);
    // Measured from when the new process is ready: its start-up time depends on the machine, not on the relay.
    const started = Date.now();
    const seen = await h.arrives('slack', text, 'the message after the restart');
    expect(seen.by).toBe('bot');
    expect(seen.authorId).toContain(ann.name);
    await eventually(async () => (await findLink({ organizationId: service!.organizationId, text }))?.status === 'delivered', 'the delivered record');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(slack.sim.callsTo('/api/chat.postMessage', 'POST').filter((c) => JSON.stringify(c.body).includes(text))).toHaveLength(1);
    expect(h.seen('slack', text)).toHaveLength(1);
  });
});
