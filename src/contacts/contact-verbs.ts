/**
 * `contacts ...` (everyone: their own groups and synced contacts) and `contactsync ...` (admins).
 */
import { z } from 'zod';
import { UsageError, type CommandContext, type CommandSpec } from '../commands/registry.js';
import { findWorkspace } from '../commands/workspace-arg.js';
import { ContactGroupModel, ContactSyncModel } from './contact.model.js';
import { PersonModel } from '../directory/person.model.js';
import type { PersonDoc } from '../directory/person.model.js';
import { resolvePerson } from '../people/resolve.js';
import { CONTACT_RUN_JOB, type ContactRunJobData } from './contact-sync.jobs.js';
import { lastRuns } from './contact-records.js';
import { asUsage as service, oneName, requester, when } from '../rule-sync/verbs.js';
import {
  addToGroup,
  createContactSync,
  deleteContactSync,
  describeDestinations,
  ensureDailySchedule,
  findContactSync,
  ownGroups,
  removeFromGroup,
  syncedContactsOf,
  type ContactSyncDoc,
  type Destination,
} from './contact-sync.service.js';

const SHOWN_PER_GROUP = 25;

function caller(ctx: CommandContext): PersonDoc {
  if (!ctx.person) throw new UsageError('I could not tell who you are yet; ask an admin to run `/crosstalk directory sync`');
  return ctx.person;
}

async function people(ctx: CommandContext, tokens: string[]): Promise<PersonDoc[]> {
  if (tokens.length === 0) throw new UsageError('name at least one person');
  const found: PersonDoc[] = [];
  for (const token of tokens) found.push(await resolvePerson(ctx.organization._id, ctx.workspace._id, token));
  return [...new Map(found.map((p) => [String(p._id), p])).values()];
}

function listPeople(list: Array<{ name: string; email: string }>): string[] {
  const lines = list.slice(0, SHOWN_PER_GROUP).map((p) => `   • ${p.name} (${p.email})`);
  if (list.length > SHOWN_PER_GROUP) lines.push(`   … and ${list.length - SHOWN_PER_GROUP} more`);
  return lines;
}

/** Parses `to=` destinations: a person, `group:<workspace>:<channel>`, `ou:<building or department>`, `domain:<domain>`. */
async function parseDestinations(ctx: CommandContext, text: string): Promise<Destination[]> {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError('to: name at least one destination');
  const out: Destination[] = [];
  for (const part of parts) {
    const match = /^(group|ou|domain):(.*)$/i.exec(part);
    if (!match) {
      const person = await resolvePerson(ctx.organization._id, ctx.workspace._id, part);
      out.push({ kind: 'person', ref: String(person._id) });
      continue;
    }
    const kind = match[1].toLowerCase() as Destination['kind'];
    const value = match[2].trim();
    if (kind === 'group') {
      const colon = value.indexOf(':');
      if (colon <= 0 || colon === value.length - 1) throw new UsageError(`to: "${part}" must be group:<workspace>:<channel id>`);
      const workspace = await findWorkspace(ctx.organization._id, value.slice(0, colon));
      out.push({ kind, ref: `${workspace._id}:${value.slice(colon + 1)}` });
    } else if (kind === 'domain') {
      const domain = value.toLowerCase().replace(/^@/, '');
      if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) throw new UsageError(`to: "${value}" is not an email domain`);
      out.push({ kind, ref: domain });
    } else {
      if (!value) throw new UsageError('to: ou: needs a building or department name');
      out.push({ kind, ref: value });
    }
  }
  return out;
}

/** The contact sync the words name. */
const syncNamed = (ctx: CommandContext, words: string[]) => service(() => findContactSync(ctx.organization._id, oneName(words, 'contact sync')));

function runData(ctx: CommandContext, sync: ContactSyncDoc): ContactRunJobData {
  return {
    organizationId: String(ctx.organization._id),
    contactSyncId: String(sync._id),
    notify: requester(ctx),
  };
}

/** Verbs for everyone (`contacts`) and for admins (`contactsync`). */
export const contactVerbs: CommandSpec[] = [
  {
    path: ['contacts'],
    usage: 'contacts',
    summary: 'your contacts: your own groups and the contacts synced to you',
    admin: false,
    async run(ctx, { words }) {
      if (words.length) throw new UsageError(`unexpected "${words[0]}"; to change a group use \`/crosstalk contacts group add|remove|list\``);
      const me = caller(ctx);
      const organizationId = ctx.organization._id;
      const groups = await ownGroups(organizationId, me._id);
      const synced = await syncedContactsOf(organizationId, me._id);
      if (groups.length === 0 && synced.length === 0) {
        return 'You have no contacts yet. Add some with `/crosstalk contacts group add <group> <person>...`.';
      }
      const members = new Map(
        (await PersonModel.find({ organizationId, _id: { $in: groups.flatMap((g) => g.memberPersonIds) } }, { name: 1, email: 1 }).sort({ name: 1 }).lean()).map((p) => [
          String(p._id),
          p,
        ]),
      );
      const lines = ['**Your contacts**'];
      for (const g of groups) {
        const list = g.memberPersonIds.map((id) => members.get(String(id))).filter((p): p is NonNullable<typeof p> => Boolean(p));
        lines.push(`**${g.name}** (yours, ${list.length})`, ...listPeople(list));
      }
      for (const s of synced) {
        lines.push(`**${s.groupName}** (synced by contact sync "${s.syncName}"${s.source ? ` from ${s.source.name}` : ''}, ${s.contacts.length}; read-only)`, ...listPeople(s.contacts));
      }
      lines.push('Message any of them with `/crosstalk dm <email> <text>`.');
      return lines.join('\n');
    },
  },
  {
    path: ['contacts', 'group', 'add'],
    usage: 'contacts group add <group> <person>...',
    summary: 'add people to one of your contact groups (created if new)',
    admin: false,
    async run(ctx, { words }) {
      const me = caller(ctx);
      if (words.length < 2) throw new UsageError('name a group and at least one person');
      const found = await people(ctx, words.slice(1));
      const { added, already } = await service(() => addToGroup(ctx.organization._id, me, words[0], found));
      return [added.length ? `Added ${added.join(', ')} to "${words[0]}".` : '', already.length ? `${already.join(', ')} ${already.length === 1 ? 'was' : 'were'} already there.` : '']
        .filter(Boolean)
        .join(' ');
    },
  },
  {
    path: ['contacts', 'group', 'remove'],
    usage: 'contacts group remove <group> <person>...',
    summary: 'remove people from one of your contact groups',
    admin: false,
    async run(ctx, { words }) {
      const me = caller(ctx);
      if (words.length < 2) throw new UsageError('name a group and at least one person');
      const found = await people(ctx, words.slice(1));
      const { removed, gone } = await service(() => removeFromGroup(ctx.organization._id, me, words[0], found));
      return [removed.length ? `Removed ${removed.join(', ')} from "${words[0]}".` : '', gone.length ? `${gone.join(', ')} ${gone.length === 1 ? 'was' : 'were'} already gone.` : '']
        .filter(Boolean)
        .join(' ');
    },
  },
  {
    path: ['contacts', 'group', 'list'],
    usage: 'contacts group list [<group>]',
    summary: 'your contact groups, or the people in one',
    admin: false,
    async run(ctx, { words }) {
      const me = caller(ctx);
      if (words.length > 1) throw new UsageError('name at most one group');
      const groups = await ownGroups(ctx.organization._id, me._id);
      if (words.length === 0) {
        if (groups.length === 0) return 'You have no contact groups yet.';
        return ['**Your contact groups**', ...groups.map((g) => `• ${g.name} (${g.memberPersonIds.length})`)].join('\n');
      }
      const group = groups.find((g) => g.name.toLowerCase() === words[0].toLowerCase());
      if (!group) {
        const synced = (await syncedContactsOf(ctx.organization._id, me._id)).find((s) => s.groupName.toLowerCase() === words[0].toLowerCase());
        if (!synced) throw new UsageError(`you have no contact group called "${words[0]}"`);
        return [`**${synced.groupName}** (synced by contact sync "${synced.syncName}"; read-only)`, ...listPeople(synced.contacts)].join('\n');
      }
      const list = await PersonModel.find({ organizationId: ctx.organization._id, _id: { $in: group.memberPersonIds } }, { name: 1, email: 1 }).sort({ name: 1 }).lean();
      return [`**${group.name}** (${list.length})`, ...listPeople(list)].join('\n');
    },
  },
  {
    path: ['contactsync', 'create'],
    usage: 'contactsync create <name> source=<person> group=<contact group> to=<dest>[,<dest>...] [run=now|later]',
    summary: "push a person's contact group to people, groups (group:<workspace>:<channel>), org units (ou:) or domains (domain:)",
    admin: true,
    options: z.object({
      source: z.string({ message: 'name the source person with source=' }).min(1),
      group: z.string({ message: "name the source's contact group with group=" }).min(1),
      to: z.string({ message: 'name the destinations with to=' }).min(1),
      run: z.enum(['now', 'later'], { message: 'must be now or later' }).optional(),
    }),
    async run(ctx, { words, options }) {
      const name = oneName(words, 'contact sync');
      const source = await resolvePerson(ctx.organization._id, ctx.workspace._id, options.source);
      const destinations = await parseDestinations(ctx, options.to);
      const sync = await service(() =>
        createContactSync(ctx.organization._id, { name, source, groupName: options.group, destinations, actorPersonId: ctx.person?._id }),
      );
      const hour = ctx.organization.settings?.contactSyncHour ?? 2;
      await ensureDailySchedule(ctx.core, ctx.organization._id, hour);
      const now = (options.run ?? 'now') === 'now';
      if (now) await ctx.core.agenda.now(CONTACT_RUN_JOB, runData(ctx, sync));
      return `Contact sync **${name}** created: ${source.name}'s "${options.group}" to ${destinations.length} destination(s). It runs every day at ${String(hour).padStart(2, '0')}:00 UTC${
        now ? ", and now: I'll post the result here." : '; the first run is at that time (or use `/crosstalk contactsync run ' + name + '`).'
      }`;
    },
  },
  {
    path: ['contactsync', 'list'],
    usage: 'contactsync list',
    summary: 'every contact sync with its source and last run',
    admin: true,
    async run(ctx, { words }) {
      if (words.length) throw new UsageError(`unexpected "${words[0]}"`);
      const organizationId = ctx.organization._id;
      const syncs = await ContactSyncModel.find({ organizationId }).sort({ name: 1 }).lean();
      if (syncs.length === 0) return 'No contact syncs yet. Create one with `/crosstalk contactsync create`.';
      const runs = await lastRuns(organizationId, syncs.map((s) => s._id));
      const sources = new Map((await PersonModel.find({ organizationId, _id: { $in: syncs.map((s) => s.sourcePersonId) } }, { name: 1 }).lean()).map((p) => [String(p._id), p.name]));
      const groups = new Map((await ContactGroupModel.find({ organizationId, _id: { $in: syncs.map((s) => s.contactGroupId) } }, { name: 1 }).lean()).map((g) => [String(g._id), g.name]));
      return [
        '**Contact syncs**',
        ...syncs.map((s) => {
          const last = runs.get(String(s._id));
          return `• **${s.name}** · ${sources.get(String(s.sourcePersonId)) ?? '?'}'s "${groups.get(String(s.contactGroupId)) ?? '?'}" → ${s.destinations.length} destination(s) · last run ${when(last?.at)}${
            last?.at ? ` (${last.contacts ?? 0} contacts to ${last.destinations ?? 0} people)` : ''
          }`;
        }),
      ].join('\n');
    },
  },
  {
    path: ['contactsync', 'show'],
    usage: 'contactsync show <name>',
    summary: 'source, group, destinations and last run of one contact sync',
    admin: true,
    async run(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      const organizationId = ctx.organization._id;
      const source = await PersonModel.findOne({ organizationId, _id: sync.sourcePersonId }, { name: 1, email: 1 }).lean();
      const group = await ContactGroupModel.findOne({ organizationId, _id: sync.contactGroupId }, { name: 1 }).lean();
      const destinations = await describeDestinations(organizationId, sync.destinations as Destination[]);
      const last = (await lastRuns(organizationId, [sync._id])).get(String(sync._id));
      return [
        `**${sync.name}**`,
        `Source: ${source ? `${source.name} (${source.email})` : 'a person no longer known'} · group "${group?.name ?? 'deleted'}"`,
        `Destinations (re-resolved at every run): ${destinations.join('; ')}`,
        `Last run: ${when(last?.at)}${last?.at ? ` · ${last.status}: ${last.contacts ?? 0} contacts to ${last.destinations ?? 0} people (${last.joined ?? 0} joined, ${last.left ?? 0} left)${last.error ? ` · ⚠ ${last.error}` : ''}` : ''}`,
        `Runs daily at ${String(ctx.organization.settings?.contactSyncHour ?? 2).padStart(2, '0')}:00 UTC.`,
      ].join('\n');
    },
  },
  {
    path: ['contactsync', 'run'],
    usage: 'contactsync run <name>',
    summary: 'run a contact sync now',
    admin: true,
    async run(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      await ctx.core.agenda.now(CONTACT_RUN_JOB, runData(ctx, sync));
      return `Running contact sync **${sync.name}** now; I'll post the result here.`;
    },
  },
  {
    path: ['contactsync', 'delete'],
    usage: 'contactsync delete <name>',
    summary: 'delete a contact sync; its contacts disappear from its destinations (asks first)',
    admin: true,
    async confirm(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      const last = (await lastRuns(ctx.organization._id, [sync._id])).get(String(sync._id));
      return `Delete contact sync ${sync.name}? Its ${last?.destinations ?? 0} destination people lose its synced contacts. The source's own group is kept.`;
    },
    async run(ctx, { words }) {
      const sync = await syncNamed(ctx, words);
      await deleteContactSync(sync, ctx.person?._id);
      return `Contact sync **${sync.name}** deleted; its contacts were withdrawn from its destinations.`;
    },
  },
];
