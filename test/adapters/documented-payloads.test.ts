/**
 * The platforms' own documented example payloads (test/fixtures, from CONTRACTS.md and the vendor
 * references) replayed through the real service, one per event type Crosstalk handles, each signed
 * the way the platform signs it. Only the ids (workspace, people, conversations), the command text
 * and timestamps are replaced, so the service meets the documented shape with ids it knows. Each
 * test asserts what a person or operator would notice: the reply, or the recorded event.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/chat-adapter.js';
import { InboundEventModel } from '../../src/core/inbound-event.model.js';
import { DEMO_PENDING, DEMO_SYNCED } from '../../sandbox/demo-org.js';
import type { SimMessage, SimPerson, SimRoom } from '../../sandbox/simulators/webex/server.js';
import { zoomEventHeaders } from '../../sandbox/simulators/zoom/inbound.js';
import { userJidOf } from '../../sandbox/simulators/zoom/server.js';
import * as slackDocs from '../fixtures/slack/events.js';
import * as teamsDocs from '../fixtures/teams/activities.js';
import * as webexDocs from '../fixtures/webex/webhooks.js';
import * as zoomDocs from '../fixtures/zoom/events.js';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { userIdOn, waitForPost, lastSeq, workspaceOf } from '../people/helpers.js';

const ALAN = DEMO_PENDING;
const { teams: MARGARET, webex: NIKLAUS, zoom: GUIDO } = DEMO_SYNCED;

let s: SandboxService;
beforeAll(async () => {
  s = await startSandboxService({ label: 'documented-payloads' });
});
afterAll(async () => {
  await s?.stop();
});

const clone = <T>(value: T): T => structuredClone(value);

/** The event recorded for `eventId` (recorded before the platform was answered, so already there). */
async function recorded(platform: Platform, eventId: string | RegExp) {
  return InboundEventModel.findOne({ platform, eventId }).lean();
}

// ---- Slack: HMAC-SHA256 over "v0:{timestamp}:{raw body}" with the signing secret --------------

async function postSlack(path: string, body: string, contentType: 'application/json' | 'application/x-www-form-urlencoded') {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', s.sandbox.config.slack.signingSecret!).update(`v0:${ts}:${body}`).digest('hex')}`;
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': signature },
    body,
  });
  return { status: res.status, text: await res.text() };
}

async function slackIds() {
  return { team: (await workspaceOf(s, 'slack')).externalId, user: await userIdOn(s, ALAN, 'slack') };
}

/** An Events API envelope from the docs, moved into the sandbox workspace and sent by Alan. */
function slackEnvelope<T extends { team_id: string; authorizations?: Array<{ team_id: string; user_id: string }>; event: Record<string, unknown> }>(
  doc: T,
  ids: { team: string; user: string },
): T {
  const e = clone(doc);
  e.team_id = ids.team;
  for (const a of e.authorizations ?? []) a.team_id = ids.team;
  if ('user' in e.event) e.event.user = ids.user;
  const inner = e.event.message as { user?: string } | undefined;
  if (inner?.user) inner.user = ids.user;
  return e;
}

describe('Slack documented payloads through the service', () => {
  it('url_verification: answers the challenge', async () => {
    const res = await postSlack('/slack/events', JSON.stringify(slackDocs.urlVerification), 'application/json');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: slackDocs.urlVerification.challenge });
  });

  it.each([
    ['message.im', slackDocs.messageIm, 'message'],
    ['message_changed', slackDocs.messageChanged, 'message_edited'],
    ['message_deleted', slackDocs.messageDeleted, 'message_deleted'],
    ['reaction_added', slackDocs.reactionAdded, 'reaction'],
  ] as const)('%s: recorded as a %s event', async (_name, doc, kind) => {
    const envelope = slackEnvelope(doc, await slackIds());
    const res = await postSlack('/slack/events', JSON.stringify(envelope), 'application/json');
    expect(res.status).toBe(200);
    expect(await recorded('slack', envelope.event_id)).toMatchObject({ kind });
  });

  it('slash command: the documented form, typed as /crosstalk help, is answered with the commands', async () => {
    const ids = await slackIds();
    const form = new URLSearchParams(slackDocs.slashCommandBody);
    form.set('team_id', ids.team);
    form.set('user_id', ids.user);
    form.set('command', '/crosstalk');
    form.set('text', 'help');
    form.set('response_url', `${s.sandbox.simulators.slack!.sim.url}/sim/response/documented-command`);
    const res = await postSlack('/slack/commands', form.toString(), 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).text).toContain('Crosstalk commands');
  });

  it('block_actions: a button press is recorded as an action', async () => {
    const ids = await slackIds();
    const payload = clone(slackDocs.blockActions);
    payload.team.id = ids.team;
    payload.user = { ...payload.user, id: ids.user, team_id: ids.team };
    payload.response_url = `${s.sandbox.simulators.slack!.sim.url}/sim/response/documented-action`;
    const res = await postSlack('/slack/interactions', new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    expect(await recorded('slack', `action:${payload.trigger_id}`)).toMatchObject({ kind: 'action' });
  });
});

// ---- Teams: activities signed with a JWT from the simulated channel service ----------------------

async function teamsActivity<T extends Record<string, unknown>>(doc: T, id: string): Promise<T & Record<string, unknown>> {
  const teams = s.sandbox.simulators.teams!;
  const tenantId = (await workspaceOf(s, 'teams')).externalId;
  const user = teams.findUser(await userIdOn(s, MARGARET, 'teams'), tenantId)!.user;
  const conversation = teams.personalConversation(tenantId, user.id);
  const a = clone(doc) as T & Record<string, unknown>;
  Object.assign(a, {
    id,
    serviceUrl: teams.serviceUrl,
    timestamp: new Date().toISOString(),
    from: { ...(a.from as object), id: user.mri, name: user.displayName, aadObjectId: user.id },
    conversation: { ...(a.conversation as object), conversationType: 'personal', tenantId, id: conversation.id },
    recipient: { id: conversation.botId, name: teams.defaultApp.botName },
    channelData: { ...(a.channelData as object), tenant: { id: tenantId } },
  });
  return a;
}

describe('Teams documented activities through the service', () => {
  it('message: help in the personal chat is answered with the commands', async () => {
    const before = lastSeq(s, 'teams');
    const activity = await teamsActivity({ ...teamsDocs.personalMessage, text: 'help' }, 'documented-message-1');
    const res = await s.sandbox.simulators.teams!.sendActivity(s.url, activity);
    expect(res.status).toBe(200);
    const reply = await waitForPost(s, 'teams', 'Crosstalk commands', before);
    expect(reply.path).toContain('/activities');
  });

  it('conversationUpdate: the app installed in a personal chat is recorded', async () => {
    const activity = await teamsActivity(teamsDocs.personalInstall, 'documented-install-1');
    const from = activity.from as { id: string; aadObjectId: string };
    activity.membersAdded = [{ id: String((activity.recipient as { id: string }).id) }, { id: from.id, aadObjectId: from.aadObjectId }];
    const res = await s.sandbox.simulators.teams!.sendActivity(s.url, activity);
    expect(res.status).toBe(200);
    expect(await recorded('teams', /documented-install-1/)).toBeTruthy();
  });

  it('invoke (adaptive card Action.Execute): answered with an invoke response and recorded as an action', async () => {
    const base = await teamsActivity(teamsDocs.cardSubmit, 'documented-invoke-1');
    const activity = {
      ...base,
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'confirm', data: teamsDocs.cardSubmit.value } },
    };
    const res = await s.sandbox.simulators.teams!.sendActivity(s.url, activity);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ statusCode: 200 });
    expect(await recorded('teams', /documented-invoke-1/)).toMatchObject({ kind: 'action' });
  });
});

// ---- Webex: X-Spark-Signature = hex HMAC-SHA1 of the raw body with the webhook secret -----------

async function postWebex(notification: unknown) {
  const body = JSON.stringify(notification);
  const signature = createHmac('sha1', s.sandbox.config.webex.webhookSecret!).update(body).digest('hex');
  const res = await fetch(`${s.url}/webex/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-spark-signature': signature },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** The simulator's store, written without a notification so the documented one is the only delivery. */
interface WebexStore {
  people: Map<string, SimPerson>;
  createMessage(sender: SimPerson, room: SimRoom, input: { text?: string; markdown?: string }): SimMessage;
}

describe('Webex documented webhooks through the service', () => {
  async function context() {
    const webex = s.sandbox.simulators.webex!;
    const person = (webex as unknown as WebexStore).people.get(await userIdOn(s, NIKLAUS, 'webex'))!;
    const room = webex.directRoom(person.id, webex.orgs.get(person.orgId)!.bot.id);
    return { webex, person, room, orgId: (await workspaceOf(s, 'webex')).externalId };
  }

  it('messages created: help in the 1:1 space is answered with the commands', async () => {
    const { webex, person, room, orgId } = await context();
    const message = (webex as unknown as WebexStore).createMessage(person, room, { text: '/crosstalk help' });
    const n = clone(webexDocs.messagesCreated);
    Object.assign(n, { orgId, createdBy: person.id, actorId: person.id, filter: `roomId=${room.id}` });
    n.data = { ...n.data, id: message.id, roomId: room.id, personId: person.id, personEmail: person.emails[0]!, created: new Date().toISOString() };
    const before = lastSeq(s, 'webex');
    expect((await postWebex(n)).status).toBe(200);
    const reply = await waitForPost(s, 'webex', 'Crosstalk commands', before);
    expect(JSON.stringify(reply.body)).toContain(room.id);
  });

  it('attachmentActions created: a card submit is fetched and recorded as an action', async () => {
    const { webex, person, room, orgId } = await context();
    const bot = webex.orgs.get(person.orgId)!.bot;
    const card = (webex as unknown as WebexStore).createMessage((webex as unknown as WebexStore).people.get(bot.id)!, room, { text: 'card' });
    const actionId = 'Y2lzY29zcGFyazovL3VzL0FUVEFDSE1FTlRfQUNUSU9OL2RvY3VtZW50ZWQtMQ';
    const created = new Date().toISOString();
    webex.attachmentActions.set(actionId, { id: actionId, type: 'submit', messageId: card.id, inputs: { actionId: 'confirm_reset', value: 'x' }, personId: person.id, roomId: room.id, created });
    const n = clone(webexDocs.attachmentActionsCreated);
    Object.assign(n, { orgId, actorId: person.id });
    n.data = { ...n.data, id: actionId, messageId: card.id, personId: person.id, roomId: room.id, created };
    expect((await postWebex(n)).status).toBe(200);
    expect(await recorded('webex', `attachmentActions.created:${actionId}`)).toMatchObject({ kind: 'action' });
  });

  it('memberships created: someone joining a space is recorded', async () => {
    const { person, room, orgId } = await context();
    const n = clone(webexDocs.membershipsCreated);
    Object.assign(n, { orgId, actorId: person.id });
    n.data = { ...n.data, roomId: room.id, personId: person.id, personEmail: person.emails[0]!, personOrgId: person.orgId, created: new Date().toISOString() };
    expect((await postWebex(n)).status).toBe(200);
    expect(await recorded('webex', `memberships.created:${n.data.id}`)).toMatchObject({ kind: 'member_joined' });
  });
});

// ---- Zoom: x-zm-signature = v0=HMAC-SHA256("v0:{ts}:{body}") with the webhook secret token ------

async function postZoom(envelope: unknown) {
  const body = JSON.stringify(envelope);
  const headers = zoomEventHeaders(s.sandbox.config.zoom.webhookSecretToken!, body, Math.floor(Date.now() / 1000));
  const res = await fetch(`${s.url}/zoom/webhook`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

async function zoomIds() {
  const accountId = (await workspaceOf(s, 'zoom')).externalId;
  const userId = await userIdOn(s, GUIDO, 'zoom');
  return { accountId, userId, userJid: userJidOf(userId), botJid: s.sandbox.config.zoom.botJid! };
}

describe('Zoom documented events through the service', () => {
  it('endpoint.url_validation: answers the plain token and its HMAC', async () => {
    const res = await postZoom(zoomDocs.urlValidation);
    expect(res.status).toBe(200);
    const plainToken = zoomDocs.urlValidation.payload.plainToken;
    const encryptedToken = createHmac('sha256', s.sandbox.config.zoom.webhookSecretToken!).update(plainToken).digest('hex');
    expect(JSON.parse(res.text)).toEqual({ plainToken, encryptedToken });
  });

  it('bot_notification: /crosstalk help is answered in the bot chat', async () => {
    const { accountId, userId, userJid, botJid } = await zoomIds();
    const e = clone(zoomDocs.botNotification);
    Object.assign(e.payload, { accountId, userId, userJid, robotJid: botJid, toJid: userJid, cmd: 'help', timestamp: Date.now() });
    const before = lastSeq(s, 'zoom');
    expect((await postZoom(e)).status).toBe(200);
    const reply = await waitForPost(s, 'zoom', 'Crosstalk commands', before);
    expect((reply.body as { to_jid: string }).to_jid).toBe(userJid);
  });

  it('interactive_message_actions: a button click is recorded as an action', async () => {
    const { accountId, userId, userJid, botJid } = await zoomIds();
    const e = clone(zoomDocs.interactiveMessageActions);
    const timestamp = Date.now();
    Object.assign(e.payload, { accountId, userId, userJid, robotJid: botJid, toJid: `${userJid}/robot_${botJid}`, timestamp });
    expect((await postZoom(e)).status).toBe(200);
    expect(await recorded('zoom', `interactive_message_actions:${e.payload.messageId}:${userId}:${timestamp}`)).toMatchObject({ kind: 'action' });
  });

  it.each([
    ['team_chat.dm_message_posted', zoomDocs.dmMessagePosted, 'message'],
    ['team_chat.dm_message_updated', zoomDocs.dmMessageUpdated, 'message_edited'],
    ['team_chat.dm_message_deleted', zoomDocs.dmMessageDeleted, 'message_deleted'],
  ] as const)('%s: recorded as a %s event', async (event, doc, kind) => {
    const { accountId, userId } = await zoomIds();
    const e = clone(doc);
    Object.assign(e.payload, { account_id: accountId, operator_id: userId });
    e.event_ts = Date.now();
    expect((await postZoom(e)).status).toBe(200);
    const message = await InboundEventModel.findOne({ platform: 'zoom', kind, eventId: new RegExp(`^${event.replace(/\./g, '\\.')}:${e.payload.object.message_id}`) }).lean();
    expect(message).toBeTruthy();
  });
});
