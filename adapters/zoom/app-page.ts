/**
 * The page Zoom opens for a Zoom App (its "home URL"). Inside the Zoom client it runs the in-client
 * OAuth flow of `@zoom/appssdk` (`config` → `authorize({codeChallenge, state})` → `onAuthorized`,
 * then POSTs the code to a callback URL); in any other browser `config()` rejects ("not supported
 * by this browser") or times out, and the page falls back to the normal web authorize URL. A plain
 * link does the same without JavaScript.
 */
import { createRequire } from 'node:module';
import escapeHtml from 'escape-html';
import type { Request, Response, Router } from 'express';

/** What one rendering of the page needs. */
export interface ZoomAppPageParams {
  /** The normal web authorize URL (fallback and no-JS link). */
  authorizeUrl: string;
  /** Where the page POSTs `{code, state, redirectUri}` after in-client authorization. */
  callbackUrl: string;
  codeChallenge: string;
  state: string;
  /** URL of the SDK module; default `/zoom/appssdk.js`. */
  sdkUrl?: string;
  /** How long `zoomSdk.config` may take before the page gives up on Zoom (ms). */
  configTimeoutMs?: number;
}

/** Path of the ES build of `@zoom/appssdk` served to the page. */
export function zoomAppsSdkPath(): string {
  return createRequire(import.meta.url).resolve('@zoom/appssdk/dist/sdk.es.js');
}


/** The page's HTML. */
export function renderZoomAppPage(p: ZoomAppPageParams): string {
  const config = JSON.stringify({
    authorizeUrl: p.authorizeUrl,
    callbackUrl: p.callbackUrl,
    codeChallenge: p.codeChallenge,
    state: p.state,
    sdkUrl: p.sdkUrl ?? '/zoom/appssdk.js',
    timeoutMs: p.configTimeoutMs ?? 3000,
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect Zoom to Crosstalk</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
a.button{display:inline-block;padding:.6rem 1.2rem;background:#0b5cff;color:#fff;border-radius:.4rem;text-decoration:none}
a.button:focus{outline:3px solid #ffbf47;outline-offset:2px}
</style>
</head>
<body>
<main>
<h1>Connect Zoom to Crosstalk</h1>
<p id="status" role="status" aria-live="polite">To sync your Zoom account, sign in with Zoom.</p>
<p><a class="button" id="continue" href="${escapeHtml(p.authorizeUrl)}">Continue to Zoom sign-in</a></p>
</main>
<script type="application/json" id="zoom-auth">${config}</script>
<script type="module">
const cfg = JSON.parse(document.getElementById('zoom-auth').textContent);
const status = document.getElementById('status');
const say = (text) => { status.textContent = text; };
const toWeb = () => { window.location.replace(cfg.authorizeUrl); };
const withTimeout = (p, ms) => Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);
async function run() {
  let zoomSdk;
  try {
    zoomSdk = (await import(cfg.sdkUrl)).default;
    await withTimeout(zoomSdk.config({ capabilities: ['authorize', 'onAuthorized'], timeout: cfg.timeoutMs }), cfg.timeoutMs + 500);
  } catch {
    toWeb();
    return;
  }
  say('Waiting for Zoom to confirm…');
  zoomSdk.onAuthorized(async (evt) => {
    if (!evt || evt.state !== cfg.state) { say('Zoom answered for another sign-in. Please use the button below.'); return; }
    try {
      const res = await fetch(cfg.callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: evt.code, state: evt.state, redirectUri: evt.redirectUri }),
      });
      if (!res.ok) throw new Error(String(res.status));
      const data = await res.json().catch(() => ({}));
      if (data && typeof data.redirect === 'string') { window.location.assign(data.redirect); return; }
      say('Your Zoom account is connected. You can close this page.');
    } catch {
      say('Connecting failed. Please use the button below.');
    }
  });
  try {
    await zoomSdk.authorize({ codeChallenge: cfg.codeChallenge, state: cfg.state });
  } catch {
    toWeb();
  }
}
run();
</script>
</body>
</html>
`;
}

/** Mounts `GET /zoom/app` (the page) and `GET /zoom/appssdk.js` (the SDK module). */
export function mountZoomAppPage(
  router: Router,
  resolve: (req: Request) => Promise<ZoomAppPageParams | undefined> | ZoomAppPageParams | undefined,
): void {
  router.get('/zoom/appssdk.js', (_req: Request, res: Response) => {
    res.type('application/javascript').setHeader('cache-control', 'public, max-age=3600');
    res.sendFile(zoomAppsSdkPath());
  });
  router.get('/zoom/app', async (req: Request, res: Response) => {
    const params = await resolve(req);
    res.setHeader('cache-control', 'no-store');
    if (!params) {
      res.status(400).type('text/html').send('<!doctype html><html lang="en"><title>Link expired</title><main><h1>This sign-in link is incomplete or expired</h1><p>Ask the Crosstalk bot for a new "Sync now" link.</p></main></html>');
      return;
    }
    res.type('text/html').send(renderZoomAppPage(params));
  });
}
