/**
 * A relayed copy whose send failed after the platform had already posted it (the answer timed out,
 * or the connection dropped once the platform had committed) is not posted a second time: the retry
 * looks for the copy first. Each case counts the messages in the recipient's conversation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLink } from '../../src/relay/index.js';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { RelayHarness } from './harness.js';

const ACTIVITIES = /^\/connector\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/;
/** Longer than the adapters' per-request timeout in tests (3 s): the caller gives up first. */
const HELD_ANSWER_MS = 4000;

let sandbox: SandboxService;
let h: RelayHarness;

beforeAll(async () => {
  sandbox = await startSandboxService({ label: 'relay-resend', env: { CROSSTALK_RELAY_RETRY_BASE_MS: '100' } });
  h = await new RelayHarness(sandbox).init();
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

/** The relay's record of the message sent with `text`: delivered, pointing at the copy the recipient sees. */
async function linkOf(text: string) {
  return findLink({ organizationId: sandbox.service.organizationId, text });
}

describe('resend after a send that may have been posted', () => {
  it('Slack (bot): the connection drops after Slack posted the copy; Bob sees it once', async () => {
    const ann = await h.person('Ann', 'webex');
    const bob = await h.person('Bob', 'slack');
    const slack = sandbox.sandbox.simulators.slack!.sim;
    slack.inject({ method: 'POST', path: '/api/chat.postMessage', fault: { kind: 'lose-answer' } });
    const text = h.token('slack-dropped');
    await h.dmVerb(ann, bob, text);
    await h.settled();
    expect(slack.callsTo('/api/chat.postMessage').filter((c) => c.fault === 'lose-answer')).toHaveLength(1);
    const seen = h.seen('slack', text);
    expect(seen).toHaveLength(1);
    const link = await linkOf(text);
    expect(link?.status).toBe('delivered');
    expect(link?.copy?.messageId).toBe(seen[0]!.messageId);
  });

  it('Slack: a connection dropped before Slack saw the call is sent again, once', async () => {
    const ann = await h.person('Ann', 'webex');
    const bob = await h.person('Bob', 'slack');
    const slack = sandbox.sandbox.simulators.slack!.sim;
    slack.inject({ method: 'POST', path: '/api/chat.postMessage', fault: { kind: 'drop' } });
    const text = h.token('slack-unsent');
    await h.dmVerb(ann, bob, text);
    await h.settled();
    expect(slack.callsTo('/api/chat.postMessage').filter((c) => c.fault === 'drop')).toHaveLength(1);
    expect(h.seen('slack', text)).toHaveLength(1);
  });

  it('Slack: a send that succeeds never reads the conversation back', async () => {
    const ann = await h.person('Ann', 'webex');
    const bob = await h.person('Bob', 'slack');
    const slack = sandbox.sandbox.simulators.slack!.sim;
    const before = slack.callsTo(/^\/api\/conversations\.(history|replies)$/).length;
    const text = h.token('slack-plain');
    await h.dmVerb(ann, bob, text);
    await h.settled();
    expect(h.seen('slack', text)).toHaveLength(1);
    expect(slack.callsTo(/^\/api\/conversations\.(history|replies)$/)).toHaveLength(before);
  });

  it('Webex (bot): the answer times out after Webex posted the copy; Bob sees it once', async () => {
    const ann = await h.person('Ann', 'slack');
    const bob = await h.person('Bob', 'webex');
    const webex = sandbox.sandbox.simulators.webex!.server;
    webex.inject({ method: 'POST', path: '/v1/messages', fault: { kind: 'lose-answer', ms: HELD_ANSWER_MS } });
    const text = h.token('webex-timeout');
    await h.dmVerb(ann, bob, text);
    await h.settled();
    expect(webex.callsTo('/v1/messages', 'POST').filter((c) => c.fault === 'lose-answer')).toHaveLength(1);
    const seen = h.seen('webex', text);
    expect(seen).toHaveLength(1);
    expect((await linkOf(text))?.copy?.messageId).toBe(seen[0]!.messageId);
  });

  it('Webex (as the sender): the connection drops after Webex posted the copy; Bob sees it once', async () => {
    const ann = await h.person('Ann', 'slack', { tokens: ['webex'] });
    const bob = await h.person('Bob', 'webex');
    const webex = sandbox.sandbox.simulators.webex!.server;
    webex.inject({ method: 'POST', path: '/v1/messages', fault: { kind: 'lose-answer' } });
    const text = h.token('webex-user-dropped');
    await h.dmVerb(ann, bob, text);
    await h.settled();
    const seen = h.seen('webex', text);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.by).toBe('user');
  });

  it('Zoom (as the sender): the connection drops after Zoom posted the copy; Bob sees it once', async () => {
    const ann = await h.person('Ann', 'slack', { tokens: ['zoom'] });
    const bob = await h.person('Bob', 'zoom');
    const zoom = sandbox.sandbox.simulators.zoom!.sim;
    zoom.inject({ method: 'POST', path: '/v2/chat/users/me/messages', fault: { kind: 'lose-answer' } });
    const text = h.token('zoom-dropped');
    await h.dmVerb(ann, bob, text);
    await h.settled();
    expect(zoom.callsTo('/v2/chat/users/me/messages', 'POST').filter((c) => c.fault === 'lose-answer')).toHaveLength(1);
    const seen = h.seen('zoom', text);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.by).toBe('user');
    expect((await linkOf(text))?.copy?.messageId).toBe(seen[0]!.messageId);
  });

  it('Teams (bot): bot messages cannot be read back, so a copy whose answer was lost is posted again', async () => {
    const ann = await h.person('Ann', 'slack');
    const bob = await h.person('Bob', 'teams');
    const teams = sandbox.sandbox.simulators.teams!.sim;
    teams.inject({ method: 'POST', path: ACTIVITIES, fault: { kind: 'lose-answer' } });
    const text = h.token('teams-dropped');
    await h.dmVerb(ann, bob, text);
    await h.settled();
    // The documented limit (README, "What each platform supports"): Bob sees the message twice.
    expect(h.seen('teams', text)).toHaveLength(2);
  });
});
