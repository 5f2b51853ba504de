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
