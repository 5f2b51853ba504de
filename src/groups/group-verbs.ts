/**
 * `group ...` admin verbs. Each calls the group sync service; runs and undos go to jobs that
 * report back in the requester's chat with the bot.
 */
import { z } from 'zod';
import { PLATFORM_NAMES, type Platform } from '../chat-adapter.js';
import { UsageError, type CommandContext, type CommandSpec } from '../commands/registry.js';
import { findWorkspace } from '../commands/workspace-arg.js';
import { GroupSyncMemberModel, GroupSyncModel } from './group-sync.model.js';
import { PersonModel } from '../directory/person.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import { GROUP_RUN_JOB, GROUP_UNDO_JOB, type GroupSyncJobData } from './group-sync.jobs.js';
import { createGroupSync, deleteGroupSync, findGroupSync, groupSyncCounts, setGroupSyncEnabled, type GroupSyncDoc } from './group-sync.service.js';
import { asUsage as service, oneName as named, requester, when } from '../rule-sync/verbs.js';
import { describeRole, describeRule, MANAGER_ROLES, type GroupRule } from './rules.js';
import { ChannelReferenceError, resolveChannel } from './channel-ref.js';

const FAILURES_SHOWN = 10;

const oneName = (words: string[]) => named(words, 'group sync');

/** The group sync the words name. */
const syncNamed = (ctx: CommandContext, words: string[]) => service(() => findGroupSync(ctx.organization._id, oneName(words)));

function jobData(ctx: CommandContext, sync: GroupSyncDoc): GroupSyncJobData {
  return {
    organizationId: String(ctx.organization._id),
    groupSyncId: String(sync._id),
    notify: requester(ctx),
    actorPersonId: ctx.person ? String(ctx.person._id) : undefined,
  };
}

async function targetLabel(sync: GroupSyncDoc): Promise<{ label: string; platform?: Platform }> {
  const ws = await WorkspaceModel.findOne({ organizationId: sync.organizationId, _id: sync.workspaceId });
  if (!ws) return { label: `a workspace that is no longer connected, ${sync.channelId}` };
  const platform = ws.platform;
  return { label: `${ws.name} (${PLATFORM_NAMES[platform]}) ${sync.channelId}`, platform };
}

const createOptions = z.object({
  channel: z.string({ message: 'name the target as channel=<workspace>:<channel>' }).regex(/^[^:]+:.+$/, {
    message: 'must be <workspace>:<channel id or name>, e.g. slack:#general or zoom:tower',
  }),
  type: z.enum(['organization', 'buildings'], { message: 'must be organization or buildings' }),
  buildings: z.string().optional(),
  members: z.enum(['staff', 'student', 'all'], { message: 'must be staff, student or all' }).optional(),
  role: z.enum(['member', 'manager'], { message: 'must be member or manager' }).optional(),
});

/** Admin verbs for group syncs. */
export const groupVerbs: CommandSpec[] = [
  {
    path: ['group', 'create'],
    usage: 'group create <name> channel=<workspace>:<channel> type=organization|buildings [buildings=A,B] [members=staff|student|all] [role=member|manager]',
    summary: 'keep a channel filled with everyone (or some buildings), as members or managers',
    admin: true,
    options: createOptions,
    async run(ctx, { words, options }) {
      const name = oneName(words);
      const colon = options.channel.indexOf(':');
      const workspace = await findWorkspace(ctx.organization._id, options.channel.slice(0, colon));
      const rule: GroupRule = {
        type: options.type as GroupRule['type'],
        buildings: (options.buildings ?? '').split(',').map((b) => b.trim()).filter(Boolean),
        members: (options.members ?? 'all') as GroupRule['members'],
        role: (options.role ?? 'member') as GroupRule['role'],
      };
      let channel: Awaited<ReturnType<typeof resolveChannel>>;
      try {
        channel = await resolveChannel(ctx.core, workspace, options.channel.slice(colon + 1));
      } catch (err) {
        if (err instanceof ChannelReferenceError) throw new UsageError(err.message);
        throw err;
      }
      const sync = await service(() => createGroupSync(ctx.organization._id, { name, workspace, channelId: channel.id, rule, actorPersonId: ctx.person?._id }));
      await ctx.core.agenda.now(GROUP_RUN_JOB, jobData(ctx, sync));
      const platform = workspace.platform;
      return [
        `Group sync **${name}** created: ${describeRule(rule)} → ${workspace.name} (${PLATFORM_NAMES[platform]}) ${sync.channelId}, role ${describeRole(platform, rule.role)}.`,
        `Adding everyone who matches now; I'll post the result here. New and changed people are added within seconds.`,
      ].join('\n');
    },
  },
  {
    path: ['group', 'list'],
    usage: 'group list',
    summary: 'every group sync with its target and how many it added',
    admin: true,
    async run(ctx, { words }) {
      if (words.length) throw new UsageError(`unexpected "${words[0]}"`);
      const organizationId = ctx.organization._id;
      const syncs = await GroupSyncModel.find({ organizationId }).sort({ name: 1 });
      if (syncs.length === 0) return 'No group syncs yet. Create one with `/crosstalk group create`.';
      const workspaces = new Map((await WorkspaceModel.find({ organizationId })).map((w) => [String(w._id), w]));
      const lines = ['**Group syncs**'];
      for (const sync of syncs) {
        const ws = workspaces.get(String(sync.workspaceId));
        const added = await GroupSyncMemberModel.countDocuments({ organizationId, groupSyncId: sync._id, status: 'added' });
        const target = ws ? `${ws.name} (${PLATFORM_NAMES[ws.platform]}) ${sync.channelId}` : sync.channelId;
        lines.push(`${sync.enabled ? '●' : '○'} **${sync.name}** ${sync.enabled ? 'on' : 'off'} · ${describeRule(sync.rule)} · ${sync.rule.role} → ${target} · ${added} added · last run ${when(sync.lastRun?.at)}`);
      }
      return lines.join('\n');
    },
  },
  {
    path: ['group', 'show'],
    usage: 'group show <name>',
    summary: 'rule, target, counts, last run and failures of one group sync',
    admin: true,
    async run(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      const organizationId = ctx.organization._id;
      const { label, platform } = await targetLabel(sync);
      const counts = await groupSyncCounts(organizationId, sync._id);
      const last = sync.lastRun;
      const lines = [
        `**${sync.name}** · ${sync.enabled ? 'on' : 'off (nobody is added; nobody was removed)'}`,
        `Rule: ${describeRule(sync.rule)}`,
        `Role: ${platform ? describeRole(platform, sync.rule.role) : sync.rule.role}`,
        `Target: ${label}`,
        `People: ${counts.added} added by this sync · ${counts.already_member} were already there · ${counts.failed} not added · ${counts.removed} removed by undo`,
        `Last run: ${when(last?.at)}${last?.at ? ` · ${last.status}: ${last.added ?? 0} added, ${last.alreadyMembers ?? 0} already there, ${last.failed ?? 0} not added` : ''}`,
      ];
      if (platform && !MANAGER_ROLES[platform].granted) {
        lines.push(`Note: ${PLATFORM_NAMES[platform]} has no API to make someone a ${MANAGER_ROLES[platform].name}; role=manager adds people as members.`);
      }
      if (counts.failed > 0) {
        const failures = await GroupSyncMemberModel.find({ organizationId, groupSyncId: sync._id, status: 'failed' })
          .sort({ updatedAt: -1 })
          .limit(FAILURES_SHOWN)
          .lean();
        const people = new Map(
          (await PersonModel.find({ organizationId, _id: { $in: failures.map((f) => f.personId) } }, { name: 1, email: 1 }).lean()).map((p) => [
            String(p._id),
            p,
          ]),
        );
        lines.push(`Not added (retried every 15 minutes):`);
        for (const f of failures) {
          const p = people.get(String(f.personId));
          lines.push(`⚠ ${p ? `${p.name} (${p.email})` : 'someone no longer known'}: ${f.error ?? 'unknown error'} (${f.attempts} attempt${f.attempts === 1 ? '' : 's'})`);
        }
        if (counts.failed > failures.length) lines.push(`… and ${counts.failed - failures.length} more.`);
      }
      return lines.join('\n');
    },
  },
  {
    path: ['group', 'on'],
    usage: 'group on <name>',
    summary: 'turn a group sync on (adds everyone missing)',
    admin: true,
    async run(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      await setGroupSyncEnabled(sync, true, ctx.person?._id);
      await ctx.core.agenda.now(GROUP_RUN_JOB, jobData(ctx, sync));
      return `Group sync **${sync.name}** is on. Adding everyone who matches now; I'll post the result here.`;
    },
  },
  {
    path: ['group', 'off'],
    usage: 'group off <name>',
    summary: 'turn a group sync off (removes nobody)',
    admin: true,
    async run(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      await setGroupSyncEnabled(sync, false, ctx.person?._id);
      return `Group sync **${sync.name}** is off: nobody new is added, and nobody was removed. \`/crosstalk group undo ${sync.name}\` removes the people it added.`;
    },
  },
  {
    path: ['group', 'run'],
    usage: 'group run <name>',
    summary: 'run a group sync now',
    admin: true,
    async run(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      if (!sync.enabled) throw new UsageError(`${sync.name} is off; turn it on with \`/crosstalk group on ${sync.name}\``);
      await ctx.core.agenda.now(GROUP_RUN_JOB, jobData(ctx, sync));
      return `Running group sync **${sync.name}** now; I'll post the result here.`;
    },
  },
  {
    path: ['group', 'undo'],
    usage: 'group undo <name>',
    summary: 'turn a group sync off and remove exactly the people it added (asks first)',
    admin: true,
    async confirm(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      const { label } = await targetLabel(sync);
      const added = await GroupSyncMemberModel.countDocuments({ organizationId: ctx.organization._id, groupSyncId: sync._id, status: 'added' });
      return `Undo group sync ${sync.name}? It is turned off and the ${added} people it added are removed from ${label}. People who were already there or were added by hand stay.`;
    },
    async run(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      await GroupSyncModel.updateOne({ organizationId: ctx.organization._id, _id: sync._id }, { $set: { enabled: false } });
      await ctx.core.agenda.now(GROUP_UNDO_JOB, jobData(ctx, sync));
      return `Undoing group sync **${sync.name}**: it is off, and the people it added are being removed. I'll post the result here.`;
    },
  },
  {
    path: ['group', 'delete'],
    usage: 'group delete <name>',
    summary: 'delete a group sync and its records (removes nobody; asks first)',
    admin: true,
    async confirm(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      return `Delete group sync ${sync.name}? Nobody is removed from the channel, but Crosstalk forgets whom it added, so \`group undo\` will no longer be possible.`;
    },
    async run(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      await deleteGroupSync(sync, ctx.person?._id);
      return `Group sync **${sync.name}** deleted. Nobody was removed from the channel.`;
    },
  },
];
