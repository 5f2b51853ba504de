import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { publicPagesRouter } from '../../src/http/public-pages.js';

const servers: Server[] = [];

async function serve(options: Parameters<typeof publicPagesRouter>[0]): Promise<string> {
  const app = express();
  app.use(publicPagesRouter(options));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('public pages the app listings link to', () => {
  it('serves the product page, the privacy page and the terms, naming the operator safely escaped', async () => {
    const base = await serve({ operator: 'Acme <Schools>', contact: 'it@acme.example' });
    for (const [path, heading] of [['/', 'Crosstalk'], ['/privacy', 'Privacy'], ['/terms', 'Terms of use']] as const) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain(`<h1>${heading}</h1>`);
      expect(html).toContain('Acme &lt;Schools&gt;');
      expect(html).not.toContain('<Schools>');
      expect(html).toContain('mailto:it@acme.example');
    }
  });

  it('redirects to an organization\'s own policy pages when they are configured', async () => {
    const base = await serve({ privacyUrl: 'https://acme.example/privacy', termsUrl: 'https://acme.example/terms' });
    const privacy = await fetch(`${base}/privacy`, { redirect: 'manual' });
    expect(privacy.status).toBe(302);
    expect(privacy.headers.get('location')).toBe('https://acme.example/privacy');
    const terms = await fetch(`${base}/terms`, { redirect: 'manual' });
    expect(terms.headers.get('location')).toBe('https://acme.example/terms');
  });
});
