import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { GroupSyncMemberModel, GroupSyncModel } from '../../src/groups/group-sync.model.js';
import { PersonModel } from '../../src/directory/person.model.js';
import { PlatformAccountModel } from '../../src/directory/platform-account.model.js';
import { WorkspaceModel } from '../../src/directory/workspace.model.js';
import { catchUpGroupSyncs } from '../../src/groups/group-sync.service.js';
import { runDirectorySync } from '../../src/people/directory-sync.job.js';
import { eventually, importAll, slackCommander } from './helpers.js';

describe('group syncs on Slack, Teams, Webex and Zoom through slash commands', () => {
  let env: SandboxService;
  let admin: ReturnType<typeof slackCommander>;
  let orgId: Types.ObjectId;
  let slackTeam: string;
  const ids = {} as Record<string, string>;

  const slack = () => env.sandbox.simulators.slack!;
  const teams = () => env.sandbox.simulators.teams!;
  const webex = () => env.sandbox.simulators.webex!;
  const zoom = () => env.sandbox.simulators.zoom!;

  async function setType(type: 'staff' | 'student', ...emails: string[]) {
    await PersonModel.updateMany({ organizationId: orgId, email: { $in: emails } }, { $set: { memberType: type } });
  }
  async function record(syncName: string, email: string) {
    const sync = await GroupSyncModel.findOne({ organizationId: orgId, name: syncName });
    const person = await PersonModel.findOne({ organizationId: orgId, email });
    return GroupSyncMemberModel.findOne({ organizationId: orgId, groupSyncId: sync!._id, personId: person!._id }).lean();
  }
  async function ranAll(names: string[]) {
    await eventually(async () => (await GroupSyncModel.countDocuments({ organizationId: orgId, name: { $in: names }, 'lastRun.at': { $exists: true } })) === names.length, 15_000, 'first runs');
  }
  const slackMembers = (channel: string) => [...slack().state.workspace(slackTeam).conversations.get(channel)!.members];
  const teamsTeam = (id: string) => teams().tenants.get(ids.tenant)!.teams.get(id)!;
  const zoomChannel = (id: string) => zoom().account('zoomSimAccount01').channels.get(id)!;

  beforeAll(async () => {
    env = await startSandboxService({ label: 'group-sync', env: { CROSSTALK_ADMINS: 'ada@acme.example' } });
    orgId = env.service.organizationId;

    // Slack: Acme Slack already has Ada (North Campus) and Grace (South Campus).
    const s = slack().state;
    slackTeam = [...s.workspaces.keys()][0];
    const ws = s.workspace(slackTeam);
    const user = (name: string) => [...ws.users.values()].find((u) => u.name === name)!.id;
    ids.ada = user('ada');
    ws.users.get(ids.ada)!.fields['Office location'] = 'Test North';
    ids.grace = user('grace');
    ids.sam = s.addUser(slackTeam, { name: 'sam', realName: 'Sam Staff', email: 'sam@acme.example', fields: { 'Office location': 'Test North' } }).id;
    s.addUser(slackTeam, { name: 'stu', realName: 'Stu North', email: 'stu@acme.example', fields: { 'Office location': 'Test North' } });
    s.addUser(slackTeam, { name: 'sue', realName: 'Sue South', email: 'sue@acme.example', fields: { 'Office location': 'Test South' } });
    ids.north = s.addChannel(slackTeam, { name: 'north', members: [ws.botUserId, ids.ada] }).id;
    ids.slackStudents = s.addChannel(slackTeam, { name: 'students', isPrivate: true, members: [ws.botUserId] }).id;

    // Teams: Contoso's five people; Nestor was put in All Company by hand before any sync.
    const tenant = [...teams().tenants.values()][0];
    ids.tenant = tenant.id;
    const allCompany = [...tenant.teams.values()][0];
    ids.allCompany = allCompany.id;
    ids.teamsStudents = teams().addTeam(tenant.id, { displayName: 'Students' }).id;
    const nestor = teams().findUser('nestor.wilke@contoso.com')!.user.id;
    ids.nestor = nestor;
    allCompany.members.set(nestor, []);

    // Webex: three people and a space the bot created (so it moderates it).
    const w = webex();
    const wesOne = w.addPerson({ email: 'wes.one@acme.example', displayName: 'Wes One', buildings: ['Test Lab'] });
    const wesTwo = w.addPerson({ email: 'wes.two@acme.example', displayName: 'Wes Two', buildings: ['Test Lab'] });
    w.addPerson({ email: 'wes.three@acme.example', displayName: 'Wes Three', buildings: ['Test Annex'] });
    ids.wesOne = wesOne.id;
    ids.wesTwo = wesTwo.id;
    ids.lab = w.createSpace({ title: 'Lab', creatorId: w.defaultOrg.bot.id }).id;

    // Zoom: two people in the Tower and two channels.
    const z = zoom();
    ids.zedOne = z.addUser('zoomSimAccount01', { email: 'zed.one@acme.example', firstName: 'Zed', lastName: 'One', location: 'Test Tower' }).id;
    ids.zedTwo = z.addUser('zoomSimAccount01', { email: 'zed.two@acme.example', firstName: 'Zed', lastName: 'Two', location: 'Test Tower' }).id;
    ids.olive = z.addUser('zoomSimAccount01', { email: 'olive.owner@acme.example', firstName: 'Olive', lastName: 'Owner' }).id;
    ids.tower = z.addChannel('zoomSimAccount01', { name: 'tower', members: [{ userId: ids.olive, role: 'owner' }] }).id;
    ids.zoomStudents = z.addChannel('zoomSimAccount01', { name: 'zoom-students' }).id;

    await importAll(env);
    await setType('staff', 'ada@acme.example', 'sam@acme.example', 'sue@acme.example', 'megan.bowen@contoso.com', 'lee.gu@contoso.com', 'isaiah.langer@contoso.com', 'nestor.wilke@contoso.com', 'wes.two@acme.example', 'zed.one@acme.example');
    await setType('student', 'stu@acme.example', 'adele.vance@contoso.com', 'wes.one@acme.example', 'wes.three@acme.example', 'zed.two@acme.example');
    admin = slackCommander(env, slackTeam, ids.ada);
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('adds matching people on every platform with the role mapped, leaving people already there as they are', async () => {
    const created = [
      await admin.run(`group create slack-north channel=slack:${ids.north} type=buildings buildings="test north" members=staff role=manager`),
      await admin.run(`group create slack-students channel=slack:${ids.slackStudents} type=organization members=student role=member`),
      await admin.run(`group create teams-staff channel=teams:${ids.allCompany} type=organization members=staff role=manager`),
      await admin.run(`group create teams-students channel=teams:${ids.teamsStudents} type=organization members=student`),
      await admin.run(`group create lab-students channel=webex:${ids.lab} type=buildings buildings="Test Lab" members=student role=member`),
      await admin.run(`group create lab-staff channel=webex:${ids.lab} type=buildings buildings="Test Lab" members=staff role=manager`),
      await admin.run(`group create zoom-tower channel=zoom:${ids.tower} type=buildings buildings="Test Tower" members=all role=manager`),
      await admin.run(`group create zoom-students channel=zoom:${ids.zoomStudents} type=organization members=student role=member`),
    ];
    expect(created[0].text).toContain('Group sync *slack-north* created');
    expect(created[2].text).toContain('Microsoft Teams team owner');
    await ranAll(['slack-north', 'slack-students', 'teams-staff', 'teams-students', 'lab-students', 'lab-staff', 'zoom-tower', 'zoom-students']);

    // Slack: staff in North Campus; Ada was already there; the student and South Campus stay out.
    expect(slackMembers(ids.north).sort()).toEqual([slack().state.workspace(slackTeam).botUserId, ids.ada, ids.sam].sort());
    expect(await record('slack-north', 'ada@acme.example')).toMatchObject({ status: 'already_member' });
    expect(await record('slack-north', 'sam@acme.example')).toMatchObject({ status: 'added', role: 'member' });
    expect(slackMembers(ids.slackStudents)).toContain([...slack().state.workspace(slackTeam).users.values()].find((u) => u.name === 'stu')!.id);

    // Teams: staff become owners; Nestor, added by hand, keeps his plain membership.
    const all = teamsTeam(ids.allCompany).members;
    for (const mail of ['megan.bowen@contoso.com', 'lee.gu@contoso.com', 'isaiah.langer@contoso.com']) {
      expect(all.get(teams().findUser(mail)!.user.id)).toEqual(['owner']);
    }
    expect(all.get(ids.nestor)).toEqual([]);
    const students = teamsTeam(ids.teamsStudents).members;
    expect(students.get(teams().findUser('adele.vance@contoso.com')!.user.id)).toEqual([]);
    expect([...students.values()].every((roles) => roles.length === 0)).toBe(true);
    expect(students.has(teams().findUser('megan.bowen@contoso.com')!.user.id)).toBe(false);

    // Webex: the Lab student as a member, the Lab staff as a moderator, the Annex student not at all.
    const lab = webex().membersOf(ids.lab);
    expect(lab.find((m) => m.personId === ids.wesOne)?.isModerator).toBe(false);
    expect(lab.find((m) => m.personId === ids.wesTwo)?.isModerator).toBe(true);
    expect(lab).toHaveLength(3);

    // Zoom: everyone in the Tower as channel admins; the student channel gets a plain member.
    expect(Object.fromEntries(zoomChannel(ids.tower).members)).toEqual({ [ids.olive]: 'owner', [ids.zedOne]: 'admin', [ids.zedTwo]: 'admin' });
    expect(zoomChannel(ids.zoomStudents).members.get(ids.zedTwo)).toBe('member');
    expect(zoomChannel(ids.zoomStudents).members.has(ids.zedOne)).toBe(false);
  });

  it('shows rule, target, counts, failures per person and the missing Slack manager role', async () => {
    const teamsShow = (await admin.run('group show teams-staff')).text;
    expect(teamsShow).toContain('whole organization · staff only');
    expect(teamsShow).toContain('Contoso (Microsoft Teams)');
    const sync = await GroupSyncModel.findOne({ organizationId: orgId, name: 'teams-staff' });
    const count = (status: 'added' | 'failed') => GroupSyncMemberModel.countDocuments({ organizationId: orgId, groupSyncId: sync!._id, status });
    expect(await count('added')).toBeGreaterThanOrEqual(3);
    expect(teamsShow).toContain(`${await count('added')} added by this sync · 1 were already there · ${await count('failed')} not added`);
    const sam = await record('teams-staff', 'sam@acme.example');
    expect(sam).toMatchObject({ status: 'failed', error: 'no account on Contoso (Microsoft Teams)' });
    expect(teamsShow).toContain('no account on Contoso (Microsoft Teams) (1 attempt)');
    const slackShow = (await admin.run('group show slack-north')).text;
    expect(slackShow).toContain('Slack has no API to make someone a channel manager');
    expect(slackShow).toContain('1 added by this sync · 1 were already there');
    const list = (await admin.run('group list')).text;
    expect(list.match(/^● /gm)).toHaveLength(8);
  });

  it('adds a new or changed person to every matching sync within seconds, and retries a failure once the account exists', async () => {
    // A person imported in the Tower joins the members=all Tower sync from the import alone.
    const zia = zoom().addUser('zoomSimAccount01', { email: 'zia@acme.example', firstName: 'Zia', lastName: 'New', location: 'Test Tower' });
    const zoomWs = await WorkspaceModel.findOne({ organizationId: orgId, platform: 'zoom' });
    const started = Date.now();
    await runDirectorySync(env.service.core, { organizationId: String(orgId), workspaceId: String(zoomWs!._id) });
    await eventually(async () => zoomChannel(ids.tower).members.get(zia.id) === 'admin', 5_000, 'Zia in the Tower channel');
    expect(Date.now() - started).toBeLessThan(5_000);

    // A Slack person becomes staff with `person set`: added to the North channel within seconds.
    const nia = slack().state.addUser(slackTeam, { name: 'nia', realName: 'Nia North', email: 'nia@acme.example', fields: { 'Office location': 'Test North' } });
    const slackWs = await WorkspaceModel.findOne({ organizationId: orgId, platform: 'slack' });
    await runDirectorySync(env.service.core, { organizationId: String(orgId), workspaceId: String(slackWs!._id) });
    expect(slackMembers(ids.north)).not.toContain(nia.id);
    const changedAt = Date.now();
    expect((await admin.run('person set nia@acme.example type=staff')).text).toContain('type staff');
    await eventually(async () => slackMembers(ids.north).includes(nia.id), 5_000, 'Nia in #north');
    expect(Date.now() - changedAt).toBeLessThan(5_000);

    // Sue had no Teams account; once she has one, the import adds her as an owner.
    expect(await record('teams-staff', 'sue@acme.example')).toMatchObject({ status: 'failed' });
    const sueTeams = teams().addUser(ids.tenant, { displayName: 'Sue South', mail: 'sue@acme.example', officeLocation: 'Test South' });
    const teamsWs = await WorkspaceModel.findOne({ organizationId: orgId, platform: 'teams' });
    await runDirectorySync(env.service.core, { organizationId: String(orgId), workspaceId: String(teamsWs!._id) });
    await eventually(async () => teamsTeam(ids.allCompany).members.get(sueTeams.id)?.[0] === 'owner', 5_000, 'Sue an owner of All Company');
    const sue = await eventually(async () => {
      const r = await record('teams-staff', 'sue@acme.example');
      return r?.status === 'added' && r;
    }, 5_000, "Sue's record");
    expect(sue).toMatchObject({ status: 'added', role: 'manager' });
  });

  it('turning a sync off removes nobody and adds nobody new', async () => {
    const before = slackMembers(ids.north).sort();
    expect((await admin.run('group off slack-north')).text).toContain('nobody was removed');
    expect(slackMembers(ids.north).sort()).toEqual(before);
    const ned = slack().state.addUser(slackTeam, { name: 'ned', realName: 'Ned North', email: 'ned@acme.example', fields: { 'Office location': 'Test North' } });
    const slackWs = await WorkspaceModel.findOne({ organizationId: orgId, platform: 'slack' });
    await runDirectorySync(env.service.core, { organizationId: String(orgId), workspaceId: String(slackWs!._id) });
    await setType('staff', 'ned@acme.example');
    await catchUpGroupSyncs(env.service.core, orgId);
    expect(slackMembers(ids.north)).not.toContain(ned.id);
    expect((await admin.run('group show slack-north')).text).toContain('off (nobody is added; nobody was removed)');
  });

  it('undo removes exactly the people the sync added, after a confirmation', async () => {
    const sync = await GroupSyncModel.findOne({ organizationId: orgId, name: 'teams-staff' });
    const added = await GroupSyncMemberModel.find({ organizationId: orgId, groupSyncId: sync!._id, status: 'added' }).lean();
    const addedUsers = await PlatformAccountModel.find({ organizationId: orgId, _id: { $in: added.map((r) => r.accountId) } }).lean();
    // Someone an owner put in by hand after the sync ran stays too.
    const byHand = teams().findUser('adele.vance@contoso.com')!.user.id;
    teamsTeam(ids.allCompany).members.set(byHand, []);
    const before = new Map(teamsTeam(ids.allCompany).members);
    expect(addedUsers.every((a) => before.has(a.externalUserId))).toBe(true);

    const asked = await admin.run('group undo teams-staff');
    expect(asked.text).toContain(`the ${added.length} people it added are removed`);
    expect(teamsTeam(ids.allCompany).members.size).toBe(before.size);
    const answer = await admin.confirm('group undo teams-staff');
    expect(answer).toContain('Undoing group sync *teams-staff*');
    await eventually(async () => (await GroupSyncMemberModel.countDocuments({ organizationId: orgId, groupSyncId: sync!._id, status: 'removed' })) === added.length, 10_000, 'undo');
    const expected = [...before.keys()].filter((id) => !addedUsers.some((a) => a.externalUserId === id)).sort();
    expect([...teamsTeam(ids.allCompany).members.keys()].sort()).toEqual(expected);
    expect(expected).toEqual([ids.nestor, byHand].sort());
    expect(teamsTeam(ids.teamsStudents).members.has(byHand)).toBe(true);
    const show = (await admin.run('group show teams-staff')).text;
    expect(show).toContain('0 added by this sync · 1 were already there');
    expect(show).toContain(`${added.length} removed by undo`);
    expect(show).toContain('off');
  });

  it('deletes a sync after a confirmation without removing anyone, and explains wrong commands', async () => {
    expect(await admin.confirm('group delete zoom-students')).toContain('Nobody was removed');
    expect(await GroupSyncModel.countDocuments({ organizationId: orgId, name: 'zoom-students' })).toBe(0);
    expect(zoomChannel(ids.zoomStudents).members.get(ids.zedTwo)).toBe('member');

    expect((await admin.run('group create x channel=nowhere:C1 type=organization')).text).toContain('no workspace called "nowhere"');
    expect((await admin.run(`group create x channel=slack:${ids.north} type=buildings`)).text).toContain('type=buildings needs buildings=A,B');
    expect((await admin.run(`group create x channel=slack:${ids.north} type=everyone`)).text).toContain('type: must be organization or buildings');
    expect((await admin.run('group show nope')).text).toContain('there is no group sync called "nope"');
    // Zoom channels are checked and found by name; a missing one is refused before anything is stored.
    expect((await admin.run('group create x channel=zoom:no-such-channel type=organization')).text).toContain('there is no channel "no-such-channel"');
    expect(await GroupSyncModel.countDocuments({ organizationId: orgId, name: 'x' })).toBe(0);
    const byName = await admin.run('group create zoom-by-name channel=zoom:tower type=buildings buildings="Test Tower" members=staff');
    expect(byName.text).toContain(`created`);
    expect((await GroupSyncModel.findOne({ organizationId: orgId, name: 'zoom-by-name' }))!.channelId).toBe(ids.tower);
    expect((await admin.run(`group create slack-north channel=slack:${ids.north} type=organization`)).text).toContain('already exists');
    const grace = slackCommander(env, slackTeam, ids.grace);
    expect((await grace.run('group list')).text).toContain('for Crosstalk admins only');
  });
});
