import { WorkspaceModel } from '../directory/workspace.model.js';
import { issuePromptLink } from './prompts.js';
import { secondariesOf, STATUS_ICONS } from './sync-status.js';
import type { CommandRegistry, CommandSpec } from '../commands/registry.js';
import { PLATFORM_NAMES } from '../chat-adapter.js';

const NOT_KNOWN = 'I could not find your account in the directory yet (it may have no email). Ask an admin to run `/crosstalk directory sync`.';

/** `help`, `status`, `sync`: available to everyone. */
export function generalVerbs(registry: CommandRegistry): CommandSpec[] {
  return [
    {
      path: ['help'],
      usage: 'help',
      summary: 'list the commands you can use',
      admin: false,
      async run(ctx) {
        const lines = registry.visibleTo(ctx.isAdmin).map((s) => `• \`/crosstalk ${s.usage}\` — ${s.summary}`);
        const who = ctx.isAdmin ? 'You are a Crosstalk admin.' : 'Admins have more commands.';
        return `**Crosstalk commands**\n${lines.join('\n')}\n${who} A \`<person>\` is an email, a mention or a name.`;
      },
    },
    {
      path: ['status'],
      usage: 'status',
      summary: 'your sync state and primary team',
      admin: false,
      async run(ctx) {
        const person = ctx.person;
        if (!person) return NOT_KNOWN;
        const primary = person.primaryWorkspaceId
          ? await WorkspaceModel.findOne({ organizationId: ctx.organization._id, _id: person.primaryWorkspaceId })
          : null;
        const secondaries = await secondariesOf(person);
        const lines = [
          `**${person.name}** (${person.email})`,
          `Sync: **${person.syncState}**`,
          `Primary team: ${primary ? `${primary.name} (${PLATFORM_NAMES[primary.platform]})` : 'not chosen yet'}`,
          ...secondaries.map(
            (s) => `${STATUS_ICONS[s.status]} ${s.workspaceName} (${PLATFORM_NAMES[s.platform]}): ${s.status.replace('_', ' ')}${s.type ? `, ${s.type} sync` : ''}`,
          ),
        ];
        if (person.syncState !== 'on') lines.push('Type `/crosstalk sync` to get your Sync now link.');
        return lines.join('\n');
      },
    },
    {
      path: ['sync'],
      usage: 'sync',
      summary: 'get your own Sync now link',
      admin: false,
      async run(ctx) {
        if (!ctx.person) return NOT_KNOWN;
        const url = await issuePromptLink(ctx.core, ctx.person);
        return {
          text: 'Here is your personal Sync now link. It works once and expires in 7 days; do not share it.',
          buttons: [{ label: 'Sync now', url, style: 'primary' }],
        };
      },
    },
  ];
}
