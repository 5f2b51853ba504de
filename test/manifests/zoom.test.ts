import { describe, expect, it } from 'vitest';
import { COMMAND } from '../../manifests/source.js';
import { readJsonManifest, schemaErrors } from './formats.js';

const BASE = 'http://localhost:3000';

interface ZoomManifest {
  oauth_information: { usage: string; development_redirect_uri: string; production_redirect_uri: string; oauth_allow_list: string[]; scopes: Array<{ scope: string; optional: boolean }> };
  features: {
    products: string[];
    development_home_uri: string;
    production_home_uri: string;
    domain_allow_list: Array<{ domain: string }>;
    in_client_feature: { in_client_oauth: { enable: boolean }; zoom_app_api: { zoom_app_apis: string[] } };
    team_chat_subscription: {
      enable: boolean;
      slash_command: { command: string; command_hints: Array<{ usage_hint: string }>; development_message_url: string; production_message_url: string };
    };
    event_subscription: { enable: boolean; events: Array<{ event_types: string[]; development_webhook_url: string; production_webhook_url: string }> };
  };
}

async function manifest(): Promise<ZoomManifest> {
  const file = (await readJsonManifest('zoom/manifest.json')) as unknown as { manifest: ZoomManifest };
  return file.manifest;
}

describe('Zoom app manifest', () => {
  it("has the shape of Zoom's general app manifest", async () => {
    expect(await schemaErrors('zoom-manifest.schema.json', await manifest())).toEqual([]);
  });

  it('is a Team Chat chatbot whose slash command and events reach the contract webhook', async () => {
    const f = (await manifest()).features;
    expect(f.products).toEqual(['ZOOM_CHAT']);
    expect(f.team_chat_subscription.enable).toBe(true);
    expect(f.team_chat_subscription.slash_command.command).toBe('crosstalk');
    expect(f.team_chat_subscription.slash_command.development_message_url).toBe(`${BASE}/zoom/webhook`);
    expect(f.team_chat_subscription.slash_command.production_message_url).toBe(`${BASE}/zoom/webhook`);
    expect(f.event_subscription.enable).toBe(true);
    for (const e of f.event_subscription.events) {
      expect(e.development_webhook_url).toBe(`${BASE}/zoom/webhook`);
      expect(e.production_webhook_url).toBe(`${BASE}/zoom/webhook`);
    }
  });

  it("hears a person's own DMs being posted, edited and deleted, for user sync", async () => {
    const types = (await manifest()).features.event_subscription.events.flatMap((e) => e.event_types);
    expect(types).toEqual(['team_chat.dm_message_posted', 'team_chat.dm_message_updated', 'team_chat.dm_message_deleted']);
  });

  it('shows a hint for every verb of the command language', async () => {
    const hints = (await manifest()).features.team_chat_subscription.slash_command.command_hints.map((h) => h.usage_hint);
    expect(hints).toEqual(COMMAND.verbs.map((v) => v.usage));
  });

  it('authorizes people through the OAuth callback and the in-client page', async () => {
    const m = await manifest();
    // Admin-managed: added once for the whole account, so the chatbot reaches everyone.
    expect(m.oauth_information.usage).toBe('ADMIN_MANAGEMENT');
    expect(m.oauth_information.development_redirect_uri).toBe(`${BASE}/oauth/zoom/callback`);
    expect(m.oauth_information.production_redirect_uri).toBe(`${BASE}/oauth/zoom/callback`);
    expect(m.oauth_information.oauth_allow_list).toEqual([`${BASE}/oauth/zoom/callback`, `${BASE}/zoom/app`]);
    expect(m.features.development_home_uri).toBe(`${BASE}/zoom/app`);
    expect(m.features.production_home_uri).toBe(`${BASE}/zoom/app`);
    expect(m.features.domain_allow_list.map((d) => d.domain)).toEqual(['localhost']);
    expect(m.features.in_client_feature.in_client_oauth.enable).toBe(true);
    expect(m.features.in_client_feature.zoom_app_api.zoom_app_apis).toEqual(['authorize', 'onAuthorized']);
  });

  it('asks for the chatbot scope and the scopes to post, edit and delete as the person', async () => {
    const scopes = (await manifest()).oauth_information.scopes;
    expect(scopes.every((s) => !s.optional)).toBe(true);
    expect(scopes.map((s) => s.scope)).toEqual(
      expect.arrayContaining(['imchat:bot', 'team_chat:write:user_message', 'team_chat:update:user_message', 'team_chat:delete:user_message']),
    );
  });
});
