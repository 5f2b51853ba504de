/**
 * The relay's guarantees under failure, with faults injected into the simulated platforms:
 * rate limits, 5xx storms, slow answers, duplicate deliveries, dead user tokens, and people who
 * are not synced. Every case checks what the people involved notice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventModel } from '../../src/core/event.model.js';
import { OrganizationModel } from '../../src/directory/organization.model.js';
import { PlatformAccountModel } from '../../src/directory/platform-account.model.js';
import { findLink } from '../../src/relay/index.js';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { eventually, RelayHarness } from './harness.js';

const ACTIVITIES = /^\/connector\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/;

let sandbox: SandboxService;
let h: RelayHarness;

beforeAll(async () => {
  sandbox = await startSandboxService({
    label: 'relay-faults',
    env: { CROSSTALK_RELAY_RETRY_BASE_MS: '100', CROSSTALK_RELAY_MAX_ATTEMPTS: '3' },
  });
  h = await new RelayHarness(sandbox).init();
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

/** Bot messages Slack shows `person` in their chat with the bot. */
function botSaidTo(person: { ids: { slack?: string } }, needle: string): boolean {
  const slack = sandbox.sandbox.simulators.slack!;
  return [...slack.state.workspaces.values()].some((ws) =>
    ws.messages.some((m) => m.botId && m.text.includes(needle) && ws.conversations.get(m.channel)?.members.has(person.ids.slack!)),
  );
}

describe('relay under faults', () => {
  it('a 429 with Retry-After is waited out and the message arrives once', async () => {
    const ann = await h.person('Ann', 'slack');
    const bob = await h.person('Bob', 'teams');
    const teams = sandbox.sandbox.simulators.teams!;
    teams.sim.inject({ method: 'POST', path: ACTIVITIES, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const text = h.token('limited');
    await h.dmVerb(ann, bob, text);
    await h.arrives('teams', text);
    const refused = teams.sim.callsTo(ACTIVITIES, 'POST').filter((c) => c.fault === 'status');
    expect(refused.length).toBe(1);
    await h.settled();
    expect(h.seen('teams', text)).toHaveLength(1);
  });

  it('a 5xx storm is outlasted by the retry job', async () => {
    const ann = await h.person('Ann', 'slack');
    const bob = await h.person('Bob', 'webex');
    const webex = sandbox.sandbox.simulators.webex!;
    // A 5xx may come after Webex posted the copy, so the adapter does not repeat a relayed post:
    // each failure costs the relay one attempt, and its retry looks for the copy before sending again.
    webex.server.inject({ method: 'POST', path: '/v1/messages', fault: { kind: 'status', status: 503 }, times: 2 });
    const text = h.token('storm');
    await h.dmVerb(ann, bob, text);
    await h.arrives('webex', text);
    await h.settled();
    const link = await findLink({ organizationId: sandbox.service.organizationId, text });
    expect(link?.status).toBe('delivered');
    expect(link?.attempts).toBe(2);
    expect(h.seen('webex', text)).toHaveLength(1);
    expect(botSaidTo(ann, 'could not be delivered')).toBe(false);
  });

  it('a storm that outlasts every attempt is reported to the sender and in the event log', async () => {
    const ann = await h.person('Ann', 'slack');
    const bob = await h.person('Bob', 'webex');
    const webex = sandbox.sandbox.simulators.webex!;
    webex.server.inject({ method: 'POST', path: '/v1/messages', fault: { kind: 'status', status: 500 }, times: 1000 });
    const text = h.token('lost');
    try {
      await h.dmVerb(ann, bob, text);
      await eventually(() => botSaidTo(ann, 'could not be delivered'), 'the failure notice', 15_000);
    } finally {
      webex.server.clearFaults();
    }
    const logged = await EventModel.findOne({ organizationId: sandbox.service.organizationId, type: 'relay.failed', subject: ann.email });
    expect(logged?.message).toContain(bob.name);
    expect(h.seen('webex', text)).toHaveLength(0);
  });

  it('slow answers past the timeout still deliver the message', async () => {
    const ann = await h.person('Ann', 'slack');
    const bob = await h.person('Bob', 'webex');
    const webex = sandbox.sandbox.simulators.webex!;
    webex.server.inject({ method: 'POST', path: '/v1/messages', fault: { kind: 'delay', ms: 3500 } });
    const text = h.token('slow');
    await h.dmVerb(ann, bob, text);
    await eventually(() => h.seen('webex', text).length > 0, 'the slow message', 15_000);
    await h.settled();
    const link = await findLink({ organizationId: sandbox.service.organizationId, text });
    expect(link?.status).toBe('delivered');
    // Webex took the call after the adapter gave up; the retry finds that copy instead of posting another.
    await eventually(() => webex.server.callsTo('/v1/messages', 'POST').some((c) => c.fault === 'delay' && c.response !== undefined), 'the slow call to be processed');
    expect(h.seen('webex', text)).toHaveLength(1);
  });

  it('the same event delivered three times is relayed once', async () => {
    const ann = await h.person('Ann', 'teams');
    const bob = await h.person('Bob', 'slack');
    const hello = h.token('hello');
    await h.dmVerb(ann, bob, hello);
    await h.arrives('slack', hello);
    const slack = sandbox.sandbox.simulators.slack!;
    const text = h.token('thrice');
    const first = await slack.sendDirectMessage(sandbox.url, { teamId: h.ws('slack').externalId, userId: bob.ids.slack!, text });
    await slack.redeliver(first, 1);
    await slack.redeliver(first, 2, 'http_error');
    await h.arrives('teams', text);
    await h.settled();
    expect(h.seen('teams', text)).toHaveLength(1);
  });

  it('a revoked user token falls back to the bot, marks the sync failed and asks the person to sync again', async () => {
    const ann = await h.person('Ann', 'slack', { tokens: ['teams'] });
    const bob = await h.person('Bob', 'teams');
    const teams = sandbox.sandbox.simulators.teams!;
    const account = await PlatformAccountModel.findOne({ organizationId: sandbox.service.organizationId, externalUserId: ann.ids.teams });
    teams.revokeToken(sandbox.service.cipher.decryptJson<{ accessToken: string }>(account!.userToken!).accessToken);
    const text = h.token('revoked');
    await h.dmVerb(ann, bob, text);
    const seen = await h.arrives('teams', text);
    expect(seen.by).toBe('bot');
    expect(seen.text).toContain(ann.name);
    const after = await PlatformAccountModel.findOne({ organizationId: sandbox.service.organizationId, _id: account!._id });
    expect(after?.secondary?.status).toBe('failed');
    await eventually(() => botSaidTo(ann, 'can no longer use one of your authorized accounts'), 'the re-sync prompt');
  });

  it('a recipient who is not synced gets no relay; the sender is told why and the recipient is prompted', async () => {
    await OrganizationModel.updateOne({ _id: sandbox.service.organizationId }, { $set: { 'settings.autoPrompt': true } });
    const ann = await h.person('Ann', 'slack');
    const cy = await h.person('Cy', 'teams', { syncState: 'off' });
    const slack = sandbox.sandbox.simulators.slack!;
    const text = h.token('unsynced');
    const answer = await slack.sendSlashCommand(sandbox.url, { teamId: h.ws('slack').externalId, userId: ann.ids.slack!, text: `dm ${cy.email} ${text}` });
    expect(answer.text).toContain(`${cy.name} has not synced Crosstalk yet`);
    await eventually(() => teamsBotSaid(cy.ids.teams!, 'tried to message you'), 'the auto-prompt');
    expect(h.seen('teams', text)).toHaveLength(0);
  });
});

function teamsBotSaid(userId: string, needle: string): boolean {
  const teams = sandbox.sandbox.simulators.teams!;
  return [...teams.conversations.values()].some(
    (c) => c.userId === userId && [...c.activities.values()].some((a) => a.from?.id?.startsWith('28:') && JSON.stringify(a.raw).includes(needle)),
  );
}
