/**
 * `GET /sync/:token` (the Sync now page), its Connect and primary-team steps, and
 * `GET /oauth/:platform/callback` (the OAuth return). The browser session is an HttpOnly,
 * SameSite=Lax cookie: OAuth `state` is bound to it, and a cross-site form post cannot carry it.
 */
import { randomBytes } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import express, { type Request, type Response, type Router } from 'express';
import { isPlatform, type Platform } from '../chat-adapter.js';
import type { Core } from '../core/core.js';
import { choosePrimary, completeConnect, openSyncPage, startConnect, SyncFlowError } from './sync-flow.js';
import { html, layout, problemPage } from '../http/pages.js';

const SESSION_COOKIE = 'ct_session';

function session(req: Request, res: Response, core: Core): string {
  const existing = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
  if (existing && /^[\w-]{20,}$/.test(existing)) return existing;
  const id = randomBytes(24).toString('base64url');
  res.cookie(SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'lax',
    secure: core.publicUrl.startsWith('https://'),
    path: '/',
    maxAge: 24 * 3600_000,
  });
  return id;
}

const STATUS_FOR: Record<string, number> = {
  invalid_link: 404,
  used_link: 410,
  expired_link: 410,
  invalid_state: 400,
  session_mismatch: 400,
  authorization_denied: 400,
  identity_mismatch: 403,
  exchange_failed: 502,
  unknown_account: 404,
  unknown_workspace: 400,
};

const TITLES: Record<string, string> = {
  invalid_link: 'Link not valid',
  not_available: 'Not set up',
  used_link: 'Link already used',
  expired_link: 'Link expired',
  identity_mismatch: 'Wrong account',
  authorization_denied: 'Not authorized',
};

function fail(res: Response, err: unknown, core: Core): void {
  if (err instanceof SyncFlowError) {
    res.status(STATUS_FOR[err.problem] ?? 400).type('html').send(problemPage(TITLES[err.problem] ?? 'Something is not right', err.message));
    return;
  }
  core.log.error({ err }, 'sync flow failed');
  res.status(500).type('html').send(problemPage('Something went wrong', 'Crosstalk could not finish this step. Nothing was lost; please try again in a moment.'));
}

function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Frame-Options', 'DENY');
}

/** Another OAuth flow sharing the return address (the admin sign-in); false when `state` is not its own. */
export type OAuthReturnHandler = (platform: Platform, req: Request, res: Response) => Promise<boolean>;

/** Mounts the Sync now pages and the OAuth return. */
export function syncRoutes(core: Core, options: { otherReturns?: OAuthReturnHandler[] } = {}): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '10kb' });

  router.get('/sync/:token', async (req, res) => {
    noStore(res);
    try {
      const token = req.params.token;
      const page = await openSyncPage(token, session(req, res, core));
      const connected = typeof req.query.connected === 'string' ? req.query.connected : undefined;
      const base = `/sync/${encodeURIComponent(token)}`;
      const rows = page.accounts.map(
        (a) => html`<tr>
<td><strong>${a.workspaceName}</strong><br><span class="muted">${a.platformName}${a.email ? html` · ${a.email}` : ''}</span></td>
<td>${a.connected ? html`<span class="ok">✔ Authorized</span>` : a.failed ? html`<span class="bad">⚠ Authorization stopped working</span>` : html`<span class="warn">⏱ Not authorized yet</span>`}</td>
<td>${a.connected ? '' : core.adapters.get(a.platform)?.userOAuth ? html`<a class="btn secondary" href="${base}/connect/${a.accountId}">Connect ${a.platformName}</a>` : html`<span class="muted">Posting as you is not set up on ${a.platformName}; the bot posts for you.</span>`}</td>
</tr>`,
      );
      const choices = page.accounts.map(
        (a, i) => html`<label class="choice"><input type="radio" name="workspaceId" value="${a.workspaceId}" ${a.isPrimary || (i === 0 && !page.accounts.some((x) => x.isPrimary)) ? html`checked` : ''} required> <span><strong>${a.workspaceName}</strong> <span class="muted">(${a.platformName})</span></span></label>`,
      );
      const body = html`
${connected ? html`<p class="notice" role="status">✔ ${connected} is connected.</p>` : ''}
<section class="card" aria-labelledby="t">
<h1 id="t">Sync your chat accounts</h1>
<p>Hi ${page.person.name.split(' ')[0]}. Your organization uses Slack, Microsoft Teams, Webex and Zoom side by side. Pick the team you actually work in: colleagues on the other platforms can then message you and you'll get it there.</p>
<p class="muted">Signed in as ${page.person.email}. This link is only for you and expires ${page.expiresAt.toUTCString()}.</p>
</section>
<section class="card" aria-labelledby="acc">
<h2 id="acc">Your accounts</h2>
<p>Connect an account so messages you send are posted as you there. Without it, the Crosstalk bot posts for you, with your name and picture.</p>
<table><thead><tr><th scope="col">Workspace</th><th scope="col">Status</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>${rows}</tbody></table>
${page.otherWorkspaces.length ? html`<p class="muted">You have no account on ${page.otherWorkspaces.map((w) => `${w.name} (${w.platformName})`).join(', ')}; the bot represents you there.</p>` : ''}
</section>
<section class="card" aria-labelledby="pri">
<h2 id="pri">Choose your primary team</h2>
<form method="post" action="${base}/primary">
<fieldset><legend>Where should messages reach you?</legend>${choices}</fieldset>
<button class="btn" type="submit">Finish sync</button>
</form>
</section>`;
      res.type('html').send(layout('Sync now', body));
    } catch (err) {
      fail(res, err, core);
    }
  });

  router.get('/sync/:token/connect/:accountId', async (req, res) => {
    noStore(res);
    try {
      const started = await startConnect(core, req.params.token, session(req, res, core), req.params.accountId);
      if (started.platform === 'zoom' && isZoomClient(req)) {
        // Inside the Zoom client, authorization runs in-client through @zoom/appssdk.
        const query = new URLSearchParams({ state: started.state, code_challenge: started.codeChallenge });
        res.redirect(303, `/zoom/app?${query}`);
        return;
      }
      res.redirect(303, started.authorizeUrl);
    } catch (err) {
      fail(res, err, core);
    }
  });

  router.post('/sync/:token/primary', form, async (req, res) => {
    noStore(res);
    try {
      const workspaceId = typeof req.body?.workspaceId === 'string' ? req.body.workspaceId : '';
      if (!/^[a-f0-9]{24}$/.test(workspaceId)) throw new SyncFlowError('unknown_workspace', 'Choose one of the teams listed on the page.');
      const result = await choosePrimary(req.params.token, session(req, res, core), workspaceId);
      const primary = `${result.workspace.name}`;
      const list = (items: string[]) => html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;
      const body = html`<section class="card" aria-labelledby="t">
<h1 id="t">You're synced</h1>
<p class="notice" role="status">✔ Your primary team is <strong>${primary}</strong>. Messages from colleagues on other platforms will arrive there.</p>
${result.userSynced.length ? html`<h2>Posted as you</h2>${list(result.userSynced)}` : ''}
${result.pending.length ? html`<h2>Waiting for your authorization</h2><p class="muted">Until you connect these, the bot posts for you there.</p>${list(result.pending)}` : ''}
${result.botSynced.length ? html`<h2>Represented by the Crosstalk bot</h2>${list(result.botSynced)}` : ''}
<p class="muted">You can close this page. Type <code>/crosstalk status</code> in chat at any time.</p>
</section>`;
      res.type('html').send(layout("You're synced", body));
    } catch (err) {
      fail(res, err, core);
    }
  });

  router.get('/oauth/:platform/callback', async (req, res) => {
    noStore(res);
    const platform = req.params.platform;
    if (!isPlatform(platform)) {
      res.status(404).type('html').send(problemPage('Unknown platform', 'This sign-in return is for a platform Crosstalk does not know.'));
      return;
    }
    try {
      for (const other of options.otherReturns ?? []) if (await other(platform, req, res)) return;
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      const sessionId = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
      const result = await completeConnect(core, platform, {
        code: str(req.query.code),
        state: str(req.query.state),
        error: str(req.query.error),
        sessionId,
      });
      res.redirect(303, `/sync/${encodeURIComponent(result.linkToken)}?connected=${encodeURIComponent(result.workspaceName)}`);
    } catch (err) {
      fail(res, err, core);
    }
  });

  // The in-Zoom page posts the code of an in-client authorization here (same origin, same session).
  router.post('/oauth/zoom/callback', express.json({ limit: '10kb' }), async (req, res) => {
    noStore(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v.length < 2048 ? v : undefined);
    try {
      const result = await completeConnect(core, 'zoom', {
        code: str(body.code),
        state: str(body.state),
        sessionId: parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE],
      });
      res.json({ redirect: `/sync/${encodeURIComponent(result.linkToken)}?connected=${encodeURIComponent(result.workspaceName)}` });
    } catch (err) {
      if (err instanceof SyncFlowError) {
        res.status(STATUS_FOR[err.problem] ?? 400).json({ error: err.problem, message: err.message });
        return;
      }
      core.log.error({ err }, 'in-Zoom authorization failed');
      res.status(500).json({ error: 'internal_error', message: 'Crosstalk could not finish this step; please try again.' });
    }
  });

  return router;
}

/** Requests from the Zoom client's embedded browser (Zoom Apps). */
function isZoomClient(req: Request): boolean {
  return /ZoomApps\//.test(req.headers['user-agent'] ?? '') || typeof req.headers['x-zoom-app-context'] === 'string';
}
