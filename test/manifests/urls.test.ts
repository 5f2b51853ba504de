import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { generateManifests, optionsFromEnv } from '../../manifests/generate.js';
import { MANIFESTS_DIR, urlsIn } from './formats.js';

const run = promisify(execFile);
const REPO = resolve(MANIFESTS_DIR, '..');

/** The paths of the HTTP contract (DESIGN.md) a platform may be sent to, plus the developer pages. */
const CONTRACT_PATHS = new Set([
  '',
  '/slack/events',
  '/slack/commands',
  '/slack/interactions',
  '/slack/install',
  '/slack/oauth_redirect',
  '/api/messages',
  '/webex/webhook',
  '/zoom/webhook',
  '/zoom/app',
  '/oauth/slack/callback',
  '/oauth/teams/callback',
  '/oauth/webex/callback',
  '/oauth/zoom/callback',
  '/privacy',
  '/terms',
]);

const TEAMS_SCHEMA_URL = /^https:\/\/developer\.microsoft\.com\/json-schemas\/teams\//;

function manifestUrls(publicUrl: string): Array<{ file: string; at: string; url: string }> {
  const { options } = optionsFromEnv({ PUBLIC_URL: publicUrl, MICROSOFT_APP_ID: '2f1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' });
  return generateManifests(options)
    .filter((f) => !f.path.endsWith('.png'))
    .flatMap((f) => {
      const text = f.contents.toString('utf8');
      const value: unknown = f.path.endsWith('.yaml') ? parseYaml(text) : JSON.parse(text);
      return urlsIn(value).map((u) => ({ file: f.path, ...u }));
    })
    .filter((u) => !TEAMS_SCHEMA_URL.test(u.url));
}

describe('manifest URLs', () => {
  it.each(['https://crosstalk.example.com', 'https://crosstalk.example.com/', 'https://example.com/chat/crosstalk'])(
    'with PUBLIC_URL=%s every URL in every manifest is a contract path under it',
    (publicUrl) => {
      const base = publicUrl.replace(/\/+$/, '');
      const urls = manifestUrls(publicUrl);
      expect(urls.length).toBeGreaterThan(20);
      for (const { file, at, url } of urls) {
        expect(url.startsWith(base), `${file} ${at}: ${url}`).toBe(true);
        expect(CONTRACT_PATHS.has(url.slice(base.length)), `${file} ${at}: ${url} is not a contract path`).toBe(true);
      }
    },
  );

  it('names every platform endpoint a customer has to configure', () => {
    const paths = new Set(manifestUrls('https://crosstalk.example.com').map((u) => u.url.slice('https://crosstalk.example.com'.length)));
    for (const path of ['/slack/events', '/slack/commands', '/slack/interactions', '/slack/oauth_redirect', '/webex/webhook', '/zoom/webhook', '/zoom/app']) {
      expect(paths).toContain(path);
    }
    for (const platform of ['slack', 'webex', 'zoom']) expect(paths).toContain(`/oauth/${platform}/callback`);
  });

  it('falls back to http://localhost:3000 with a warning, and refuses a PUBLIC_URL that is not an http(s) URL', () => {
    const { options, warnings } = optionsFromEnv({});
    expect(options.publicUrl).toBe('http://localhost:3000');
    expect(warnings.join('\n')).toMatch(/PUBLIC_URL is not set/);
    expect(() => optionsFromEnv({ PUBLIC_URL: 'crosstalk.example.com' })).toThrow(/PUBLIC_URL: not a URL/);
    expect(() => optionsFromEnv({ PUBLIC_URL: 'ftp://crosstalk.example.com' })).toThrow(/PUBLIC_URL: must be an http\(s\) address/);
    expect(optionsFromEnv({ PUBLIC_URL: 'http://crosstalk.example.com' }).warnings.join('\n')).toMatch(/only deliver to https/);
  });

  describe('npm run manifests', () => {
    let out: string | undefined;
    afterAll(async () => {
      if (out) await rm(out, { recursive: true, force: true });
    });

    it('writes all manifests for the PUBLIC_URL it is given', async () => {
      out = await mkdtemp(join(tmpdir(), 'crosstalk-manifests-'));
      const env = { ...process.env, PUBLIC_URL: 'https://crosstalk.example.com', MICROSOFT_APP_ID: '2f1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' };
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/manifests.ts', '--out', out], { cwd: REPO, env });
      expect(stderr).not.toMatch(/warning/);
      expect(stdout).toMatch(/manifests for https:\/\/crosstalk\.example\.com/);
      const slack = await readFile(join(out, 'slack/manifest.yaml'), 'utf8');
      expect(slack).toContain('request_url: https://crosstalk.example.com/slack/events');
      const teams = JSON.parse(await readFile(join(out, 'teams/manifest.json'), 'utf8')) as { id: string };
      expect(teams.id).toBe('2f1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d');
      for (const file of ['webex/bot.json', 'webex/integration.json', 'zoom/manifest.json', 'teams/color.png', 'teams/outline.png']) {
        expect((await readFile(join(out, file))).length, file).toBeGreaterThan(0);
      }
    });
  });
});
