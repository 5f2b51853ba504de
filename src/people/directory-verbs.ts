import { z } from 'zod';
import { PLATFORM_NAMES, PLATFORMS } from '../chat-adapter.js';
import { adapterFor, workspaceRef } from '../core/core.js';
import { DIRECTORY_SYNC_JOB, type DirectorySyncData } from './directory-sync.job.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import { eventLog } from '../core/event-log.js';
import { UsageError, type CommandSpec } from '../commands/registry.js';
import { findWorkspace } from '../commands/workspace-arg.js';

function yesNo(value: boolean | 'unknown' | undefined | null): string {
  if (value === 'unknown') return '? (not readable through the API)';
  return value ? '✔' : '⚠';
}

/** Admin verbs: directory sync, workspace health, the event log. */
export const directoryVerbs: CommandSpec[] = [
  {
    path: ['directory', 'sync'],
    usage: 'directory sync [<workspace>|all]',
    summary: 'import users from one workspace or all (runs in the background)',
    admin: true,
    async run(ctx, { words }) {
      if (words.length > 1) throw new UsageError('name one workspace, or all');
      const organizationId = ctx.organization._id;
      const targets =
        !words.length || words[0].toLowerCase() === 'all'
          ? await WorkspaceModel.find({ organizationId })
          : [await findWorkspace(organizationId, words[0])];
      if (targets.length === 0) return 'No workspace is connected yet.';
      for (const ws of targets) {
        const data: DirectorySyncData = {
          organizationId: String(organizationId),
          workspaceId: String(ws._id),
          notify: { workspaceId: String(ctx.workspace._id), userId: ctx.event.userId },
        };
        await ctx.core.agenda.now(DIRECTORY_SYNC_JOB, data);
      }
      const names = targets.map((w) => w.name).join(', ');
      return `Directory sync started for ${targets.length} workspace${targets.length === 1 ? '' : 's'} (${names}). I'll post a summary here when ${targets.length === 1 ? 'it is' : 'each is'} done.`;
    },
  },
  {
    path: ['directory', 'status'],
    usage: 'directory status',
    summary: 'health of each workspace: token, bot, scopes, webhooks, last sync',
    admin: true,
    async run(ctx) {
      const workspaces = await WorkspaceModel.find({ organizationId: ctx.organization._id }).sort({ platform: 1, name: 1 });
      if (workspaces.length === 0) return 'No workspace is connected yet.';
      const lines: string[] = ['**Workspaces**'];
      for (const ws of workspaces) {
        const platform = ws.platform;
        let health;
        try {
          health = await adapterFor(ctx.core, platform).checkHealth(workspaceRef(ctx.core, ws));
        } catch (err) {
          health = {
            tokenValid: false,
            botPresent: false,
            scopesGranted: false,
            webhooksRegistered: false,
            missingScopes: [],
            detail: err instanceof Error ? err.message : String(err),
          };
        }
        const stored = { ...health, webhooksRegistered: health.webhooksRegistered === 'unknown' ? undefined : health.webhooksRegistered };
        await WorkspaceModel.updateOne({ organizationId: ctx.organization._id, _id: ws._id }, { $set: { health: { ...stored, checkedAt: new Date() } } });
        const last = ws.lastDirectorySync;
        const lastText = last?.at
          ? `${last.status} ${last.at.toISOString().replace('T', ' ').slice(0, 16)} UTC (${last.people ?? 0} accounts)${last.error ? `: ${last.error}` : ''}`
          : 'never';
        lines.push(
          `**${ws.name}** (${PLATFORM_NAMES[platform]}): token ${yesNo(health.tokenValid)} · bot ${yesNo(health.botPresent)} · scopes ${yesNo(health.scopesGranted)}${
            health.missingScopes.length ? ` (missing ${health.missingScopes.join(', ')})` : ''
          } · webhooks ${yesNo(health.webhooksRegistered)} · last sync: ${lastText}${health.detail ? `\n    ${health.detail}` : ''}`,
        );
      }
      const off = PLATFORMS.filter((p) => !ctx.core.adapters.has(p));
      if (off.length) lines.push(`Not configured: ${off.map((p) => PLATFORM_NAMES[p]).join(', ')} (no credentials in this deployment).`);
      return lines.join('\n');
    },
  },
  {
    path: ['events'],
    usage: 'events [type=..] [limit=N]',
    summary: 'the event log, newest first',
    admin: true,
    options: z.object({
      type: z.string().regex(/^[\w.-]+$/, { message: 'must be an event type such as directory.sync' }).optional(),
      limit: z.string().regex(/^\d+$/, { message: 'must be a number from 1 to 200' }).optional(),
    }),
    async run(ctx, { words, options }) {
      if (words.length) throw new UsageError(`unexpected "${words[0]}"`);
      const limit = options.limit ? Number(options.limit) : 20;
      if (limit < 1 || limit > 200) throw new UsageError('limit: must be a number from 1 to 200');
      const events = await eventLog.list(ctx.organization._id, { type: options.type, limit });
      if (events.length === 0) return options.type ? `No events of type ${options.type}.` : 'The event log is empty.';
      const icon = { started: '▶', progress: '…', succeeded: '✔', failed: '⚠', info: 'ℹ' } as const;
      return [
        `**Events** (newest first${options.type ? `, type ${options.type}` : ''})`,
        ...events.map((e) => `${icon[e.outcome]} ${e.at.toISOString().replace('T', ' ').slice(0, 19)} · ${e.type} · ${e.message}`),
      ].join('\n');
    },
  },
];
