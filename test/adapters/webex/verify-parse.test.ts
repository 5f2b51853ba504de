import { describe, expect, it } from 'vitest';
import { signWebexBody, verifyWebexSignature } from '../../../adapters/webex/verify.js';
import {
  parseAttachmentAction,
  parseMembershipCreated,
  parseMessageCreated,
  parseMessageDeleted,
  webhookEnvelopeSchema,
} from '../../../adapters/webex/parse.js';
import {
  attachmentActionDetails,
  attachmentActionsCreated,
  messageDetails,
  messagesCreated,
  messagesDeleted,
  membershipsCreated,
} from '../../fixtures/webex/webhooks.js';

const BOT = { id: 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib3Q', displayName: 'Crosstalk' };

describe('X-Spark-Signature', () => {
  const body = Buffer.from('{"id":"wh1","name":"n","resource":"messages","event":"created","data":{"id":"m1","roomId":"r1"}}');

  it('matches the known HMAC-SHA1 vector', () => {
    expect(signWebexBody('s3cret', body)).toBe('6ac55fb68cc4b18902b80587e0a6c454092dfed4');
    expect(verifyWebexSignature(body, '6ac55fb68cc4b18902b80587e0a6c454092dfed4', ['s3cret'])).toBe(true);
  });

  it('refuses a wrong secret, a changed body, a missing or malformed header', () => {
    const sig = signWebexBody('s3cret', body);
    expect(verifyWebexSignature(body, sig, ['other'])).toBe(false);
    expect(verifyWebexSignature(Buffer.from(body.toString().replace('m1', 'm2')), sig, ['s3cret'])).toBe(false);
    expect(verifyWebexSignature(body, undefined, ['s3cret'])).toBe(false);
    expect(verifyWebexSignature(body, 'zz', ['s3cret'])).toBe(false);
    expect(verifyWebexSignature(body, sig, [undefined])).toBe(false);
  });

  it('accepts any of several secrets (per-workspace bots)', () => {
    expect(verifyWebexSignature(body, signWebexBody('b', body), ['a', 'b'])).toBe(true);
  });
});

describe('documented payloads → neutral events', () => {
  it('messages created + message details → a group message with neutral text and files', () => {
    const env = webhookEnvelopeSchema.parse(messagesCreated);
    const event = parseMessageCreated(env, messageDetails, BOT);
    expect(event).toMatchObject({
      kind: 'message',
      platform: 'webex',
      workspaceId: messagesCreated.orgId,
      eventId: `messages.created:${messageDetails.id}`,
      userId: messageDetails.personId,
      conversationId: messageDetails.roomId,
      isDirect: false,
      threadId: messageDetails.parentId,
      text: '**PROJECT UPDATE** A new project plan has been published [here](http://example.com/s/lf5vj). The PM for this project is mike@example.com and the Engineering Manager is jane@example.com.',
      files: [{ name: 'media.png', url: 'http://www.example.com/images/media.png' }],
    });
  });

  it('the bot’s own message is not an event', () => {
    const env = webhookEnvelopeSchema.parse(messagesCreated);
    expect(parseMessageCreated(env, { ...messageDetails, personId: BOT.id }, BOT)).toBeUndefined();
  });

  it('messages deleted → message_deleted from the envelope alone', () => {
    const event = parseMessageDeleted(webhookEnvelopeSchema.parse(messagesDeleted), BOT);
    expect(event).toMatchObject({ kind: 'message_deleted', messageId: messagesDeleted.data.id, eventId: `messages.deleted:${messagesDeleted.data.id}` });
  });

  it('attachmentActions created + details → action (inputs carry actionId/value on our cards)', () => {
    const env = webhookEnvelopeSchema.parse(attachmentActionsCreated);
    const event = parseAttachmentAction(env, { ...attachmentActionDetails, inputs: { ...attachmentActionDetails.inputs, actionId: 'sync.now', value: 'p1' } });
    expect(event).toMatchObject({
      kind: 'action',
      actionId: 'sync.now',
      value: 'p1',
      userId: attachmentActionDetails.personId,
      conversationId: attachmentActionDetails.roomId,
      messageId: attachmentActionDetails.messageId,
      eventId: `attachmentActions.created:${attachmentActionDetails.id}`,
    });
  });

  it('memberships created → member_joined, or app_installed when the bot itself was added', () => {
    const env = webhookEnvelopeSchema.parse(membershipsCreated);
    expect(parseMembershipCreated(env, BOT)).toMatchObject({ kind: 'member_joined', userId: membershipsCreated.data.personId });
    const botAdded = webhookEnvelopeSchema.parse({ ...membershipsCreated, data: { ...membershipsCreated.data, personId: BOT.id } });
    expect(parseMembershipCreated(botAdded, BOT)).toMatchObject({ kind: 'app_installed', userId: membershipsCreated.actorId });
  });
});
