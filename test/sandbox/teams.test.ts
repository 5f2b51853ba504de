import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { ConnectorClient, TokenCredentials } from 'botframework-connector';
import { createTeamsSimulator, type TeamsSimulator } from '../../sandbox/simulators/teams/server.js';

let sim: TeamsSimulator;
let tenantId: string;
let megan: { id: string; mri: string };

async function connectorToken(): Promise<string> {
  const app = sim.defaultApp;
  const res = await fetch(`${sim.loginUrl}/botframework.com/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: app.password,
      scope: 'https://api.botframework.com/.default',
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

beforeAll(async () => {
  sim = await createTeamsSimulator();
  tenantId = [...sim.tenants.keys()][0]!;
  megan = sim.findUser('megan.bowen@contoso.com')!.user;
});

afterAll(async () => {
  await sim.close();
});

describe('Teams simulator driven by botframework-connector', () => {
  it('creates a 1:1 conversation and records the message the bot sent', async () => {
    const client = new ConnectorClient(new TokenCredentials(await connectorToken()), { baseUri: sim.serviceUrl });
    const conv = await client.conversations.createConversation({
      isGroup: false,
      bot: { id: `28:${sim.defaultApp.appId}`, name: 'Crosstalk' },
      members: [{ id: megan.mri, name: 'Megan Bowen' }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as never);
    expect(conv.id).toMatch(/^a:/);

    const sent = await client.conversations.sendToConversation(conv.id, {
      type: 'message',
      text: 'Hello <b>Megan</b>',
      from: { id: `28:${sim.defaultApp.appId}`, name: 'Crosstalk' },
    } as never);
    expect(sent.id).toBeTruthy();

    const call = await sim.sim.waitForCall((c) => c.method === 'POST' && c.path.endsWith('/activities') && c.status === 201);
    expect(call.headers.authorization).toMatch(/^Bearer /);
    expect((call.body as { text: string }).text).toBe('Hello <b>Megan</b>');
    expect(sim.botMessages(conv.id).map((m) => m.text)).toEqual(['Hello <b>Megan</b>']);
  });

  it('answers a call without a token the way the Bot Connector does', async () => {
    const res = await fetch(`${sim.serviceUrl}v3/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.' } });
  });

  it('retries an injected 429 after the Retry-After it announced', async () => {
    const client = new ConnectorClient(new TokenCredentials(await connectorToken()), { baseUri: sim.serviceUrl });
    const conv = sim.personalConversation(tenantId, megan.id);
    sim.sim.inject({ method: 'POST', path: /\/activities$/, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const before = sim.sim.callsTo(/\/activities$/, 'POST').length;
    const started = Date.now();
    const sent = await client.conversations.sendToConversation(conv.id, { type: 'message', text: 'after the wait' } as never);
    const elapsed = Date.now() - started;
    expect(sent.id).toBeTruthy();
    expect(elapsed).toBeGreaterThanOrEqual(950);
    const calls = sim.sim.callsTo(/\/activities$/, 'POST').slice(before);
    expect(calls.map((c) => c.status)).toEqual([429, 201]);
    expect(sim.botMessages(conv.id).at(-1)?.text).toBe('after the wait');
  });

  describe('inbound activities validated by botbuilder', () => {
    let server: Server;
    let base: string;
    const seen: string[] = [];

    beforeAll(async () => {
      const s = sim.sandboxSettings();
      const adapter = new CloudAdapter(
        new ConfigurationBotFrameworkAuthentication({
          MicrosoftAppId: s.appId,
          MicrosoftAppPassword: s.appPassword,
          MicrosoftAppType: 'MultiTenant',
          ToBotFromChannelOpenIdMetadataUrl: s.openIdMetadata,
          ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
          ToChannelFromBotLoginUrl: `${s.loginUrl}/botframework.com`,
          ToChannelFromBotOAuthScope: 'https://api.botframework.com',
          ToBotFromEmulatorOpenIdMetadataUrl: s.openIdMetadata,
          OAuthUrl: 'https://api.botframework.com',
          CallerId: 'urn:botframework:azure',
          ValidateAuthority: false,
        }),
      );
      const app = express();
      app.post('/api/messages', express.json(), (req, res) => {
        void adapter.process(req, res, async (ctx: TurnContext) => {
          seen.push(ctx.activity.text);
        });
      });
      server = app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('accepts a message signed with the published key', async () => {
      const res = await sim.sendDirectMessage(base, { tenantId, userId: megan.id, text: 'hello bot' });
      expect(res.status).toBe(200);
      expect(seen).toContain('hello bot');
    });

    // CloudAdapter.process answers 500 (not 401) to a bad signature: jsonwebtoken's error is not an
    // AuthenticationError. The Teams adapter authenticates first itself and answers 401.
    it('refuses forged, expired and missing tokens without running the bot', async () => {
      const forged = await sim.sendDirectMessage(base, { tenantId, userId: megan.id, text: 'forged', auth: 'forged' });
      const expired = await sim.sendDirectMessage(base, { tenantId, userId: megan.id, text: 'expired', auth: 'expired' });
      const none = await sim.sendDirectMessage(base, { tenantId, userId: megan.id, text: 'none', auth: 'none' });
      expect([forged.status, expired.status, none.status]).toEqual([500, 401, 401]);
      expect(seen).not.toContain('forged');
      expect(seen).not.toContain('expired');
      expect(seen).not.toContain('none');
    });
  });
});
