import { describe, expect, it } from 'vitest';
import { BOT_SCOPES, USER_SCOPES } from '../../adapters/slack/oauth.js';
import { DEFAULT_OPTIONS, slackManifest } from '../../manifests/generate.js';
import { readSlackManifest } from './formats.js';

const BASE = 'http://localhost:3000';

/** Scopes Slack requires before it delivers each event (api.slack.com/events). */
const EVENT_SCOPES: Record<string, string[]> = {
  'message.im': ['im:history'],
  app_home_opened: [],
  team_join: ['users:read'],
  user_change: ['users:read'],
  reaction_added: ['reactions:read'],
  reaction_removed: ['reactions:read'],
};

interface SlackManifest {
  display_information: { name: string; long_description: string };
  features: { app_home: { messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean }; slash_commands: Array<{ command: string; url: string; usage_hint: string }> };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[]; user: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
  };
}

describe('Slack app manifest', () => {
  // The generator returns `@slack/web-api`'s `Manifest` type, so tsc checks every field name and
  // type; this checks the committed YAML is exactly that typed object.
  it("is the object typed as @slack/web-api's Manifest", async () => {
    expect(await readSlackManifest()).toEqual(JSON.parse(JSON.stringify(slackManifest(DEFAULT_OPTIONS))));
  });

  it('sends events, the slash command and button clicks to the contract endpoints over HTTP, not Socket Mode', async () => {
    const m = (await readSlackManifest()) as unknown as SlackManifest;
    expect(m.settings.event_subscriptions.request_url).toBe(`${BASE}/slack/events`);
    expect(m.features.slash_commands).toHaveLength(1);
    expect(m.features.slash_commands[0].command).toBe('/crosstalk');
    expect(m.features.slash_commands[0].url).toBe(`${BASE}/slack/commands`);
    expect(m.settings.interactivity).toEqual({ is_enabled: true, request_url: `${BASE}/slack/interactions` });
    expect(m.settings.socket_mode_enabled).toBe(false);
    expect(m.settings.org_deploy_enabled).toBe(false);
  });

  it('accepts both the workspace install and the personal authorization redirects', async () => {
    const m = (await readSlackManifest()) as unknown as SlackManifest;
    expect(m.oauth_config.redirect_urls).toEqual([`${BASE}/slack/oauth_redirect`, `${BASE}/oauth/slack/callback`]);
  });

  it('subscribes to the DM, home, directory and reaction events, each with the scope Slack requires for it', async () => {
    const m = (await readSlackManifest()) as unknown as SlackManifest;
    expect(m.settings.event_subscriptions.bot_events).toEqual(Object.keys(EVENT_SCOPES));
    for (const event of m.settings.event_subscriptions.bot_events) {
      for (const scope of EVENT_SCOPES[event]) expect(m.oauth_config.scopes.bot, `${event} needs ${scope}`).toContain(scope);
    }
    expect(m.oauth_config.scopes.bot, 'a slash command needs the commands scope').toContain('commands');
  });

  it('grants every scope the Slack adapter checks for and asks people for', async () => {
    const m = (await readSlackManifest()) as unknown as SlackManifest;
    expect(m.oauth_config.scopes.bot).toEqual(expect.arrayContaining(BOT_SCOPES));
    expect(m.oauth_config.scopes.user).toEqual(expect.arrayContaining(USER_SCOPES));
  });

  it('lets people message the bot, where their "Sync now" prompts arrive', async () => {
    const m = (await readSlackManifest()) as unknown as SlackManifest;
    expect(m.features.app_home.messages_tab_enabled).toBe(true);
    expect(m.features.app_home.messages_tab_read_only_enabled).toBe(false);
  });

  it('hints the command language in the composer', async () => {
    const hint = ((await readSlackManifest()) as unknown as SlackManifest).features.slash_commands[0].usage_hint;
    for (const verb of ['help', 'status', 'sync', 'dm <person> <text>', 'people', 'group', 'contactsync']) expect(hint).toContain(verb);
  });
});
