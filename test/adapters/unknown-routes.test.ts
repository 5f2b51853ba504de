/**
 * A call to an endpoint the real platform does not have fails here the way it would in
 * production: each simulator answers in its platform's own error shape, and the adapter turns
 * that answer into an `AdapterError` whose message carries the platform's reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, AdapterErrorCode, type ChatAdapter, type Platform, type WorkspaceRef } from '../../src/chat-adapter.js';
import { createLogger } from '../../src/log.js';
import { OutboundPolicy } from '../../src/outbound.js';
import { SlackApi } from '../../adapters/slack/api.js';
import { ZoomApi } from '../../adapters/zoom/api.js';
import { FAST_POLICY, startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { workspaceOf } from '../people/helpers.js';

let s: SandboxService;
beforeAll(async () => {
  s = await startSandboxService({ label: 'unknown-routes' });
});
afterAll(async () => {
  await s?.stop();
});

const adapterFor = (platform: Platform): ChatAdapter => s.service.adapters.find((a) => a.platform === platform)!;
const workspace = async (platform: Platform): Promise<WorkspaceRef> => ({ externalId: (await workspaceOf(s, platform)).externalId, credentials: {} });

/** The adapter error `call` rejects with (fails the test if it resolves or throws anything else). */
async function adapterError(call: Promise<unknown>): Promise<AdapterError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdapterError);
  return err as AdapterError;
}

describe('each simulator answers an unknown path in its platform’s error shape', () => {
  it('Slack: HTTP 200 {ok:false, error:"unknown_method"} for any /api/ name, GET or POST', async () => {
    const base = s.sandbox.simulators.slack!.sim.url;
    for (const method of ['GET', 'POST'] as const) {
      const res = await fetch(`${base}/api/conversations.promote`, { method });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: false, error: 'unknown_method', req_method: 'conversations.promote' });
    }
  });

  it('Graph: 400 {error:{code:"BadRequest", message:"Resource not found for the segment …"}}', async () => {
    const res = await fetch(`${s.sandbox.simulators.teams!.graphUrl}/teams/abc/owners`, { method: 'POST' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(body.error).toMatchObject({ code: 'BadRequest', message: "Resource not found for the segment 'owners'." });
    expect(body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('Bot Connector: 404 {error:{code, message}}', async () => {
    const res = await fetch(`${s.sandbox.simulators.teams!.serviceUrl}v3/conversations/a:1/pin`, { method: 'POST' });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('NotFound');
    expect(body.error.message).toContain('/v3/conversations/a:1/pin');
  });

  it('Webex: 404 {message, errors:[{description}], trackingId}', async () => {
    const res = await fetch(`${s.sandbox.simulators.webex!.apiUrl}/rooms/x/moderators`, {
      headers: { authorization: `Bearer ${s.sandbox.config.webex.botToken}` },
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { message: string; errors: Array<{ description: string }>; trackingId: string };
    expect(body.message).toBe('The requested resource could not be found.');
    expect(body.errors).toEqual([{ description: body.message }]);
    expect(body.trackingId).toBeTruthy();
  });

  it('Zoom: 404 {code, message}, including the channel-admin path Zoom does not have', async () => {
    const zoom = s.sandbox.simulators.zoom!;
    const res = await fetch(`${zoom.apiUrl}/chat/channels/abc/admins`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 404, message: 'No such API endpoint: POST /v2/chat/channels/abc/admins.' });
  });
});

describe('the adapters surface such an answer as a clear AdapterError', () => {
  it('Slack: an unknown Web API method is NotSupported, naming the method and Slack’s error', async () => {
    const api = new SlackApi({ apiUrl: s.sandbox.config.slack.apiUrl, retryConfig: { retries: 0 }, log: createLogger('silent') });
    const token = [...s.sandbox.simulators.slack!.state.workspaces.values()][0]!.botToken;
    const err = await adapterError(api.call('conversations.promote', () => api.client(token).apiCall('conversations.promote', { channel: 'C1' })));
    expect(err.code).toBe(AdapterErrorCode.NotSupported);
    expect(err.message).toBe('slack conversations.promote failed: unknown_method');
  });

  it('Teams: a Graph URL with an unknown segment is BadRequest with Graph’s reason', async () => {
    const graph = s.sandbox.simulators.teams!.graphUrl;
    const err = await adapterError(adapterFor('teams').listUsers(await workspace('teams'), `${graph}/usersx?$top=5`));
    expect(err.code).toBe(AdapterErrorCode.BadRequest);
    expect(err.message).toBe("teams list users failed: HTTP 400 (Resource not found for the segment 'usersx'.)");
  });

  it('Webex: an unknown REST path is NotFound with Webex’s message', async () => {
    const apiUrl = s.sandbox.simulators.webex!.apiUrl;
    const webex = adapterFor('webex') as ChatAdapter & { listMembers(ws: WorkspaceRef, conversationId: string, cursor?: string): Promise<unknown> };
    const err = await adapterError(webex.listMembers(await workspace('webex'), 'room', `${apiUrl}/membershipz?roomId=room`));
    expect(err.code).toBe(AdapterErrorCode.NotFound);
    expect(err.message).toBe('webex memberships.list failed: HTTP 404 (The requested resource could not be found.)');
  });

  it('Zoom: POST /chat/channels/{id}/admins is NotFound with Zoom’s message', async () => {
    const config = s.sandbox.config.zoom;
    const api = new ZoomApi({
      apiUrl: config.apiUrl,
      oauthUrl: config.oauthUrl,
      defaults: { clientId: config.clientId, clientSecret: config.clientSecret, botJid: config.botJid },
      s2s: config.s2s,
      policy: new OutboundPolicy('zoom', FAST_POLICY),
      log: createLogger('silent'),
    });
    const ws = await workspace('zoom');
    const { token } = await api.accountToken(ws);
    const err = await adapterError(api.request(ws.externalId, 'add channel admins', token, 'POST', '/chat/channels/abc/admins', { body: { admins: [] } }));
    expect(err.code).toBe(AdapterErrorCode.NotFound);
    expect(err.message).toBe('zoom add channel admins failed: HTTP 404 (No such API endpoint: POST /v2/chat/channels/abc/admins.)');
  });
});
