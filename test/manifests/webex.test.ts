import { describe, expect, it } from 'vitest';
import { USER_SCOPES } from '../../adapters/webex/oauth.js';
import { readJsonManifest, schemaErrors } from './formats.js';

const BASE = 'http://localhost:3000';

interface BotSettings {
  botUsername: string;
  webhooks: Array<{ resource: string; event: string; targetUrl: string }>;
  environment: Record<string, string>;
}
interface IntegrationSettings {
  redirectUris: string[];
  scopes: string[];
  environment: Record<string, string>;
}

describe('Webex bot and integration settings', () => {
  it.each(['webex/bot.json', 'webex/integration.json'])('%s has every field the Webex form requires', async (path) => {
    expect(await schemaErrors('webex-settings.schema.json', await readJsonManifest(path))).toEqual([]);
  });

  it('points the message, card and membership webhooks at the contract endpoint', async () => {
    const bot = (await readJsonManifest('webex/bot.json')) as unknown as BotSettings;
    expect(bot.webhooks.map((w) => `${w.resource}.${w.event}`)).toEqual(['messages.created', 'attachmentActions.created', 'memberships.created']);
    for (const w of bot.webhooks) expect(w.targetUrl).toBe(`${BASE}/webex/webhook`);
    expect(Object.keys(bot.environment)).toEqual(['WEBEX_BOT_TOKEN', 'WEBEX_WEBHOOK_SECRET']);
  });

  it('sends people back to the OAuth callback and registers every scope the adapter asks them for', async () => {
    const integration = (await readJsonManifest('webex/integration.json')) as unknown as IntegrationSettings;
    expect(integration.redirectUris).toEqual([`${BASE}/oauth/webex/callback`]);
    expect(integration.scopes).toEqual(expect.arrayContaining(USER_SCOPES));
    // Without spark:kms an integration cannot decrypt or encrypt message text.
    expect(integration.scopes).toContain('spark:kms');
    expect(Object.keys(integration.environment)).toEqual(['WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET']);
  });
});
