import { describe, expect, it } from 'vitest';
import { optionsFromEnv, teamsManifest } from '../../manifests/generate.js';
import { COMMAND } from '../../manifests/source.js';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { readJsonManifest } from './formats.js';

/** Microsoft's published schema for a manifest version, as the `@microsoft/app-manifest` package ships it (no network). */
async function microsoftSchema(version: string): Promise<object> {
  const file = createRequire(import.meta.url).resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);
  return JSON.parse(await readFile(file, 'utf8')) as object;
}

async function microsoftSchemaErrors(manifest: TeamsManifest): Promise<string[]> {
  const schema = await microsoftSchema(manifest.manifestVersion);
  return AppManifestUtils.validateAgainstSchema(manifest as never, schema as never);
}

const APP_ID = '2f1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

interface TeamsManifest {
  $schema: string;
  manifestVersion: string;
  id: string;
  developer: Record<string, string>;
  icons: { color: string; outline: string };
  bots: Array<{ botId: string; scopes: string[]; supportsFiles: boolean; commandLists: Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }> }>;
  validDomains: string[];
  webApplicationInfo?: { id: string; resource: string };
}

describe('Teams app manifest', () => {
  it("passes Microsoft's app manifest schema for its version", async () => {
    const m = (await readJsonManifest('teams/manifest.json')) as unknown as TeamsManifest;
    expect(await microsoftSchemaErrors(m)).toEqual([]);
    expect(m.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${m.manifestVersion}/MicrosoftTeams.schema.json`);
  });

  it('is one bot, installable in personal chats, teams and group chats, that does not take files', async () => {
    const m = (await readJsonManifest('teams/manifest.json')) as unknown as TeamsManifest;
    expect(m.bots).toHaveLength(1);
    expect(m.bots[0].scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(m.bots[0].supportsFiles).toBe(false);
    expect(m.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });

  it('suggests every verb of the command language in the 1:1 chat, and only personal verbs in group chats', async () => {
    const lists = ((await readJsonManifest('teams/manifest.json')) as unknown as TeamsManifest).bots[0].commandLists;
    const personal = lists.find((l) => l.scopes.includes('personal'));
    expect(personal?.commands.map((c) => c.title)).toEqual(COMMAND.verbs.map((v) => v.verb));
    const group = lists.find((l) => l.scopes.includes('team'));
    expect(group?.scopes).toEqual(['team', 'groupChat']);
    expect(group?.commands.map((c) => c.title)).toEqual(['help', 'status', 'sync']);
    for (const c of lists.flatMap((l) => l.commands)) {
      // Within the stricter limits of older manifest versions, so the commands show in every client.
      expect(c.title.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeLessThanOrEqual(128);
    }
  });

  it('uses MICROSOFT_APP_ID as app and bot id, the PUBLIC_URL host as its domain, and configures no SSO it does not use', () => {
    const { options } = optionsFromEnv({ PUBLIC_URL: 'https://chat.example.org', MICROSOFT_APP_ID: APP_ID });
    const m = teamsManifest(options) as unknown as TeamsManifest;
    expect(m.id).toBe(APP_ID);
    expect(m.bots[0].botId).toBe(APP_ID);
    expect(m.webApplicationInfo).toBeUndefined();
    expect(m.validDomains).toEqual(['chat.example.org']);
    expect(Object.values(m.developer).filter((v) => v.startsWith('http'))).toEqual([
      'https://chat.example.org',
      'https://chat.example.org/privacy',
      'https://chat.example.org/terms',
    ]);
  });

  it('warns when MICROSOFT_APP_ID is missing and refuses one that is not a GUID', () => {
    const { options, warnings } = optionsFromEnv({ PUBLIC_URL: 'https://chat.example.org' });
    expect(options.microsoftAppId).toBe('00000000-0000-0000-0000-000000000000');
    expect(warnings.join('\n')).toMatch(/MICROSOFT_APP_ID is not set/);
    expect(() => optionsFromEnv({ PUBLIC_URL: 'https://chat.example.org', MICROSOFT_APP_ID: 'crosstalk-bot' })).toThrow(/MICROSOFT_APP_ID: must be .* GUID/);
  });
});

describe("Microsoft's schema catches what Teams would refuse", () => {
  it('reports a manifest whose bot has an unknown install scope', async () => {
    const m = (await readJsonManifest('teams/manifest.json')) as unknown as TeamsManifest;
    const broken = { ...m, bots: [{ ...m.bots[0], scopes: ['personal', 'everywhere'] }] };
    expect((await microsoftSchemaErrors(broken)).length).toBeGreaterThan(0);
  });
});
