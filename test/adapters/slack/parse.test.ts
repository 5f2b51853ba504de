import { describe, expect, it } from 'vitest';
import { parseBlockActions, parseEventEnvelope, parseSlashCommand } from '../../../adapters/slack/parse.js';
import { verifySlackRequest } from '../../../adapters/slack/verify.js';
import * as fx from '../../fixtures/slack/events.js';

const ctx = { botUserId: 'UBOT', botId: 'BBOT' };

describe('Slack payloads → neutral events (documented examples)', () => {
  it('message.im is a direct message keyed by event_id', () => {
    expect(parseEventEnvelope(fx.messageIm, ctx)).toEqual({
      platform: 'slack',
      kind: 'message',
      workspaceId: 'T123ABC456',
      eventId: 'Ev0PV52K21',
      userId: 'U2147483697',
      conversationId: 'D024BE91L',
      messageId: '1355517523.000005',
      text: 'Hello hello can you hear me?',
      isDirect: true,
    });
  });

  it('message_changed is an edit of the original ts', () => {
    expect(parseEventEnvelope(fx.messageChanged, ctx)).toMatchObject({
      kind: 'message_edited',
      messageId: '1355517523.000005',
      text: 'Hello, world!',
      userId: 'U123ABC456',
    });
  });

  it('message_deleted names the deleted ts', () => {
    expect(parseEventEnvelope(fx.messageDeleted, ctx)).toMatchObject({ kind: 'message_deleted', messageId: '1358878749.000002' });
  });

  it('app_home_opened, team_join and user_change', () => {
    expect(parseEventEnvelope(fx.appHomeOpened, ctx)).toMatchObject({ kind: 'app_installed', userId: 'U123ABC456', conversationId: 'D123ABC456' });
    expect(parseEventEnvelope(fx.teamJoin, ctx)).toMatchObject({ kind: 'member_joined', userId: 'W012A3CDE' });
    expect(parseEventEnvelope(fx.userChange, ctx)).toMatchObject({
      kind: 'user_changed',
      user: { userId: 'W012A3CDE', email: 'spengler@ghostbusters.example.com', name: 'Egon Spengler', deactivated: true },
    });
  });

  it('drops the bot’s own messages', () => {
    const own = { ...fx.messageIm, event: { ...fx.messageIm.event, user: 'UBOT', bot_id: 'BBOT' } };
    expect(parseEventEnvelope(own, ctx)).toBeUndefined();
  });

  it('slash command and block_actions', () => {
    const form = Object.fromEntries(new URLSearchParams(fx.slashCommandBody));
    expect(parseSlashCommand(form)).toMatchObject({ kind: 'command', workspaceId: 'T0001', userId: 'U2147483697', text: '94070' });
    expect(parseBlockActions(fx.blockActions)).toMatchObject({
      kind: 'action',
      workspaceId: 'T9TK3CUKW',
      userId: 'UA8RXUSPL',
      actionId: 'WaXA',
      value: 'click_me_123',
      messageId: '1548261231.000200',
      conversationId: 'CBR2V3XEX',
    });
  });

  it('verifies the docs’ known-answer signature and refuses a future timestamp Bolt would accept', () => {
    const rawBody =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const input = {
      signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
      rawBody,
      timestamp: '1531420618',
      signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    };
    expect(verifySlackRequest({ ...input, nowSeconds: 1531420618 + 10 })).toEqual({ ok: true });
    expect(verifySlackRequest({ ...input, nowSeconds: 1531420618 - 3600 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifySlackRequest({ ...input, rawBody: `${rawBody}x`, nowSeconds: 1531420618 })).toEqual({ ok: false, reason: 'bad_signature' });
  });
});
