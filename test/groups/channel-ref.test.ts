import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Types } from 'mongoose';
import { parseChannelReference } from '../../src/groups/channel-ref.js';
import { GroupSyncModel } from '../../src/groups/group-sync.model.js';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { eventually, importAll } from './helpers.js';

describe('channel references as admins type them', () => {
  it("reads Slack's escaped channel mention, a #name, a bare name and an id", () => {
    expect(parseChannelReference('<#C0123|general>')).toEqual({ id: 'C0123', text: 'general' });
    expect(parseChannelReference('<#C0123>')).toEqual({ id: 'C0123', text: 'C0123' });
    expect(parseChannelReference('#general')).toEqual({ text: 'general' });
    expect(parseChannelReference(' tower ')).toEqual({ text: 'tower' });
    expect(parseChannelReference('C0123456')).toEqual({ text: 'C0123456' });
  });
});

describe('group create finds the channel on Slack, Teams and Webex, and refuses what it cannot use', () => {
  let env: SandboxService;
  let orgId: Types.ObjectId;
  let team: string;
  let admin: string;
  const ids = {} as Record<string, string>;
  const slack = () => env.sandbox.simulators.slack!;
  const teams = () => env.sandbox.simulators.teams!;
  const webex = () => env.sandbox.simulators.webex!;
  // Nobody works in this building, so the syncs created here add nobody.
  const RULE = 'type=buildings buildings="Nowhere Ref"';
  /** The report of an earlier sync's first run, posted in the same DM: not the answer awaited. */
  const RUN_REPORT = /^Group sync \S+: \d+ added/;

  /**
   * Types a slash command as the admin and returns what they read: the immediate answer, or on a
   * busy machine the real one posted in the bot's DM after "working on it".
   */
  async function ask(text: string): Promise<string> {
    const ws = slack().state.workspace(team);
    const seen = ws.messages.length;
    const res = await slack().sendSlashCommand(env.url, { teamId: team, userId: admin, text });
    // Bolt answers 404 when nothing was acknowledged within Slack's 3 s; the answer then comes in the DM.
    expect([200, 404], res.text).toContain(res.status);
    const first = res.status === 200 ? (JSON.parse(res.text) as { text: string }).text : 'Working on it';
    if (!/Working on it/.test(first)) return first;
    const later = await eventually(
      async () => ws.messages.slice(seen).find((m) => m.channel === res.channel && m.botId === ws.botId && !/Working on it/.test(m.text) && !RUN_REPORT.test(m.text)),
      30_000,
      `the answer to "${text}"`,
    );
    return later.text;
  }
  const channelOf = async (name: string) => (await GroupSyncModel.findOne({ organizationId: orgId, name }).lean())?.channelId;

  beforeAll(async () => {
    env = await startSandboxService({ label: 'channel-ref', env: { CROSSTALK_ADMINS: 'ada@acme.example' } });
    orgId = env.service.organizationId;
    const s = slack().state;
    team = [...s.workspaces.keys()][0];
    const ws = s.workspace(team);
    admin = [...ws.users.values()].find((u) => u.name === 'ada')!.id;
    ids.general = s.addChannel(team, { name: 'general-ref', members: [ws.botUserId] }).id;
    ids.lonely = s.addChannel(team, { name: 'lonely', members: [admin] }).id;
    ids.secret = s.addChannel(team, { name: 'secret', isPrivate: true, members: [admin] }).id;

    const tenant = [...teams().tenants.values()][0];
    const refTeam = teams().addTeam(tenant.id, {
      displayName: 'Ref Team',
      channels: [
        { displayName: 'Inner Circle', membershipType: 'private' },
        { displayName: 'Lobby', membershipType: 'standard' },
      ],
    });
    ids.refTeam = refTeam.id;
    const channels = [...refTeam.channels.values()];
    ids.inner = channels.find((c) => c.displayName === 'Inner Circle')!.id;
    ids.lobby = channels.find((c) => c.displayName === 'Lobby')!.id;

    const w = webex();
    const owner = w.addPerson({ email: 'room.owner@acme.example', displayName: 'Room Owner' });
    ids.open = w.createSpace({ title: 'Open Space', creatorId: w.defaultOrg.bot.id }).id;
    ids.locked = w.createSpace({ title: 'Locked Space', creatorId: owner.id, memberIds: [w.defaultOrg.bot.id], isLocked: true }).id;
    await importAll(env);
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  it("Slack: takes an id, a #name and the escaped <#C…|name> a slash command delivers, through the real command parser", async () => {
    expect(await ask(`group create s-id channel=slack:${ids.general} ${RULE}`)).toContain('Group sync *s-id* created');
    expect(await channelOf('s-id')).toBe(ids.general);
    expect(await ask(`group create s-name channel=slack:#general-ref ${RULE}`)).toContain('Group sync *s-name* created');
    expect(await channelOf('s-name')).toBe(ids.general);
    // With `should_escape: true`, Slack turns `#general-ref` into `<#C…|general-ref>`.
    expect(await ask(`group create s-escaped channel=slack:<#${ids.general}|general-ref> ${RULE}`)).toContain('Group sync *s-escaped* created');
    expect(await channelOf('s-escaped')).toBe(ids.general);
  });

  it('Slack: refuses a channel that does not exist, one the app is not in, and a private one it cannot see', async () => {
    expect(await ask(`group create s-missing channel=slack:#no-such-channel ${RULE}`)).toContain(
      'there is no channel "no-such-channel" on Acme Slack (Slack) that Crosstalk can see',
    );
    expect(await ask(`group create s-missing channel=slack:<#C0NOSUCH1|gone> ${RULE}`)).toContain('there is no channel "gone"');
    expect(await ask(`group create s-lonely channel=slack:<#${ids.lonely}|lonely> ${RULE}`)).toContain(
      'Crosstalk cannot manage the members of #lonely on Acme Slack (Slack): the Crosstalk app is not in #lonely; add it there with /invite @Crosstalk',
    );
    expect(await ask(`group create s-secret channel=slack:#secret ${RULE}`)).toContain('there is no channel "secret"');
    expect(await GroupSyncModel.countDocuments({ organizationId: orgId, name: { $in: ['s-missing', 's-lonely', 's-secret'] } })).toBe(0);
  });

  it('Teams: takes a team by id or name and a private channel by id or "Team/Channel"; refuses a standard channel and a missing team', async () => {
    expect(await ask(`group create t-id channel=teams:${ids.refTeam} ${RULE}`)).toContain('Group sync *t-id* created');
    expect(await channelOf('t-id')).toBe(ids.refTeam);
    expect(await ask(`group create t-name channel="teams:ref team" ${RULE}`)).toContain('Group sync *t-name* created');
    expect(await channelOf('t-name')).toBe(ids.refTeam);
    expect(await ask(`group create t-channel channel=teams:${ids.refTeam}/${ids.inner} ${RULE}`)).toContain('Group sync *t-channel* created');
    expect(await channelOf('t-channel')).toBe(`${ids.refTeam}/${ids.inner}`);
    expect(await ask(`group create t-channel-name channel="teams:Ref Team/Inner Circle" ${RULE}`)).toContain('created');
    expect(await channelOf('t-channel-name')).toBe(`${ids.refTeam}/${ids.inner}`);

    expect(await ask(`group create t-lobby channel=teams:${ids.refTeam}/${ids.lobby} ${RULE}`)).toContain(
      "Crosstalk cannot manage the members of Ref Team / Lobby on Contoso (Microsoft Teams): it is a standard channel, whose members are the team's: name the team Ref Team instead",
    );
    expect(await ask(`group create t-missing channel="teams:No Such Team" ${RULE}`)).toContain('there is no channel "No Such Team" on Contoso (Microsoft Teams)');
    expect(await ask(`group create t-missing channel=teams:00000000-0000-4000-a000-000000000000 ${RULE}`)).toContain('there is no channel');
    expect(await GroupSyncModel.countDocuments({ organizationId: orgId, name: { $in: ['t-lobby', 't-missing'] } })).toBe(0);
  });

  it('Webex: takes a space by id or title; refuses a moderated space where the bot is no moderator, and a missing one', async () => {
    expect(await ask(`group create w-id channel=webex:${ids.open} ${RULE}`)).toContain('Group sync *w-id* created');
    expect(await channelOf('w-id')).toBe(ids.open);
    expect(await ask(`group create w-title channel="webex:open space" ${RULE}`)).toContain('Group sync *w-title* created');
    expect(await channelOf('w-title')).toBe(ids.open);

    expect(await ask(`group create w-locked channel=webex:${ids.locked} ${RULE}`)).toMatch(
      /Crosstalk cannot manage the members of Locked Space on .+ \(Webex\): the space is moderated and the Crosstalk bot is not a moderator; make it one/,
    );
    expect(await ask(`group create w-missing channel="webex:No Such Space" ${RULE}`)).toMatch(/there is no channel "No Such Space" on .+ \(Webex\)/);
    expect(await GroupSyncModel.countDocuments({ organizationId: orgId, name: { $in: ['w-locked', 'w-missing'] } })).toBe(0);
  });
});
