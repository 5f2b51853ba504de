/**
 * The Zoom App page: served with the SDK module, it carries the in-client flow's parameters and a
 * plain link to the web authorize URL that works without JavaScript; an incomplete link is refused.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderZoomAppPage, zoomAppsSdkPath } from '../../../adapters/zoom/app-page.js';
import { startZoomHarness, type ZoomHarness } from './harness.js';

let h: ZoomHarness;

beforeAll(async () => {
  h = await startZoomHarness({ accounts: [{ accountId: 'acctApp', users: [{ email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' }] }] });
});

afterAll(async () => {
  await h.close();
});

describe('Zoom App page', () => {
  it('renders the in-client flow with a no-JS link to the web authorize URL', async () => {
    const res = await fetch(`${h.baseUrl}/zoom/app?state=abc123&code_challenge=CHALLENGE_xyz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    const link = /<a class="button" id="continue" href="([^"]+)">Continue to Zoom sign-in<\/a>/.exec(html);
    expect(link).not.toBeNull();
    const authorize = new URL(link![1]!.replace(/&amp;/g, '&'));
    expect(authorize.origin + authorize.pathname).toBe(`${h.zoom.url}/oauth/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: h.config.zoom.clientId,
      redirect_uri: 'https://crosstalk.test/oauth/zoom/callback',
      state: 'abc123',
      code_challenge: 'CHALLENGE_xyz',
      code_challenge_method: 'S256',
    });
    const cfg = JSON.parse(/<script type="application\/json" id="zoom-auth">([^<]*)<\/script>/.exec(html)![1]!) as Record<string, unknown>;
    expect(cfg).toMatchObject({ state: 'abc123', codeChallenge: 'CHALLENGE_xyz', callbackUrl: 'https://crosstalk.test/oauth/zoom/callback', sdkUrl: '/zoom/appssdk.js' });
    expect(html).toContain('zoomSdk.config(');
    expect(html).toContain('zoomSdk.authorize({ codeChallenge: cfg.codeChallenge, state: cfg.state })');
    expect(html).toContain('zoomSdk.onAuthorized(');
    expect(html).toContain('role="status"');

    const followed = await fetch(authorize, { redirect: 'manual' });
    expect(followed.status).toBe(302);
    expect(new URL(followed.headers.get('location')!).searchParams.get('state')).toBe('abc123');
  });

  it('refuses a link without state or challenge', async () => {
    const res = await fetch(`${h.baseUrl}/zoom/app?state=only`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Sync now');
  });

  it('serves the Zoom Apps SDK module', async () => {
    const res = await fetch(`${h.baseUrl}/zoom/appssdk.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(await res.text()).toBe(readFileSync(zoomAppsSdkPath(), 'utf8'));
  });

  it('keeps page parameters from breaking out of the embedded JSON', () => {
    const html = renderZoomAppPage({ authorizeUrl: 'https://zoom.test/a?x="<b>', callbackUrl: '/cb', codeChallenge: '</script><script>alert(1)</script>', state: 's' });
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('href="https://zoom.test/a?x=&quot;&lt;b&gt;"');
  });
});
