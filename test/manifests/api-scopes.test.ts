/**
 * Every platform API the adapters call is listed in `manifests/api-scopes.ts` with the scope its
 * reference requires, and that scope is declared in `manifests/source.ts` for the token that makes
 * the call: a new call, or a dropped scope, fails here before a real workspace answers `missing_scope`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_REQUIREMENTS, DECLARED } from '../../manifests/api-scopes.js';
import { SLACK, ZOOM, type Platform } from '../../manifests/source.js';

const ROOT = join(import.meta.dirname, '../..');

function sources(platform: Platform): string {
  const dir = join(ROOT, 'adapters', platform);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

const normalizePath = (p: string) => p.replace(/\$\{[^}]*\}/g, '{}').replace(/\?.*$/, '');
const GENERIC = String.raw`(?:<[^()]*?>)?\(`;
const QUOTED = String.raw`['\x60]([^'\x60]+)['\x60]`;

/** The APIs each adapter calls, found in its source. */
const SCANNERS: Record<Platform, (src: string) => string[]> = {
  // `api.client(token).chat.postMessage(...)`
  slack: (src) => [...src.matchAll(/client\([^()]*\)\s*\.\s*([\w.]+?)\s*\(/g)].map((m) => m[1]!),
  // `graph.request(key, 'label', 'METHOD', url, token)`
  // ... and the lookup helpers `get(workspace, 'label', path)` / `findInPages(workspace, 'label', …)` (GET)
  teams: (src) => [
    ...[...src.matchAll(new RegExp(String.raw`request\s*${GENERIC}\s*[^,()]+(?:\([^()]*\))?[^,()]*,\s*${QUOTED},\s*'(GET|POST|PUT|PATCH|DELETE)'`, 'g'))].map(
      (m) => `${m[2]} ${m[1]}`,
    ),
    ...[...src.matchAll(new RegExp(String.raw`\b(?:get|findInPages)\s*${GENERIC}\s*workspace,\s*${QUOTED}`, 'g'))].map((m) => `GET ${m[1]}`),
  ],
  // operation labels such as 'messages.create'
  webex: (src) => [...src.matchAll(/'((?:people|messages|memberships|rooms|webhooks|attachmentActions)\.(?:list|get|create|update|delete|me))'/g)].map((m) => m[1]!),
  // `api.request(key, 'label', token, 'METHOD', '/path')`
  // ... and the membership helper `call(workspace, 'label', 'METHOD', '/path')` (account token)
  zoom: (src) => [
    ...[...src.matchAll(new RegExp(String.raw`request\s*${GENERIC}\s*[^,]+,\s*${QUOTED},\s*\w+,\s*'(GET|POST|PUT|PATCH|DELETE)',\s*${QUOTED}`, 'g'))].map(
      (m) => `${m[2]} ${normalizePath(m[3]!)}`,
    ),
    ...[...src.matchAll(new RegExp(String.raw`\bcall\s*${GENERIC}\s*workspace,\s*${QUOTED},\s*'(GET|POST|PUT|PATCH|DELETE)',\s*${QUOTED}`, 'g'))].map(
      (m) => `${m[2]} ${normalizePath(m[3]!)}`,
    ),
  ],
};

/** Calls each scanner must find, so a scanner broken by a refactor fails instead of finding nothing. */
const MUST_FIND: Record<Platform, string[]> = {
  slack: ['chat.postMessage', 'users.list', 'conversations.members', 'reactions.add', 'oauth.v2.access'],
  teams: ['GET list users', 'POST add member', 'DELETE remove member', 'POST post chat message', 'POST open chat', 'GET get team', 'GET list channels'],
  webex: ['messages.create', 'people.list', 'memberships.list', 'rooms.list', 'rooms.get'],
  zoom: ['POST /im/chat/messages', 'GET /users', 'POST /chat/channels/{}/members', 'DELETE /chat/channels/{}/members/{}', 'POST /chat/users/me/messages'],
};

describe.each(['slack', 'teams', 'webex', 'zoom'] as const)('%s: APIs called and scopes declared', (platform) => {
  const table = API_REQUIREMENTS[platform];
  const found = [...new Set(SCANNERS[platform](sources(platform)))].sort();

  it('finds the calls it knows the adapter makes', () => {
    expect(found).toEqual(expect.arrayContaining(MUST_FIND[platform]));
  });

  it('has a cited requirement for every API the adapter calls', () => {
    const listed = new Set(table.map((r) => r.api));
    expect(found.filter((api) => !listed.has(api))).toEqual([]);
    for (const row of table) expect(row.ref, row.api).toMatch(/^https:\/\//);
  });

  it('declares every required scope for the token that makes the call', () => {
    const missing: string[] = [];
    for (const row of table) {
      for (const credential of row.uses) {
        const declared = DECLARED[platform][credential];
        if (!declared) {
          missing.push(`${row.api}: no ${credential} token is declared for ${platform}`);
          continue;
        }
        for (const scope of row.requires) if (!declared.includes(scope)) missing.push(`${row.api} (${credential}) needs ${scope}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('events the manifests subscribe to', () => {
  it('every Slack bot event and Zoom event type has a requirement row', () => {
    const slack = new Set(API_REQUIREMENTS.slack.map((r) => r.api));
    expect(SLACK.botEvents.filter((e) => !slack.has(`event ${e}`))).toEqual([]);
    const zoom = new Set(API_REQUIREMENTS.zoom.map((r) => r.api));
    expect(ZOOM.eventTypes.filter((e) => !zoom.has(`event ${e}`))).toEqual([]);
  });

  it('the Zoom user scopes carry the event scope and the list scope the resend lookup needs', () => {
    expect(ZOOM.userScopes).toContain('team_chat:read:user_message');
    expect(ZOOM.userScopes).toContain('team_chat:read:list_user_messages');
  });
});
