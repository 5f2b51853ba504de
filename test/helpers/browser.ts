/**
 * A minimal browser for server-rendered flows: keeps cookies per host and follows redirects hop by
 * hop, so a test can see (and steer) each step of an OAuth round trip.
 */

import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';

/** One response, with where it came from. */
export interface Page {
  url: string;
  status: number;
  location?: string;
  text: string;
}

export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();
  /** Every URL requested, in order. */
  readonly history: string[] = [];
  private readonly dispatcher?: Agent;

  /** `ca`: an extra certificate authority to trust (a simulated https sign-in page's). */
  constructor(options: { ca?: string } = {}) {
    if (options.ca) this.dispatcher = new Agent({ connect: { ca: [...rootCertificates, options.ca] } });
  }

  private cookieHeader(url: URL): string {
    const cookies = this.jar.get(url.host);
    return cookies ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  private remember(url: URL, res: { headers: { getSetCookie(): string[] } }): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (!this.jar.has(url.host)) this.jar.set(url.host, new Map());
      this.jar.get(url.host)!.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  /** One request, no redirect following. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Page> {
    const target = new URL(url);
    this.history.push(target.toString());
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await undiciFetch(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual', dispatcher: this.dispatcher });
    this.remember(target, res);
    const location = res.headers.get('location') ?? undefined;
    return { url: target.toString(), status: res.status, location: location ? new URL(location, target).toString() : undefined, text: await res.text() };
  }

  /**
   * Requests and follows redirects; `steer` may rewrite each next URL (e.g. add `login_hint` on a
   * simulated sign-in page).
   */
  async follow(url: string, init: Parameters<TestBrowser['request']>[1] = {}, steer: (next: string) => string = (n) => n): Promise<Page> {
    let page = await this.request(url, init);
    for (let hops = 0; page.location && page.status >= 300 && page.status < 400; hops++) {
      if (hops > 10) throw new Error(`too many redirects from ${url}`);
      page = await this.request(steer(page.location));
    }
    return page;
  }
}
