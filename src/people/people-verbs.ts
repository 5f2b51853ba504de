import { z } from 'zod';
import { PLATFORMS, PLATFORM_NAMES, isPlatform } from '../chat-adapter.js';
import { PROMPT_BULK_JOB, type PromptBulkData } from './prompt-bulk.job.js';
import { OrganizationModel } from '../directory/organization.model.js';
import { PersonModel } from '../directory/person.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import { promptPerson } from './prompts.js';
import { resolvePerson } from './resolve.js';
import { listPeople, PEOPLE_PAGE_SIZE, type PeopleFilters } from './people-list.js';
import { resetPerson, setPrimary, STATUS_ICONS } from './sync-status.js';
import { eventLog } from '../core/event-log.js';
import { UsageError, type CommandContext, type CommandSpec } from '../commands/registry.js';
import { findWorkspace } from '../commands/workspace-arg.js';

const PAGE_SIZE = PEOPLE_PAGE_SIZE;
const onOff = z.enum(['on', 'off']);

function requester(ctx: CommandContext) {
  return { workspaceId: String(ctx.workspace._id), userId: ctx.event.userId };
}

async function onePerson(ctx: CommandContext, words: string[]) {
  if (words.length !== 1) throw new UsageError(words.length ? 'name exactly one person (quote a full name)' : 'name a person');
  return resolvePerson(ctx.organization._id, ctx.workspace._id, words[0]);
}

function pad(text: string, width: number): string {
  const t = text.length > width ? `${text.slice(0, width - 1)}…` : text;
  return t.padEnd(width);
}

/** Admin verbs about people and their sync. */
export const peopleVerbs: CommandSpec[] = [
  {
    path: ['people'],
    usage: 'people [platform=slack|teams|webex|zoom] [status=on|pending|off|failed] [type=bot|user] [page=N]',
    summary: 'people with their primary team, sync state and per-platform status',
    admin: true,
    options: z.object({
      platform: z.enum(PLATFORMS, { message: 'must be slack, teams, webex or zoom' }).optional(),
      status: z.enum(['on', 'pending', 'off', 'failed'], { message: 'must be on, pending, off or failed' }).optional(),
      type: z.enum(['bot', 'user'], { message: 'must be bot or user' }).optional(),
      page: z.string().regex(/^[1-9]\d*$/, { message: 'must be a page number, e.g. 2' }).optional(),
    }),
    async run(ctx, { words, options }) {
      if (words.length) throw new UsageError(`unexpected "${words[0]}"`);
      const list = await listPeople(ctx.organization._id, {
        platform: isPlatform(options.platform) ? options.platform : undefined,
        status: options.status as PeopleFilters['status'],
        type: options.type as PeopleFilters['type'],
        page: Number(options.page ?? 1),
      });
      const { total, pages, page } = list;
      if (page > pages) throw new UsageError(`there ${pages === 1 ? 'is' : 'are'} only ${pages} page(s)`);
      if (total === 0) return 'Nobody matches those filters.';
      const rows = list.rows.map(({ person: p, primary, secondaries }) => {
        const icons = secondaries.map((s) => `${STATUS_ICONS[s.status]}${s.platform}${s.type === 'bot' ? '(bot)' : ''}`).join(' ');
        return `${pad(p.name, 22)} ${pad(p.email, 28)} ${pad(primary ?? '—', 26)} ${pad(p.syncState, 8)} ${icons}`;
      });
      const first = (page - 1) * PAGE_SIZE + 1;
      const header = `${pad('Name', 22)} ${pad('Email', 28)} ${pad('Primary team', 26)} ${pad('Sync', 8)} Secondaries`;
      const more = page < pages ? ` Next: \`/crosstalk people page=${page + 1}\`` : '';
      return `**People** ${first}–${first + rows.length - 1} of ${total} (page ${page} of ${pages}).${more}\n\`\`\`\n${header}\n${rows.join('\n')}\n\`\`\`\n✔ on  ⏱ pending  ⚠ failed  ↻ not created`;
    },
  },
  {
    path: ['prompt', 'all'],
    usage: 'prompt all [platform=slack|teams|webex|zoom]',
    summary: 'prompt everyone not yet synced (a background job with progress)',
    admin: true,
    options: z.object({ platform: z.enum(PLATFORMS, { message: 'must be slack, teams, webex or zoom' }).optional() }),
    async run(ctx, { words, options }) {
      if (words.length) throw new UsageError(`unexpected "${words[0]}"`);
      const data: PromptBulkData = {
        organizationId: String(ctx.organization._id),
        platform: isPlatform(options.platform) ? options.platform : undefined,
        notify: requester(ctx),
        actorPersonId: ctx.person ? String(ctx.person._id) : undefined,
      };
      const waiting = await PersonModel.countDocuments({ organizationId: ctx.organization._id, syncState: { $ne: 'on' } });
      await ctx.core.agenda.now(PROMPT_BULK_JOB, data);
      return `Prompting up to ${waiting} people who are not synced${isPlatform(options.platform) ? ` on ${PLATFORM_NAMES[options.platform]}` : ''}. I'll post progress and a final count here.`;
    },
  },
  {
    path: ['prompt'],
    usage: 'prompt <person>...',
    summary: 'send people a Sync now prompt',
    admin: true,
    async run(ctx, { words }) {
      if (!words.length) throw new UsageError('name at least one person');
      const lines: string[] = [];
      for (const word of words) {
        try {
          const person = await resolvePerson(ctx.organization._id, ctx.workspace._id, word);
          const result = await promptPerson(ctx.core, person, { actorPersonId: ctx.person?._id });
          lines.push(result.sent ? `✔ prompted ${person.name}` : `⚠ ${result.reason}`);
        } catch (err) {
          lines.push(`⚠ ${word}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      return lines.join('\n');
    },
  },
  {
    path: ['autoprompt'],
    usage: 'autoprompt on|off',
    summary: 'prompt sync-off people when they message someone synced (once per cool-down)',
    admin: true,
    async run(ctx, { words }) {
      const parsed = onOff.safeParse(words[0]);
      if (!parsed.success || words.length !== 1) throw new UsageError('say on or off');
      await OrganizationModel.updateOne({ _id: ctx.organization._id }, { $set: { 'settings.autoPrompt': parsed.data === 'on' } });
      await eventLog.record(ctx.organization._id, {
        type: 'settings.autoprompt',
        outcome: 'info',
        actorPersonId: ctx.person?._id,
        message: `Auto-prompt turned ${parsed.data}`,
      });
      const days = ctx.organization.settings?.autoPromptCooldownDays ?? 7;
      return parsed.data === 'on'
        ? `Auto-prompt is on: a sync-off person who messages someone synced gets a prompt, at most once every ${days} days.`
        : 'Auto-prompt is off.';
    },
  },
  {
    path: ['autosync'],
    usage: 'autosync on|off',
    summary: 'bot-sync Teams and Webex primaries on Slack without a prompt',
    admin: true,
    async run(ctx, { words }) {
      const parsed = onOff.safeParse(words[0]);
      if (!parsed.success || words.length !== 1) throw new UsageError('say on or off');
      await OrganizationModel.updateOne({ _id: ctx.organization._id }, { $set: { 'settings.autoSyncMode': parsed.data === 'on' } });
      let synced = 0;
      if (parsed.data === 'on') {
        const targets = await WorkspaceModel.find({ organizationId: ctx.organization._id, platform: { $in: ['teams', 'webex'] } });
        const result = await PersonModel.updateMany(
          { organizationId: ctx.organization._id, primaryWorkspaceId: { $in: targets.map((w) => w._id) }, syncState: { $ne: 'on' } },
          { $set: { syncState: 'on' } },
        );
        synced = result.modifiedCount;
      }
      await eventLog.record(ctx.organization._id, {
        type: 'settings.autosync',
        outcome: 'info',
        actorPersonId: ctx.person?._id,
        message: `Auto-sync mode turned ${parsed.data}${synced ? `; ${synced} Teams/Webex people bot-synced` : ''}`,
      });
      return parsed.data === 'on'
        ? `Auto-sync mode is on: ${synced} people whose primary is Teams or Webex are now bot-synced on Slack without a prompt.`
        : 'Auto-sync mode is off; nobody was unsynced.';
    },
  },
  {
    path: ['primary'],
    usage: 'primary <person> <workspace>',
    summary: "set someone's primary team",
    admin: true,
    async run(ctx, { words }) {
      if (words.length !== 2) throw new UsageError('name a person and a workspace');
      const person = await resolvePerson(ctx.organization._id, ctx.workspace._id, words[0]);
      const workspace = await findWorkspace(ctx.organization._id, words[1]);
      try {
        await setPrimary(person, workspace, {
          actorPersonId: ctx.person?._id,
          autoSyncMode: ctx.organization.settings?.autoSyncMode ?? false,
        });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      return `${person.name}'s primary team is now ${workspace.name} (${PLATFORM_NAMES[workspace.platform]}). Sync: ${person.syncState}.`;
    },
  },
  {
    path: ['reset'],
    usage: 'reset <person>',
    summary: "break every sync of a person and delete their tokens and app data (asks first)",
    admin: true,
    async confirm(ctx, { words }) {
      const person = await onePerson(ctx, words);
      return `Reset ${person.name} (${person.email})? This breaks all their syncs and deletes their authorizations and Crosstalk data.`;
    },
    async run(ctx, { words }) {
      const person = await onePerson(ctx, words);
      const { tokensDeleted } = await resetPerson(person, ctx.person?._id);
      return `${person.name} was reset: every sync broken, ${tokensDeleted} authorization(s) and their app data deleted. They can sync again with a new prompt.`;
    },
  },
  {
    path: ['person', 'set'],
    usage: 'person set <person> [buildings=A,B] [type=staff|student]',
    summary: 'set the attributes group syncs use',
    admin: true,
    options: z.object({
      buildings: z.string().optional(),
      type: z.enum(['staff', 'student'], { message: 'must be staff or student' }).optional(),
    }),
    async run(ctx, { words, options }) {
      const person = await onePerson(ctx, words);
      if (options.buildings === undefined && options.type === undefined) throw new UsageError('set buildings= and/or type=');
      const update: Record<string, unknown> = {};
      if (options.buildings !== undefined) update.buildings = options.buildings.split(',').map((b) => b.trim()).filter(Boolean);
      if (options.type !== undefined) update.memberType = options.type;
      await PersonModel.updateOne({ organizationId: ctx.organization._id, _id: person._id }, { $set: update });
      ctx.core.events.emit('people.changed', { organizationId: ctx.organization._id, personIds: [person._id] });
      const parts = [
        update.buildings ? `buildings ${(update.buildings as string[]).join(', ') || '(none)'}` : '',
        update.memberType ? `type ${update.memberType as string}` : '',
      ].filter(Boolean);
      await eventLog.record(ctx.organization._id, {
        type: 'person.attributes',
        outcome: 'succeeded',
        actorPersonId: ctx.person?._id,
        subject: person.email,
        message: `${person.name}: ${parts.join('; ')}`,
      });
      return `${person.name} now has ${parts.join(' and ')}.`;
    },
  },
  {
    path: ['admin', 'add'],
    usage: 'admin add <person>',
    summary: 'make someone a Crosstalk admin',
    admin: true,
    async run(ctx, { words }) {
      const person = await onePerson(ctx, words);
      await PersonModel.updateOne({ organizationId: ctx.organization._id, _id: person._id }, { $set: { isAdmin: true } });
      await eventLog.record(ctx.organization._id, {
        type: 'admin.grant',
        outcome: 'succeeded',
        actorPersonId: ctx.person?._id,
        subject: person.email,
        message: `${person.name} was made an admin`,
      });
      return `${person.name} is now a Crosstalk admin.`;
    },
  },
  {
    path: ['admin', 'remove'],
    usage: 'admin remove <person>',
    summary: "remove someone's admin rights (CROSSTALK_ADMINS stay admins)",
    admin: true,
    async run(ctx, { words }) {
      const person = await onePerson(ctx, words);
      await PersonModel.updateOne({ organizationId: ctx.organization._id, _id: person._id }, { $set: { isAdmin: false } });
      await eventLog.record(ctx.organization._id, {
        type: 'admin.revoke',
        outcome: 'succeeded',
        actorPersonId: ctx.person?._id,
        subject: person.email,
        message: `${person.name}'s admin rights were removed`,
      });
      const fixed = ctx.core.config.admins.includes(person.email);
      return fixed
        ? `${person.name} is listed in CROSSTALK_ADMINS, so they stay an admin until that setting changes.`
        : `${person.name} is no longer a Crosstalk admin.`;
    },
  },
];
