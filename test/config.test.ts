import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('runs in sandbox mode with no settings at all', () => {
    const config = loadConfig({});
    expect(config.sandbox).toBe(true);
    expect(config.port).toBe(3000);
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.zoom.oauthUrl).toBe('https://zoom.us');
  });

  it('names a short encryption key in one line with an example, without echoing the value', () => {
    const problems = problemsOf({ CROSSTALK_ENCRYPTION_KEY: 'short' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^CROSSTALK_ENCRYPTION_KEY: must be 32 bytes encoded as base64/);
    expect(problems[0]).toContain('openssl rand -base64 32');
    expect(problems[0]).not.toContain('short');
  });

  it('reports every bad setting, one line each', () => {
    const problems = problemsOf({ PORT: 'eighty', PUBLIC_URL: 'crosstalk.example.com', SLACK_BOT_TOKEN: 'xoxp-user-token' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['PORT', 'PUBLIC_URL', 'SLACK_BOT_TOKEN']);
    for (const p of problems) expect(p).not.toContain('\n');
    expect(problems.join(' ')).not.toContain('xoxp-user-token');
  });

  it('asks for the encryption key and public URL once real credentials are set', () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['CROSSTALK_ENCRYPTION_KEY', 'PUBLIC_URL']);
  });

  it('asks for the missing half of a client id/secret pair', () => {
    const problems = problemsOf({ ZOOM_CLIENT_ID: 'abc' });
    expect(problems.some((p) => p.startsWith('ZOOM_CLIENT_SECRET: is required when ZOOM_CLIENT_ID is set'))).toBe(true);
  });
});

describe('going-live settings', () => {
  const key = Buffer.alloc(32, 7).toString('base64');
  const base = { CROSSTALK_ENCRYPTION_KEY: key, PUBLIC_URL: 'https://crosstalk.example.com' };

  it('asks for all three Zoom Server-to-Server settings together, for the same account', () => {
    const zoom = { ...base, ZOOM_CLIENT_ID: 'id', ZOOM_CLIENT_SECRET: 'secret', ZOOM_WEBHOOK_SECRET_TOKEN: 't', ZOOM_ACCOUNT_ID: 'acct1' };
    const partial = problemsOf({ ...zoom, ZOOM_S2S_CLIENT_ID: 's2s' });
    expect(partial.some((p) => p.startsWith('ZOOM_S2S_ACCOUNT_ID: is required'))).toBe(true);
    expect(partial.some((p) => p.startsWith('ZOOM_S2S_CLIENT_SECRET: is required'))).toBe(true);
    const otherAccount = problemsOf({ ...zoom, ZOOM_S2S_ACCOUNT_ID: 'acct2', ZOOM_S2S_CLIENT_ID: 's2s', ZOOM_S2S_CLIENT_SECRET: 'x' });
    expect(otherAccount).toEqual([expect.stringMatching(/^ZOOM_S2S_ACCOUNT_ID: must be the same account/)]);
    const config = loadConfig({ ...zoom, ZOOM_S2S_ACCOUNT_ID: 'acct1', ZOOM_S2S_CLIENT_ID: 's2s', ZOOM_S2S_CLIENT_SECRET: 'x' });
    expect(config.zoom.s2s).toEqual({ accountId: 'acct1', clientId: 's2s', clientSecret: 'x' });
  });

  it('makes Teams bots single-tenant by default, which needs the tenant id', () => {
    const teams = { ...base, MICROSOFT_APP_ID: '2f1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', MICROSOFT_APP_PASSWORD: 'p' };
    expect(problemsOf(teams)).toEqual([expect.stringMatching(/^MICROSOFT_APP_TENANT_ID: is required for a single-tenant bot/)]);
    expect(loadConfig({ ...teams, MICROSOFT_APP_TENANT_ID: 'tenant' }).teams.appType).toBe('SingleTenant');
    expect(problemsOf({ ...teams, MICROSOFT_APP_TYPE: 'MultiTenant' })).toEqual([]);
  });

  it('takes an optional Webex admin token beside the bot token', () => {
    const webex = { ...base, WEBEX_BOT_TOKEN: 'bot', WEBEX_WEBHOOK_SECRET: 'secret' };
    expect(loadConfig({ ...webex, WEBEX_ADMIN_TOKEN: 'admin' }).webex.adminToken).toBe('admin');
    expect(problemsOf({ ...base, WEBEX_ADMIN_TOKEN: 'admin' })).toEqual([expect.stringMatching(/^WEBEX_ADMIN_TOKEN: is only used with WEBEX_BOT_TOKEN/)]);
  });
});
