/**
 * `/admin`: the People Sync hub for admins (seeds 003/004): the people table with its filters and
 * per-secondary icons, prompt / bulk prompt / reset, group and contact syncs, the event log and the
 * job queue. Every action runs the matching `/crosstalk` command through the command registry as
 * the signed-in admin, so it does exactly what the command does, and shows the command's reply.
 * Forms post with the session cookie (HttpOnly, SameSite=Lax) plus a per-session CSRF token.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import express, { type Request, type Response, type Router } from 'express';
import { PLATFORMS, PLATFORM_NAMES, isPlatform, type InboundEvent, type OutboundMessage, type Platform } from '../chat-adapter.js';
import { CANCEL_ACTION, CONFIRM_ACTION, type CommandContext, type CommandRegistry } from '../commands/registry.js';
import { type Core } from '../core/core.js';
import { OrganizationModel } from '../directory/organization.model.js';
import { listPeople, type PeopleFilters } from '../people/people-list.js';
import { STATUS_ICONS } from '../people/sync-status.js';
import { eventLog } from '../core/event-log.js';
import { html, layout, problemPage, SafeHtml } from '../http/pages.js';
import type { OAuthReturnHandler } from '../people/sync-routes.js';
import {
  AdminSignInError,
  completeAdminSignIn,
  currentAdmin,
  isAdminSignInState,
  newSessionId,
  setFlash,
  signOut,
  startAdminSignIn,
  type AdminIdentity,
} from './admin-auth.js';
import { neutralToHtml } from './neutral-html.js';

const COOKIE = 'ct_admin';
const EMAIL = /^[^\s"'<>`=]+@[^\s"'<>`=]+$/;

/** Sandbox only: points the simulated sign-in at the demo admin; returns the platform to use. */
export type DemoAdminSignIn = () => Platform | undefined;

/** The admin page and its OAuth return handler. */
export interface AdminRoutes {
  router: Router;
  oauthReturn: OAuthReturnHandler;
}

const STATUS_WORD: Record<string, string> = { on: 'On', pending: 'Pending', off: 'Off' };
const SECONDARY_WORD: Record<string, string> = { on: 'synced', pending: 'pending authorization', failed: 'failed', not_created: 'not created' };

const WIDE = new SafeHtml(`<style>
main{max-width:1180px}header div{max-width:1180px}
.bar{display:flex;gap:12px;align-items:end;flex-wrap:wrap;margin-bottom:14px}.bar label{display:flex;flex-direction:column;font-size:14px;font-weight:600;gap:4px}
select{font:inherit;padding:7px 8px;border:1px solid var(--line);border-radius:8px;background:#fff}
.people td{font-size:15px}.people .actions{display:flex;gap:6px}.btn.small{padding:5px 10px;font-size:14px}.btn.danger{background:#fff;color:var(--bad);border:1px solid var(--bad)}
.state{display:inline-block;border-radius:999px;padding:1px 10px;font-size:13px;font-weight:700}.state.on{background:#e3f5ea;color:var(--ok)}.state.pending{background:#fff3dc;color:var(--warn)}.state.off{background:#fbe4e2;color:var(--bad)}
.icons span{display:inline-block;margin-right:8px;white-space:nowrap;font-size:14px}.pager{display:flex;gap:12px;align-items:center;margin-top:12px}
pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f6f6fa;border:1px solid var(--line);border-radius:8px;padding:10px;overflow-x:auto}
.reply{border-left:4px solid var(--brand);background:#f3f2ff}.reply form{display:inline-block;margin:8px 8px 0 0}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:20px}@media (max-width:900px){.grid{grid-template-columns:1fr}}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.who{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap}
</style>`);

function sessionOf(req: Request): string | undefined {
  const id = parseCookies(req.headers.cookie ?? '')[COOKIE];
  return id && /^[\w-]{20,}$/.test(id) ? id : undefined;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Frame-Options', 'DENY');
}

/** Reads the table filters from a query string; anything unknown is ignored. */
function filtersOf(query: Record<string, unknown>): PeopleFilters {
  const pick = <T extends string>(value: unknown, allowed: readonly T[]) => (allowed as readonly unknown[]).includes(value) ? (value as T) : undefined;
  const page = typeof query.page === 'string' && /^[1-9]\d{0,4}$/.test(query.page) ? Number(query.page) : undefined;
  return {
    platform: pick(query.platform, PLATFORMS),
    status: pick(query.status, ['on', 'pending', 'off', 'failed'] as const),
    type: pick(query.type, ['bot', 'user'] as const),
    page,
  };
}

function queryOf(filters: PeopleFilters, page?: number): string {
  const q = new URLSearchParams();
  if (filters.platform) q.set('platform', filters.platform);
  if (filters.status) q.set('status', filters.status);
  if (filters.type) q.set('type', filters.type);
  if (page && page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Builds the admin routes; `commands` is the service's command registry. */
export function adminRoutes(core: Core, commands: CommandRegistry, options: { demoSignIn?: DemoAdminSignIn } = {}): AdminRoutes {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '10kb' });

  const ensureSession = (req: Request, res: Response): string => {
    const existing = sessionOf(req);
    if (existing) return existing;
    const id = newSessionId();
    res.cookie(COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: core.publicUrl.startsWith('https://'), path: '/', maxAge: 8 * 3600_000 });
    return id;
  };

  /** Where the admin's own commands and button presses come from: their account on their platform. */
  const asAdmin = (admin: AdminIdentity) => ({
    platform: admin.workspace.platform,
    workspaceId: admin.workspace.externalId,
    eventId: `admin:${randomUUID()}`,
    userId: admin.account.externalUserId,
    conversationId: admin.account.directConversationId ?? admin.account.externalUserId,
  });

  /** The admin as a command caller: the same context a slash command of theirs would get. */
  const contextFor = async (admin: AdminIdentity, text: string): Promise<CommandContext | undefined> => {
    const organization = await OrganizationModel.findById(admin.person.organizationId);
    if (!organization) return undefined;
    const event: InboundEvent = { kind: 'command', ...asAdmin(admin), text };
    return { core, organization, workspace: admin.workspace, account: admin.account, person: admin.person, isAdmin: true, event, confirmed: false };
  };

  const signInPage = (res: Response, problem?: string) => {
    const platforms = PLATFORMS.filter((p) => core.adapters.has(p));
    const body = html`<section class="card" aria-labelledby="t">
<h1 id="t">Crosstalk admin</h1>
<p>Sign in with your own chat account. The admin page is for Crosstalk admins only.</p>
${problem ? html`<p class="notice problem" role="alert">${problem}</p>` : ''}
<ul class="signin" style="list-style:none;padding:0;display:flex;gap:10px;flex-wrap:wrap">${platforms.map(
      (p) => html`<li><a class="btn secondary" href="/admin/sign-in/${p}">Sign in with ${PLATFORM_NAMES[p]}</a></li>`,
    )}</ul>
${options.demoSignIn ? html`<form method="post" action="/admin/sign-in/demo"><p class="muted">Sandbox: sign in as the demo organization's admin through the simulated sign-in.</p><button class="btn" type="submit">Sign in as the demo admin</button></form>` : ''}
</section>`;
    res.status(problem ? 403 : 200).type('html').send(layout('Admin sign-in', body));
  };

  router.get('/admin', async (req, res) => {
    noStore(res);
    const sessionId = sessionOf(req);
    const admin = await currentAdmin(core, sessionId);
    if (!admin || !sessionId) {
      signInPage(res);
      return;
    }
    if (admin.flash) await setFlash(sessionId, undefined);
    res.type('html').send(await dashboard(admin, filtersOf(req.query as Record<string, unknown>)));
  });

  router.get('/admin/sign-in/:platform', async (req, res) => {
    noStore(res);
    const platform = req.params.platform;
    if (!isPlatform(platform) || !core.adapters.has(platform)) {
      res.status(404).type('html').send(problemPage('Unknown platform', 'Crosstalk is not connected to that platform.'));
      return;
    }
    res.redirect(303, await startAdminSignIn(core, ensureSession(req, res), platform));
  });

  // Only the sandbox has a demo admin; anywhere else the path does not exist at all.
  const demoSignIn = options.demoSignIn;
  if (demoSignIn) {
    router.post('/admin/sign-in/demo', async (req, res) => {
      noStore(res);
      const platform = demoSignIn();
      if (!platform) {
        res.status(404).type('html').send(problemPage('Not available', 'No simulated platform is running to sign in with.'));
        return;
      }
      res.redirect(303, await startAdminSignIn(core, ensureSession(req, res), platform));
    });
  }

  router.post('/admin/sign-out', form, async (req, res) => {
    noStore(res);
    const sessionId = sessionOf(req);
    const admin = await currentAdmin(core, sessionId);
    if (sessionId && admin && sameToken(String(req.body?.csrf ?? ''), admin.csrfToken)) await signOut(sessionId);
    res.clearCookie(COOKIE, { path: '/' });
    res.redirect(303, '/admin');
  });

  // An action: the matching command line, run as the admin; its reply is shown after the redirect.
  router.post('/admin/action', form, async (req, res) => {
    noStore(res);
    const sessionId = sessionOf(req);
    const admin = await currentAdmin(core, sessionId);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!admin || !sessionId || !sameToken(String(body.csrf ?? ''), admin.csrfToken)) {
      res.status(403).type('html').send(problemPage('Not allowed', 'Your admin session has ended or this form is stale. Open the admin page again.'));
      return;
    }
    const back = typeof body.back === 'string' && /^\?[\w=&%.-]*$/.test(body.back) ? body.back : '';
    let reply: OutboundMessage | string;
    const email = typeof body.person === 'string' ? body.person.trim().toLowerCase() : '';
    const platform = isPlatform(body.platform) ? body.platform : undefined;
    if (body.action === 'confirm' || body.action === 'cancel') {
      const value = typeof body.value === 'string' && body.value.length < 4096 ? body.value : '';
      const event: InboundEvent = { kind: 'action', ...asAdmin(admin), actionId: body.action === 'confirm' ? CONFIRM_ACTION : CANCEL_ACTION, value };
      reply = (await commands.handleAction(event)).reply ?? 'Done.';
    } else {
      let line: string | undefined;
      if ((body.action === 'prompt' || body.action === 'reset') && EMAIL.test(email)) line = `${body.action} ${email}`;
      if (body.action === 'prompt-all') line = `prompt all${platform ? ` platform=${platform}` : ''}`;
      const ctx = line ? await contextFor(admin, line) : undefined;
      reply = ctx && line ? await commands.execute(ctx, line) : 'That action is not one the admin page knows.';
    }
    await setFlash(sessionId, JSON.stringify(typeof reply === 'string' ? { text: reply } : reply));
    res.redirect(303, `/admin${back}`);
  });

  async function dashboard(admin: AdminIdentity, filters: PeopleFilters): Promise<string> {
    const organizationId = admin.person.organizationId;
    const list = await listPeople(organizationId, filters);
    const back = queryOf(filters, list.page);
    const csrf = html`<input type="hidden" name="csrf" value="${admin.csrfToken}"><input type="hidden" name="back" value="${back}">`;
    const flash = admin.flash ? (JSON.parse(admin.flash) as OutboundMessage) : undefined;
    const run = async (line: string) => {
      const ctx = await contextFor(admin, line);
      const reply = ctx ? await commands.execute(ctx, line) : '';
      return neutralToHtml(typeof reply === 'string' ? reply : reply.text);
    };
    const [groups, contacts, events, overview, jobs] = await Promise.all([
      run('group list'),
      run('contactsync list'),
      eventLog.list(organizationId, { limit: 15 }),
      core.agenda.getJobsOverview().catch(() => []),
      core.agenda.queryJobs({ sort: { lastRunAt: 'desc' }, limit: 40 }).catch(() => ({ jobs: [], total: 0 })),
    ]);
    const ours = jobs.jobs
      .filter((j) => {
        const data = j.data as { organizationId?: unknown } | undefined;
        return !data?.organizationId || String(data.organizationId) === String(organizationId);
      })
      .slice(0, 12);

    const option = (value: string, label: string, current?: string) => html`<option value="${value}" ${value === (current ?? '') ? html`selected` : ''}>${label}</option>`;
    const rows = list.rows.map(
      (r) => html`<tr>
<td><strong>${r.person.name}</strong><br><span class="muted">${r.person.email}</span></td>
<td>${r.primary ?? html`<span class="muted">not chosen</span>`}</td>
<td><span class="state ${r.person.syncState}">${STATUS_WORD[r.person.syncState] ?? r.person.syncState}</span></td>
<td class="icons">${r.secondaries.map(
        (s) =>
          html`<span title="${PLATFORM_NAMES[s.platform]}: ${SECONDARY_WORD[s.status]}${s.type ? `, ${s.type} sync` : ''}"><span aria-hidden="true">${STATUS_ICONS[s.status]}</span> ${PLATFORM_NAMES[s.platform]}${s.type === 'bot' ? ' (bot)' : ''}<span class="visually-hidden"> ${SECONDARY_WORD[s.status]}</span></span>`,
      )}</td>
<td><div class="actions">
<form method="post" action="/admin/action">${csrf}<input type="hidden" name="action" value="prompt"><input type="hidden" name="person" value="${r.person.email}"><button class="btn small secondary" type="submit" aria-label="Prompt ${r.person.name}">Prompt</button></form>
<form method="post" action="/admin/action">${csrf}<input type="hidden" name="action" value="reset"><input type="hidden" name="person" value="${r.person.email}"><button class="btn small danger" type="submit" aria-label="Reset ${r.person.name}">Reset…</button></form>
</div></td>
</tr>`,
    );
    const first = (list.page - 1) * 20 + 1;
    const body = html`${WIDE}
<div class="who"><p>Signed in as <strong>${admin.person.name}</strong> (${PLATFORM_NAMES[admin.workspace.platform]})</p>
<form method="post" action="/admin/sign-out">${csrf}<button class="btn small secondary" type="submit">Sign out</button></form></div>
${flash
  ? html`<section class="card reply" aria-labelledby="reply-t" role="status"><h2 id="reply-t">Crosstalk replied</h2><div>${neutralToHtml(flash.text)}</div>${(flash.buttons ?? [])
      .filter((b) => b.actionId === CONFIRM_ACTION || b.actionId === CANCEL_ACTION)
      .map(
        (b) =>
          html`<form method="post" action="/admin/action">${csrf}<input type="hidden" name="action" value="${b.actionId === CONFIRM_ACTION ? 'confirm' : 'cancel'}"><input type="hidden" name="value" value="${b.value ?? ''}"><button class="btn ${b.style === 'danger' ? 'danger' : 'secondary'}" type="submit">${b.label}</button></form>`,
      )}</section>`
  : ''}
<section class="card" aria-labelledby="people-t">
<h1 id="people-t">People Sync</h1>
<form class="bar" method="get" action="/admin" aria-label="Filter people">
<label>Primary platform<select name="platform">${option('', 'All platforms', filters.platform)}${PLATFORMS.map((p) => option(p, PLATFORM_NAMES[p], filters.platform))}</select></label>
<label>Sync status<select name="status">${option('', 'Any status', filters.status)}${option('on', 'On', filters.status)}${option('pending', 'Pending', filters.status)}${option('off', 'Off', filters.status)}${option('failed', 'Failed', filters.status)}</select></label>
<label>Sync type<select name="type">${option('', 'Any type', filters.type)}${option('user', 'User sync', filters.type)}${option('bot', 'Bot sync', filters.type)}</select></label>
<button class="btn" type="submit">Apply filters</button>
${filters.platform || filters.status || filters.type ? html`<a href="/admin">Clear</a>` : ''}
</form>
<form class="bar" method="post" action="/admin/action">${csrf}<input type="hidden" name="action" value="prompt-all">${filters.platform ? html`<input type="hidden" name="platform" value="${filters.platform}">` : ''}
<button class="btn secondary" type="submit">Prompt everyone not synced${filters.platform ? ` on ${PLATFORM_NAMES[filters.platform]}` : ''}</button></form>
<p role="status" id="people-count">${list.total === 0 ? 'Nobody matches those filters.' : `Showing ${first}–${first + list.rows.length - 1} of ${list.total} people (page ${list.page} of ${list.pages}).`}</p>
${list.rows.length
  ? html`<table class="people" aria-describedby="people-count"><thead><tr><th scope="col">Person</th><th scope="col">Primary team</th><th scope="col">Sync</th><th scope="col">Secondaries</th><th scope="col">Actions</th></tr></thead><tbody>${rows}</tbody></table>`
  : ''}
<nav class="pager" aria-label="Pages">${list.page > 1 ? html`<a class="btn small secondary" href="/admin${queryOf(filters, list.page - 1)}" rel="prev">Previous</a>` : ''}${list.page < list.pages ? html`<a class="btn small secondary" href="/admin${queryOf(filters, list.page + 1)}" rel="next">Next</a>` : ''}</nav>
<p class="muted">✔ synced · ⏱ pending authorization · ⚠ failed · ↻ not created</p>
</section>
<div class="grid">
<section class="card" aria-labelledby="groups-t"><h2 id="groups-t">Group syncs</h2><div>${groups}</div></section>
<section class="card" aria-labelledby="contacts-t"><h2 id="contacts-t">Contact syncs</h2><div>${contacts}</div></section>
</div>
<section class="card" aria-labelledby="events-t"><h2 id="events-t">Event log</h2>
${events.length
  ? html`<table><thead><tr><th scope="col">When (UTC)</th><th scope="col">Type</th><th scope="col">Outcome</th><th scope="col">What happened</th></tr></thead><tbody>${events.map(
      (e) =>
        html`<tr><td>${e.at.toISOString().replace('T', ' ').slice(0, 19)}</td><td><code>${e.type}</code></td><td class="${e.outcome === 'failed' ? 'bad' : e.outcome === 'succeeded' ? 'ok' : ''}">${e.outcome}</td><td>${e.message}</td></tr>`,
    )}</tbody></table>`
  : html`<p class="muted">The event log is empty.</p>`}
</section>
<section class="card" aria-labelledby="jobs-t"><h2 id="jobs-t">Job queue</h2>
<table><thead><tr><th scope="col">Job</th><th scope="col">Running</th><th scope="col">Queued</th><th scope="col">Scheduled</th><th scope="col">Repeating</th><th scope="col">Completed</th><th scope="col">Failed</th></tr></thead><tbody>${overview.map(
      (o) => html`<tr><td><code>${o.name}</code></td><td>${o.running}</td><td>${o.queued}</td><td>${o.scheduled}</td><td>${o.repeating}</td><td>${o.completed}</td><td class="${o.failed ? 'bad' : ''}">${o.failed}</td></tr>`,
    )}</tbody></table>
<h3>Recent runs</h3>
${ours.length
  ? html`<table><thead><tr><th scope="col">Job</th><th scope="col">State</th><th scope="col">Last run</th><th scope="col">Next run</th><th scope="col">Problem</th></tr></thead><tbody>${ours.map(
      (j) =>
        html`<tr><td><code>${j.name}</code></td><td>${j.state}</td><td>${j.lastRunAt ? new Date(j.lastRunAt).toISOString().replace('T', ' ').slice(0, 19) : '—'}</td><td>${j.nextRunAt ? new Date(j.nextRunAt).toISOString().replace('T', ' ').slice(0, 19) : '—'}</td><td>${j.failReason ? String(j.failReason).slice(0, 160) : ''}</td></tr>`,
    )}</tbody></table>`
  : html`<p class="muted">No job has run yet.</p>`}
</section>`;
    return layout('Admin', body);
  }

  const oauthReturn: OAuthReturnHandler = async (platform, req, res) => {
    const str = (v: unknown) => (typeof v === 'string' && v.length < 2048 ? v : undefined);
    const state = str(req.query.state);
    if (!(await isAdminSignInState(state))) return false;
    noStore(res);
    try {
      await completeAdminSignIn(core, platform, { code: str(req.query.code), state, error: str(req.query.error), sessionId: sessionOf(req) });
      res.redirect(303, '/admin');
    } catch (err) {
      if (!(err instanceof AdminSignInError)) throw err;
      res.status(err.status).type('html').send(problemPage('Could not sign you in', err.message));
    }
    return true;
  };

  return { router, oauthReturn };
}
