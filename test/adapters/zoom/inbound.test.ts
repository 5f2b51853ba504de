/**
 * `POST /zoom/webhook` with events signed by the simulator: refusals, URL validation, and each
 * event kind arriving at the sink as the right neutral event (DMs, edits, deletes, commands,
 * buttons, installs), including Zoom's retries and the adapter's own messages coming back.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseZoomEvent } from '../../../adapters/zoom/parse.js';
import { urlValidationEvent, userJidOf, zoomSignature } from '../../../sandbox/simulators/zoom/server.js';
import * as fixtures from '../../fixtures/zoom/events.js';
import { startZoomHarness, type ZoomHarness } from './harness.js';

const accountId = 'acctInbound';
let h: ZoomHarness;

beforeAll(async () => {
  h = await startZoomHarness({
    accounts: [
      {
        accountId,
        name: 'Acme',
        users: [
          { id: 'AdaUserId01', email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' },
          { id: 'BobUserId02', email: 'bob@acme.test', firstName: 'Bob', lastName: 'Babbage' },
        ],
        channels: [{ id: 'c0ffee', name: 'general', members: [{ userId: 'AdaUserId01', role: 'owner' }] }],
      },
    ],
  });
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => {
  h.sink.events.length = 0;
  h.sink.fail = false;
});

describe('Zoom webhook: refusals', () => {
  it('refuses a forged signature with 401 and tells the core nothing', async () => {
    const res = await h.zoom.deliver(h.baseUrl, urlValidationEvent(), accountId, { signatureOverride: `v0=${'0'.repeat(64)}` });
    expect(res.status).toBe(401);
    const dm = await h.zoom.deliver(
      h.baseUrl,
      { ...fixtures.dmMessagePosted, payload: { ...fixtures.dmMessagePosted.payload, account_id: accountId } },
      accountId,
      { signatureOverride: zoomSignature('some-other-secret', String(Math.floor(Date.now() / 1000)), '{}') },
    );
    expect(dm.status).toBe(401);
    expect(h.sink.events).toEqual([]);
  });

  it('refuses a stale request, a replay of it, and one from the future', async () => {
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const stale = await h.zoom.deliver(h.baseUrl, { ...fixtures.botNotification, payload: { ...fixtures.botNotification.payload, accountId } }, accountId, {
      timestampSeconds: tenMinutesAgo,
    });
    expect(stale.status).toBe(401);
    const replay = await h.zoom.redeliver(stale.delivery, { sameHeaders: true });
    expect(replay.status).toBe(401);
    const future = await h.zoom.deliver(h.baseUrl, fixtures.botNotification, accountId, { timestampSeconds: Math.floor(Date.now() / 1000) + 600 });
    expect(future.status).toBe(401);
    expect(h.sink.events).toEqual([]);
  });

  it('refuses a body changed after signing', async () => {
    const ok = await h.zoom.sendCommand(h.baseUrl, { accountId, userId: 'AdaUserId01', cmd: 'help' });
    expect(ok.status).toBe(200);
    h.sink.events.length = 0;
    const tampered = await fetch(ok.delivery.url, {
      method: 'POST',
      headers: ok.delivery.headers,
      body: ok.delivery.body.replace('"help"', '"reset bob@acme.test"'),
    });
    expect(tampered.status).toBe(401);
    expect(h.sink.events).toEqual([]);
  });
});

describe('Zoom webhook: events', () => {
  it('answers endpoint.url_validation with the HMAC of the plain token', async () => {
    const res = await h.zoom.validateEndpoint(h.baseUrl, accountId);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      plainToken: res.plainToken,
      encryptedToken: createHmac('sha256', h.zoom.app.webhookSecretToken).update(res.plainToken).digest('hex'),
    });
  });

  it('turns a DM, its edit and its deletion into message events in one conversation', async () => {
    const posted = await h.zoom.postDirectMessage(h.baseUrl, {
      accountId,
      fromUserId: 'AdaUserId01',
      toUserId: 'BobUserId02',
      text: 'ship it today',
      richText: [{ start_position: 0, end_position: 6, format_type: 'Bold' }],
    });
    expect(posted.status).toBe(200);
    await h.zoom.editDirectMessage(h.baseUrl, { messageId: posted.messageId, text: 'ship it tomorrow' });
    await h.zoom.deleteDirectMessage(h.baseUrl, { messageId: posted.messageId });
    const [message, edited, deleted] = h.sink.events;
    expect(message).toMatchObject({
      kind: 'message',
      platform: 'zoom',
      workspaceId: accountId,
      userId: 'AdaUserId01',
      conversationId: 'BobUserId02',
      messageId: posted.messageId,
      text: '**ship it** today',
      isDirect: true,
    });
    expect(edited).toMatchObject({ kind: 'message_edited', messageId: posted.messageId, text: 'ship it tomorrow', conversationId: 'BobUserId02' });
    expect(deleted).toMatchObject({ kind: 'message_deleted', messageId: posted.messageId, userId: 'AdaUserId01' });
  });

  it('gives a retried delivery the same event id', async () => {
    const first = await h.zoom.postDirectMessage(h.baseUrl, { accountId, fromUserId: 'BobUserId02', toUserId: 'AdaUserId01', text: 'hello' });
    const retry = await h.zoom.redeliver(first.delivery, { accountId });
    expect(retry.status).toBe(200);
    expect(h.sink.events).toHaveLength(2);
    expect(h.sink.events[1]!.eventId).toBe(h.sink.events[0]!.eventId);
  });

  it('hands a slash command to the core and shows its reply in the bot chat', async () => {
    const res = await h.zoom.sendCommand(h.baseUrl, { accountId, userId: 'AdaUserId01', cmd: 'status' });
    expect(res.status).toBe(200);
    expect(h.sink.events).toEqual([
      expect.objectContaining({ kind: 'command', text: 'status', userId: 'AdaUserId01', workspaceId: accountId, conversationId: userJidOf('AdaUserId01') }),
    ]);
    const reply = await h.zoom.sim.waitForCall(
      (c) => c.path === '/v2/im/chat/messages' && c.status === 201 && JSON.stringify(c.body).includes('*status* received'),
    );
    expect(reply.body).toMatchObject({
      account_id: accountId,
      robot_jid: h.zoom.app.botJid,
      is_markdown_support: true,
      content: { body: [{ type: 'message', text: '*status* received' }] },
    });
  });

  it('shows a command reply in a channel to the caller only', async () => {
    await h.zoom.sendCommand(h.baseUrl, { accountId, userId: 'AdaUserId01', cmd: 'group list', channelId: 'c0ffee' });
    expect(h.sink.events[0]).toMatchObject({ kind: 'command', text: 'group list', conversationId: 'c0ffee@conference.xmpp.zoom.us' });
    const reply = await h.zoom.sim.waitForCall((c) => c.path === '/v2/im/chat/messages' && JSON.stringify(c.body).includes('*group list* received'));
    expect(reply.body).toMatchObject({ visible_to_user: 'AdaUserId01' });
  });

  it('turns a button click on a bot message into an action event', async () => {
    const ref = await h.adapter.send(
      { workspace: h.workspace, conversationId: await h.adapter.openDirect(h.workspace, 'BobUserId02') },
      { text: 'Reset **Bob**?', buttons: [{ label: 'Yes, reset', actionId: 'confirm_reset', value: 'bob@acme.test', style: 'danger' }] },
      { kind: 'bot' },
    );
    const res = await h.zoom.clickButton(h.baseUrl, { userId: 'BobUserId02', messageId: ref.messageId, text: 'Yes, reset' });
    expect(res.status).toBe(200);
    expect(h.sink.events).toEqual([
      expect.objectContaining({
        kind: 'action',
        actionId: 'confirm_reset',
        value: 'bob@acme.test',
        messageId: ref.messageId,
        userId: 'BobUserId02',
        conversationId: userJidOf('BobUserId02'),
      }),
    ]);
    await h.zoom.sim.waitForCall((c) => c.path === '/v2/im/chat/messages' && JSON.stringify(c.body).includes('You chose bob@acme.test'));
  });

  it('reports an install as app_installed', async () => {
    await h.zoom.installBot(h.baseUrl, { accountId, userId: 'AdaUserId01' });
    expect(h.sink.events).toEqual([expect.objectContaining({ kind: 'app_installed', workspaceId: accountId, userId: 'AdaUserId01' })]);
  });

  it('answers 500 when the core cannot record the event, so Zoom retries', async () => {
    h.sink.fail = true;
    const res = await h.zoom.sendCommand(h.baseUrl, { accountId, userId: 'AdaUserId01', cmd: 'help' });
    expect(res.status).toBe(500);
  });

  it('does not relay a DM it posted itself with a person’s token', async () => {
    h.zoom.eventSubscriptionUrl = h.baseUrl;
    try {
      const token = h.zoom.issueUserToken(accountId, 'AdaUserId01');
      const ref = await h.adapter.send({ workspace: h.workspace, conversationId: 'BobUserId02' }, { text: 'relayed from Slack' }, { kind: 'user', accessToken: token });
      await h.zoom.flushEvents();
      const echo = h.zoom.announced.at(-1)!;
      expect(JSON.parse(echo.delivery.body)).toMatchObject({ event: 'team_chat.dm_message_posted', payload: { object: { message_id: ref.messageId } } });
      expect(echo.status).toBe(200);
      expect(h.sink.events).toEqual([]);
    } finally {
      h.zoom.eventSubscriptionUrl = undefined;
    }
  });
});

describe('Zoom documented payloads', () => {
  it('parses each documented example into the neutral event', () => {
    expect(parseZoomEvent(fixtures.urlValidation)).toEqual({ kind: 'url_validation', plainToken: 'qgg8vlvZRS6UYooatFL8Aw' });
    expect(parseZoomEvent(fixtures.botNotification)).toMatchObject({
      kind: 'event',
      event: { kind: 'command', text: 'island', workspaceId: 'asgVcjZnWWRLWvv_GtyGuaxg', userId: 'KdYKjnimT4asKPd8KKdQt9FQ' },
      reply: { visibleToUser: 'KdYKjnimT4asKPd8KKdQt9FQ' },
    });
    expect(parseZoomEvent(fixtures.interactiveMessageActions)).toMatchObject({
      event: { kind: 'action', actionId: 'add', value: 'add', messageId: '20190618205516496_ynICmz8_aw1', conversationId: 'kdykjnimt4kpd8kkdqt9fq@example.com' },
    });
    expect(parseZoomEvent(fixtures.botInstalled)).toMatchObject({ event: { kind: 'app_installed', workspaceId: 'CDSCdcsdv' } });
    expect(parseZoomEvent(fixtures.dmMessagePosted)).toMatchObject({
      event: {
        kind: 'message',
        text: '**this is a t**est message.',
        userId: 'z8yCxjabcdEFGHfp8uQ',
        conversationId: 'Qc2q-ErlQRaTJAEtu_AV_A',
        threadId: 'AC619306-3DB6-4918-A11F-DB9489BB814E',
        eventId: 'team_chat.dm_message_posted:6dfgdfgdg444447b0egga',
      },
    });
    expect(parseZoomEvent(fixtures.dmMessageUpdated)).toMatchObject({ event: { kind: 'message_edited', messageId: '6dfgdfgdg444447b0egga' } });
    expect(parseZoomEvent(fixtures.dmMessageDeleted)).toMatchObject({ event: { kind: 'message_deleted', messageId: '6dfgdfgdg444447b0egga' } });
  });
});
