/**
 * `/sandbox`: four chat panes side by side, one per simulated platform, driven by a small script.
 * Its JSON API reads each pane from the simulators (see panes.ts) and sends through their signed
 * inbound helpers; `/sandbox/events` pushes a "changed" event per platform whenever that simulator
 * records a call, so the panes follow live. The API only accepts JSON bodies, which a cross-site
 * form cannot send.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import express, { type Request, type Response, type Router } from 'express';
import { isPlatform, PLATFORM_NAMES, PLATFORM_SHORT_NAMES, type Platform } from '../../src/chat-adapter.js';
import type { Core } from '../../src/core/core.js';
import type { Simulators } from '../index.js';
import { DEMO_ORGANIZATION, DEMO_PEOPLE, DEMO_SYNCED } from '../demo-org.js';
import { journeysPanel } from './journeys.js';
import { html, layout, SafeHtml } from '../../src/http/pages.js';
import { createPanes, PaneInputError, type PlatformPane } from './panes.js';

const asset = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');
const SCRIPT = asset('./sandbox-client.js');
const STYLE = asset('./sandbox.css');
const FAVICON = asset('./favicon.svg');
const HEARTBEAT_MS = 15_000;

/** The sandbox pages, and `close()` to end the live streams at shutdown. */
export interface SandboxRoutes {
  router: Router;
  close(): void;
}


/** Who a pane shows first: that platform's synced demo person, else the first demo person there. */
function preferredUser(pane: PlatformPane): string | undefined {
  const users = pane.users();
  const demo = DEMO_PEOPLE.map((p) => p.email);
  return (
    users.find((u) => u.email === DEMO_SYNCED[pane.platform]) ??
    users.find((u) => u.email === demo[0]) ??
    users.find((u) => u.email && demo.includes(u.email)) ??
    users[0]
  )?.id;
}

function page(panes: PlatformPane[]): string {
  const sections = panes.map((pane) => {
    const id = pane.platform;
    const preferred = preferredUser(pane);
    const options = pane.users().map((u) => html`<option value="${u.id}" title="${u.email ?? ''}" ${u.id === preferred ? html`selected` : ''}>${u.name}</option>`);
    return html`<section class="pane pane-${id}" data-pane="${id}" aria-labelledby="${id}-title">
<header class="pane-head">
<span class="pane-logo" aria-hidden="true"></span>
<h2 id="${id}-title">${PLATFORM_SHORT_NAMES[id]}</h2>
<label class="who"><span>You are</span> <select name="user" data-user>${options}</select></label>
</header>
<div class="pane-body">
<nav class="dm-list" aria-label="${PLATFORM_NAMES[id]} chats"><h3>Direct messages</h3><ul data-chats></ul><h3>Channels</h3><ul class="channels" data-channels></ul></nav>
<div class="chat">
<h3 class="chat-title" data-chat-title>Crosstalk</h3>
<ol class="messages" data-messages role="log" aria-live="polite" aria-label="Messages in ${PLATFORM_NAMES[id]}"></ol>
<form class="composer" data-composer>
<label class="visually-hidden" for="${id}-text">Message in ${PLATFORM_NAMES[id]}</label>
<input id="${id}-text" name="text" autocomplete="off" placeholder="Message Crosstalk, or /crosstalk help" required>
<button type="submit">Send</button>
</form>
<p class="status" data-status role="status"></p>
</div>
</div>
</section>`;
  });
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Sandbox · Crosstalk</title>
<link rel="stylesheet" href="/sandbox/sandbox.css">
<link rel="icon" href="/sandbox/favicon.svg" type="image/svg+xml">
<script src="/sandbox/sandbox-client.js" defer></script>
</head>
<body>
<header class="top"><span class="logo" aria-hidden="true"></span><h1>Crosstalk sandbox</h1>
<p>${DEMO_ORGANIZATION}, a demo organization on four simulated platforms. Pick who you are in each pane, message the bot or a colleague, or type <code>/crosstalk help</code>. It all stays after a restart; <code>npm run sandbox:reset</code> starts over. <a href="/admin" target="_blank" rel="noopener">Admin page</a></p></header>
${journeysPanel(panes)}
<main class="panes">${new SafeHtml(sections.join(''))}</main>
</body>
</html>`.value;
}

/** Builds the sandbox routes over the running simulators. */
export function sandboxRoutes(core: Core, sims: Simulators, onChange: () => void = () => {}): SandboxRoutes {
  const router = express.Router();
  const streams = new Set<ServerResponse>();
  const pending = new Set<Platform>();
  let timer: NodeJS.Timeout | undefined;

  // Many calls arrive in bursts (a relay posts, then reads); one event per burst is enough.
  const changed = (platform: Platform) => {
    onChange();
    pending.add(platform);
    timer ??= setTimeout(() => {
      timer = undefined;
      for (const p of pending) for (const res of streams) res.write(`event: change\ndata: ${JSON.stringify({ platform: p })}\n\n`);
      pending.clear();
    }, 25);
  };
  const panes = createPanes(sims, () => core.publicUrl, changed);
  for (const pane of panes) pane.sim.on('call', () => changed(pane.platform));
  const paneFor = (req: Request): PlatformPane | undefined => panes.find((p) => p.platform === req.params.platform);
  const json = express.json({ limit: '16kb' });

  const userOf = (pane: PlatformPane, value: unknown): string => {
    const id = typeof value === 'string' ? value : '';
    if (!pane.users().some((u) => u.id === id)) throw new PaneInputError(`Pick someone from the ${PLATFORM_NAMES[pane.platform]} list.`);
    return id;
  };
  const fail = (res: Response, err: unknown) => {
    if (err instanceof PaneInputError) {
      res.status(400).json({ error: 'bad_request', message: err.message });
      return;
    }
    core.log.warn({ err }, 'sandbox action failed');
    res.status(502).json({ error: 'delivery_failed', message: 'The simulated platform could not deliver that; see the service log.' });
  };

  router.get('/sandbox', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(page(panes));
  });
  router.get('/sandbox/sandbox-client.js', (_req, res) => {
    res.type('application/javascript').send(SCRIPT);
  });
  router.get('/sandbox/sandbox.css', (_req, res) => {
    res.type('text/css').send(STYLE);
  });

  router.get('/sandbox/api/:platform/view', (req, res) => {
    const pane = paneFor(req);
    if (!pane) {
      res.status(404).json({ error: 'not_found', message: 'No such simulated platform.' });
      return;
    }
    try {
      const user = userOf(pane, req.query.user);
      res.setHeader('Cache-Control', 'no-store');
      res.json({
        platform: pane.platform,
        user: pane.users().find((u) => u.id === user),
        chats: pane.chats(user),
        channels: pane.channels(),
        reactions: pane.reactionChoices ?? [],
      });
    } catch (err) {
      fail(res, err);
    }
  });

  router.post('/sandbox/api/:platform/send', json, async (req, res) => {
    const pane = paneFor(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      if (!pane) throw new PaneInputError('No such simulated platform.');
      const user = userOf(pane, body.user);
      const text = typeof body.text === 'string' ? body.text.trim() : '';
      const chat = typeof body.chat === 'string' ? body.chat : '';
      if (!text || text.length > 4000) throw new PaneInputError('Type a message of up to 4000 characters.');
      if (!pane.chats(user).some((c) => c.id === chat && c.canType)) throw new PaneInputError('You cannot type in that chat here.');
      await pane.send(user, chat, text);
      res.json({ ok: true });
    } catch (err) {
      fail(res, err);
    }
  });

  router.post('/sandbox/api/:platform/click', json, async (req, res) => {
    const pane = paneFor(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      if (!pane) throw new PaneInputError('No such simulated platform.');
      const user = userOf(pane, body.user);
      const index = typeof body.index === 'number' && Number.isInteger(body.index) && body.index >= 0 ? body.index : -1;
      if (typeof body.chat !== 'string' || typeof body.message !== 'string' || index < 0) throw new PaneInputError('That button is no longer there.');
      await pane.click(user, body.chat, body.message, index);
      res.json({ ok: true });
    } catch (err) {
      fail(res, err);
    }
  });

  const messageAction = (name: 'edit' | 'delete' | 'react') =>
    router.post(`/sandbox/api/:platform/${name}`, json, async (req, res) => {
      const pane = paneFor(req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        if (!pane) throw new PaneInputError('No such simulated platform.');
        const user = userOf(pane, body.user);
        const chat = typeof body.chat === 'string' ? body.chat : '';
        const message = typeof body.message === 'string' ? body.message : '';
        if (!chat || !message) throw new PaneInputError('That message is no longer there.');
        if (name === 'edit') {
          const text = typeof body.text === 'string' ? body.text.trim() : '';
          if (!text || text.length > 4000) throw new PaneInputError('Type a message of up to 4000 characters.');
          if (!pane.edit) throw new PaneInputError(`${PLATFORM_NAMES[pane.platform]} cannot edit messages here.`);
          await pane.edit(user, chat, message, text);
        } else if (name === 'delete') {
          if (!pane.remove) throw new PaneInputError(`${PLATFORM_NAMES[pane.platform]} cannot delete messages here.`);
          await pane.remove(user, chat, message);
        } else {
          if (!pane.react || typeof body.reaction !== 'string') throw new PaneInputError(`${PLATFORM_NAMES[pane.platform]} has no reactions here.`);
          await pane.react(user, chat, message, body.reaction);
        }
        res.json({ ok: true });
      } catch (err) {
        fail(res, err);
      }
    });
  messageAction('edit');
  messageAction('delete');
  messageAction('react');

  router.get('/', (_req, res) => {
    res.redirect(302, '/sandbox');
  });
  router.get('/sandbox/favicon.svg', (_req, res) => {
    res.type('image/svg+xml').setHeader('Cache-Control', 'max-age=86400').send(FAVICON);
  });
  router.get('/favicon.ico', (_req, res) => {
    res.redirect(301, '/sandbox/favicon.svg');
  });

  // Link buttons open through here, so the simulated sign-in page knows who is signing in.
  router.get('/sandbox/open', (req, res) => {
    const platform = typeof req.query.platform === 'string' ? req.query.platform : '';
    const url = typeof req.query.url === 'string' ? req.query.url : '';
    const pane = isPlatform(platform) ? panes.find((p) => p.platform === platform) : undefined;
    const sameService = url.startsWith(`${core.publicUrl}/`);
    if (!pane || !/^https?:\/\//.test(url)) {
      res.status(400).type('text/plain').send('This sandbox link is not valid.');
      return;
    }
    if (!sameService) {
      res.type('html').send(layout('Leaving the sandbox', html`<section class="card"><h1>Leaving the sandbox</h1><p>This link goes outside Crosstalk: <a href="${url}" rel="noopener noreferrer">${url}</a></p></section>`));
      return;
    }
    try {
      const user = userOf(pane, req.query.user);
      pane.signInAs(user);
      // The link may lead to other platforms' sign-ins (Sync now connects each account): there,
      // the same person (by email) is the one signed in, as in their own browser.
      const email = pane.users().find((u) => u.id === user)?.email?.toLowerCase();
      for (const other of panes) {
        if (other === pane || !email) continue;
        const same = other.users().find((u) => u.email?.toLowerCase() === email);
        if (same) other.signInAs(same.id);
      }
    } catch (err) {
      res.status(400).type('text/plain').send((err as Error).message);
      return;
    }
    res.redirect(303, url);
  });

  router.get('/sandbox/events', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    streams.add(res);
    const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(beat);
      streams.delete(res);
    });
  });

  return {
    router,
    close() {
      if (timer) clearTimeout(timer);
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
