import { createHmac } from 'node:crypto';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundPolicy, HttpStatusError, parseRetryAfter } from '../../src/outbound.js';
import { createWebexSimulator, type WebexSimulator } from '../../sandbox/simulators/webex/server.js';
import { decodeWebexId } from '../../sandbox/simulators/webex/ids.js';
import type Framework from 'webex-node-bot-framework';

// The Webex SDK reads its API base from the environment once, when the module loads.
let sim: WebexSimulator;
let framework: Framework;
let receiver: Server;
let receiverUrl = '';
const received: Array<{ headers: Record<string, unknown>; raw: string }> = [];

beforeAll(async () => {
  sim = await createWebexSimulator().start();
  process.env.HYDRA_SERVICE_URL = sim.apiUrl;
  process.env.U2C_SERVICE_URL = `${sim.server.url}/u2c/api/v1`;
  process.env.WEBEX_LOG_LEVEL = 'silent';

  const app = express();
  app.post('/webex/webhook', express.raw({ type: '*/*' }), (req, res) => {
    received.push({ headers: req.headers, raw: (req.body as Buffer).toString('utf8') });
    res.status(200).send('OK');
  });
  await new Promise<void>((resolve) => {
    receiver = app.listen(0, '127.0.0.1', () => resolve());
  });
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webex/webhook`;

  const { default: FrameworkClass } = await import('webex-node-bot-framework');
  framework = new FrameworkClass({
    token: sim.defaultOrg.botToken,
    webhookUrl: receiverUrl,
    webhookSecret: sim.webhookSecret,
    removeWebhooksOnStart: false,
    maxStartupSpaces: 0,
  });
  await framework.start();
  await sim.server.waitForCall((c) => c.method === 'POST' && c.path === '/v1/webhooks' && (c.body as Record<string, unknown>).resource === 'attachmentActions');
});

afterAll(async () => {
  await framework?.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await sim.close();
});

describe('webex simulator driven by webex-node-bot-framework', () => {
  it('answers the SDK start-up: identity, service catalog and webhook registration, all recorded', async () => {
    expect(framework.email).toBe('crosstalk@webex.bot');
    expect(framework.isBotAccount).toBe(true);
    const me = sim.server.callsTo('/v1/people/me', 'GET')[0];
    expect(me.headers.authorization).toBe(`Bearer ${sim.defaultOrg.botToken}`);
    // The SDK asks the (local) service catalog for its services instead of u2c.wbx2.com.
    await sim.server.waitForCall((c) => c.path === '/u2c/api/v1/limited/catalog');
    const hooks = sim.server.callsTo('/v1/webhooks', 'POST').map((c) => c.body as Record<string, string>);
    expect(hooks.map((h) => `${h.resource}/${h.event}`)).toEqual(['all/all', 'attachmentActions/created']);
    expect(hooks[0].targetUrl).toBe(receiverUrl);
    expect(decodeWebexId(framework.person.id)?.type).toBe('PEOPLE');
  });

  it('refuses a wrong token with Webex’s own error body', async () => {
    const res = await fetch(`${sim.apiUrl}/people/me`, { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { message: string; errors: unknown[]; trackingId: string };
    expect(body.message).toBe('The request requires a valid access token set in the Authorization request header.');
    expect(body.errors).toHaveLength(1);
    expect(body.trackingId).toMatch(/^ROUTER_/);
  });

  it('delivers a signed notification to the registered webhook with its id and name', async () => {
    const ada = sim.addPerson({ email: 'ada@acme.example', displayName: 'Ada Lovelace' });
    const result = await sim.sendDirectMessage({ from: ada.id, text: 'hello bot' });
    expect(result.deliveries).toHaveLength(1);
    const got = received.at(-1)!;
    const body = JSON.parse(got.raw) as Record<string, unknown>;
    const hook = framework.webhook as { id: string; name: string };
    expect(body.name).toBe(hook.name);
    expect(body.id).toBe(hook.id);
    expect(got.headers['x-spark-signature']).toBe(createHmac('sha1', sim.webhookSecret).update(got.raw).digest('hex'));
    // Compact JSON, so the framework's re-serialized check agrees with the raw-byte check.
    expect(JSON.stringify(body)).toBe(got.raw);

    const message = await framework.getWebexSDK().messages.get((body.data as { id: string }).id);
    expect(message.text).toBe('hello bot');
    expect(message.roomType).toBe('direct');
  });

  it('an injected 429 with Retry-After is retried after about that long (SDK call under OutboundPolicy)', async () => {
    const webex = framework.getWebexSDK();
    const room = sim.directRoom(sim.defaultOrg.bot.id, sim.addPerson({ email: 'bo@acme.example', displayName: 'Bo' }).id);
    sim.server.inject({ method: 'POST', path: '/v1/messages', fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const policy = new OutboundPolicy('webex', { minBackoffMs: 10, maxBackoffMs: 50 });
    const started = Date.now();
    const sent = await policy.run('test', 'messages.create', async () => {
      try {
        return await webex.messages.create({ roomId: room.id, markdown: 'after the limit' });
      } catch (err) {
        const e = err as { statusCode?: number; headers?: Record<string, string> };
        if (e.statusCode) throw new HttpStatusError(e.statusCode, '', parseRetryAfter(e.headers?.['retry-after']));
        throw err;
      }
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    const posts = sim.server.callsTo('/v1/messages', 'POST');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(sim.messagesIn(room.id).map((m) => m.text)).toEqual(['after the limit']);
    expect(sent.id).toBe(sim.messagesIn(room.id)[0].id);
  });
});
