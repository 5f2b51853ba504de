/**
 * Every platform's inbound path through the real service and database: a forged request is refused
 * and leaves no trace; a platform retry or duplicate delivery is recorded exactly once; a command
 * typed on the platform is answered there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/chat-adapter.js';
import { InboundEventModel } from '../../src/core/inbound-event.model.js';
import { DEMO_PENDING, DEMO_SYNCED } from '../../sandbox/demo-org.js';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { lastSeq, userIdOn, waitForPost, workspaceOf } from '../people/helpers.js';

const ALAN = DEMO_PENDING;
const { teams: MARGARET, webex: NIKLAUS, zoom: GUIDO } = DEMO_SYNCED;

let s: SandboxService;
beforeAll(async () => {
  s = await startSandboxService({ label: 'inbound' });
});
afterAll(async () => {
  await s?.stop();
});

async function recorded(platform: Platform): Promise<number> {
  return InboundEventModel.countDocuments({ platform });
}

describe('forged inbound requests are refused before anything is recorded', () => {
  it('Slack: a wrong signing secret gets 401', async () => {
    const before = await recorded('slack');
    const teamId = (await workspaceOf(s, 'slack')).externalId;
    const delivery = await s.sandbox.simulators.slack!.sendDirectMessage(
      s.url,
      { teamId, userId: await userIdOn(s, ALAN, 'slack'), text: 'forged' },
      { signingSecret: 'not-the-secret' },
    );
    expect(delivery.status).toBe(401);
    expect(await recorded('slack')).toBe(before);
  });

  it('Teams: a token signed with another key gets 401', async () => {
    const before = await recorded('teams');
    const result = await s.sandbox.simulators.teams!.sendDirectMessage(s.url, {
      tenantId: (await workspaceOf(s, 'teams')).externalId,
      userId: await userIdOn(s, MARGARET, 'teams'),
      text: 'forged',
      auth: 'forged',
    });
    expect(result.status).toBe(401);
    expect(await recorded('teams')).toBe(before);
  });

  it('Webex: a signature made with a guessed secret gets 401', async () => {
    const before = await recorded('webex');
    const body = JSON.stringify({ id: 'x', name: 'x', resource: 'messages', event: 'created', data: { id: 'm', roomId: 'r', personId: 'p' } });
    const res = await fetch(`${s.url}/webex/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-spark-signature': 'a'.repeat(40) },
      body,
    });
    expect(res.status).toBe(401);
    expect(await recorded('webex')).toBe(before);
  });

  it('Zoom: a wrong signature and a stale timestamp get 401', async () => {
    const before = await recorded('zoom');
    const body = JSON.stringify({ event: 'bot_notification', payload: { cmd: 'help' }, event_ts: Date.now() });
    for (const ts of [String(Math.floor(Date.now() / 1000)), String(Math.floor(Date.now() / 1000) - 3600)]) {
      const res = await fetch(`${s.url}/zoom/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'x-zm-request-timestamp': ts, 'x-zm-signature': `v0=${'0'.repeat(64)}` },
        body,
      });
      expect(res.status).toBe(401);
    }
    expect(await recorded('zoom')).toBe(before);
  });
});

describe('retries and duplicate deliveries are recorded once', () => {
  it('Slack: the same event retried with X-Slack-Retry-Num', async () => {
    const slack = s.sandbox.simulators.slack!;
    const teamId = (await workspaceOf(s, 'slack')).externalId;
    const first = await slack.sendDirectMessage(s.url, { teamId, userId: await userIdOn(s, ALAN, 'slack'), text: 'status' });
    expect(first.status).toBe(200);
    const retry = await slack.redeliver(first, 1, 'http_timeout');
    expect(retry.status).toBe(200);
    expect(await InboundEventModel.countDocuments({ platform: 'slack', eventId: first.eventId })).toBe(1);
  });

  it('Teams: the same activity delivered twice', async () => {
    const teams = s.sandbox.simulators.teams!;
    const message = { tenantId: (await workspaceOf(s, 'teams')).externalId, userId: await userIdOn(s, MARGARET, 'teams'), text: 'status', id: 'dup-activity-1' };
    expect((await teams.sendDirectMessage(s.url, message)).status).toBe(200);
    expect((await teams.sendDirectMessage(s.url, message)).status).toBe(200);
    expect(await InboundEventModel.countDocuments({ platform: 'teams', eventId: /dup-activity-1/ })).toBe(1);
  });

  it('Webex: an identical notification delivered twice', async () => {
    const webex = s.sandbox.simulators.webex!;
    const before = await recorded('webex');
    const sent = await webex.sendDirectMessage({ from: await userIdOn(s, NIKLAUS, 'webex'), text: 'status' }, { duplicate: true });
    expect(sent.deliveries.map((d) => d.status)).toEqual([200, 200]);
    expect(await recorded('webex')).toBe(before + 1);
  });

  it('Zoom: the same event delivered again', async () => {
    const zoom = s.sandbox.simulators.zoom!;
    const before = await recorded('zoom');
    const accountId = (await workspaceOf(s, 'zoom')).externalId;
    const first = await zoom.sendCommand(s.url, { accountId, userId: await userIdOn(s, GUIDO, 'zoom'), cmd: 'status' });
    expect(first.status).toBe(200);
    expect((await zoom.redeliver(first.delivery, { accountId })).status).toBe(200);
    expect(await recorded('zoom')).toBe(before + 1);
  });
});

describe('a command typed on each platform is answered there', () => {
  it.each([
    ['teams', MARGARET],
    ['webex', NIKLAUS],
    ['zoom', GUIDO],
  ] as const)('%s: help in the bot chat lists the commands', async (platform, email) => {
    const before = lastSeq(s, platform);
    const userId = await userIdOn(s, email, platform);
    const sims = s.sandbox.simulators;
    if (platform === 'teams') {
      await sims.teams!.sendDirectMessage(s.url, { tenantId: (await workspaceOf(s, 'teams')).externalId, userId, text: 'help' });
    } else if (platform === 'webex') {
      await sims.webex!.sendDirectMessage({ from: userId, text: '/crosstalk help' });
    } else {
      await sims.zoom!.sendCommand(s.url, { accountId: (await workspaceOf(s, 'zoom')).externalId, userId, cmd: 'help' });
    }
    const reply = await waitForPost(s, platform, 'Crosstalk commands', before);
    expect(JSON.stringify(reply.body)).toContain('/crosstalk status');
    expect(JSON.stringify(reply.body)).not.toContain('/crosstalk people');
  });
});
