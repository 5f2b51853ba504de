/**
 * The connector token path a real deployment takes: MSAL (botbuilder's token client) asks an
 * https login authority for a client-credentials token. The simulated Microsoft login is served
 * over https with a certificate made for this test, trusted by the service process through
 * NODE_EXTRA_CA_CERTS (Node reads it only at start-up, hence a child process), and the service's
 * Teams configuration is a production one (not the sandbox's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../../src/config.js';
import type { RecordedCall } from '../../../sandbox/simulators/sim-core.js';
import type { TeamsSimulator } from '../../../sandbox/simulators/teams/server.js';
import { spawnService, startChildWorld, type ChildService, type ChildWorld } from '../../relay/child-service.js';
import { selfSignedCertificate } from '../../helpers/self-signed.js';

let world: ChildWorld;
let service: ChildService | undefined;
let teams: TeamsSimulator;
let httpsBase: string;

beforeAll(async () => {
  world = await startChildWorld('teams-msal');
  teams = world.sandbox.simulators.teams!;
  const tls = selfSignedCertificate();
  httpsBase = await teams.listenHttps(tls);
  const base = await world.configFor();
  const config: AppConfig = { ...base, teams: { ...base.teams, configured: true, sandbox: false, loginUrl: `${httpsBase}/login` } };
  service = await spawnService(config, { NODE_EXTRA_CA_CERTS: tls.certPath });
  await world.attach(service.organizationId);
}, 90_000);

afterAll(async () => {
  await service?.stop();
  await world?.stop();
});

describe('Teams outbound auth through MSAL against an https authority', () => {
  it('answers a message in the bot chat with a connector token MSAL obtained over https', async () => {
    const tenant = [...teams.tenants.values()][0]!;
    const user = [...tenant.users.values()][0]!;
    const sent = await teams.sendDirectMessage(service!.url, { tenantId: tenant.id, userId: user.mri, text: 'help' });
    expect(sent.status).toBe(200);

    const conversationId = String((sent.activity.conversation as { id: string }).id);
    const reply = await teams.sim.waitForCall(
      (c) => c.method === 'POST' && c.path.startsWith(`/connector/v3/conversations/${encodeURIComponent(conversationId)}/activities`) && c.status !== undefined,
      20_000,
    );
    // The connector accepted the bot's reply, so the bearer token was one the login endpoint issued.
    expect(reply.status).toBeLessThan(300);
    expect(JSON.stringify(reply.body)).toContain('Crosstalk commands');

    const httpsHost = new URL(httpsBase).host;
    const overHttps = (c: RecordedCall) => c.headers.host === httpsHost;
    // MSAL read the authority's metadata, then asked its token endpoint, both on the https listener.
    const metadata = teams.sim.callsTo('/login/botframework.com/v2.0/.well-known/openid-configuration', 'GET');
    expect(metadata.some(overHttps)).toBe(true);
    const tokenCalls = teams.sim.callsTo('/login/botframework.com/oauth2/v2.0/token', 'POST').filter(overHttps);
    expect(tokenCalls.length).toBeGreaterThanOrEqual(1);
    const token = tokenCalls[0]!;
    expect(token.status).toBe(200);
    const form = token.body as Record<string, string>;
    expect(form.grant_type).toBe('client_credentials');
    expect(form.scope).toContain('https://api.botframework.com/.default');
    // MSAL identifies itself on every request; the plain OAuth request of the sandbox does not.
    expect(token.query['x-client-SKU'] ?? form['x-client-SKU']).toBe('msal.js.node');
  });
});
