/**
 * The demo organization the sandbox shows a newcomer: a few dozen people spread over the four
 * simulated platforms, some on two of them (same email), with buildings and staff/student set,
 * so prompts, the Sync now flow, DMs and group syncs have something real to work on.
 */
import type { Platform } from '../src/chat-adapter.js';
import type { Simulators } from './index.js';

/** One demo person. */
export interface DemoPerson {
  name: string;
  email: string;
  platforms: Platform[];
  building: string;
  department: string;
  memberType: 'staff' | 'student';
}

const BUILDINGS = ['North Campus', 'South Campus', 'Science Lab'];
const DEPARTMENTS = ['Engineering', 'Research', 'Admissions', 'Facilities', 'Library', 'Student Union'];

const NAMES: Array<[string, Platform[]]> = [
  ['Ada Lovelace', ['slack', 'teams']],
  ['Alan Turing', ['slack']],
  ['Katherine Johnson', ['slack']],
  ['Edsger Dijkstra', ['slack', 'zoom']],
  ['Barbara Liskov', ['slack']],
  ['Donald Knuth', ['slack']],
  ['Frances Allen', ['slack', 'teams']],
  ['John McCarthy', ['slack']],
  ['Radia Perlman', ['slack', 'webex']],
  ['Ken Thompson', ['slack']],
  ['Margaret Hamilton', ['teams']],
  ['Tim Berners-Lee', ['teams']],
  ['Hedy Lamarr', ['teams']],
  ['Claude Shannon', ['teams', 'webex']],
  ['Annie Easley', ['teams']],
  ['Dennis Ritchie', ['teams']],
  ['Sophie Wilson', ['teams']],
  ['Niklaus Wirth', ['webex']],
  ['Shafi Goldwasser', ['webex']],
  ['Leslie Lamport', ['webex']],
  ['Evelyn Berezin', ['webex', 'zoom']],
  ['Vint Cerf', ['webex']],
  ['Mary Kenneth Keller', ['zoom']],
  ['Guido van Rossum', ['zoom']],
  ['Jean Bartik', ['zoom']],
  ['Bjarne Stroustrup', ['zoom']],
  ['Adele Goldberg', ['zoom']],
  ['Whitfield Diffie', ['slack']],
  ['Lynn Conway', ['teams']],
  ['Joan Clarke', ['zoom', 'slack']],
];

/** Everyone in the demo organization, deterministic. */
export const DEMO_PEOPLE: DemoPerson[] = NAMES.map(([name, platforms], i) => ({
  name,
  email: `${name.toLowerCase().replace(/[^a-z ]/g, '').replace(/ +/g, '.')}@northwind.example`,
  platforms,
  building: BUILDINGS[i % BUILDINGS.length],
  department: DEPARTMENTS[i % DEPARTMENTS.length],
  memberType: i % 4 === 3 ? 'student' : 'staff',
}));

/** The demo organization's name, used for every simulated workspace and on the page. */
export const DEMO_ORGANIZATION = 'Northwind';

/** The simulated workspaces' names: one organization, one workspace per platform. */
export const DEMO_WORKSPACE_NAMES: Record<Platform, string> = {
  slack: 'Northwind Slack',
  teams: 'Northwind Teams',
  webex: 'Northwind Webex',
  zoom: 'Northwind Zoom',
};

/** The empty channel (team, space) on each platform that the group sync journey fills. */
export const DEMO_CHANNEL_NAMES: Record<Platform, string> = {
  slack: 'all-northwind',
  teams: 'All Northwind',
  webex: 'All Northwind',
  zoom: 'all-northwind',
};

/** People who start synced, one per platform, each the pane's default user. */
export const DEMO_SYNCED: Record<Platform, string> = {
  slack: 'ada.lovelace@northwind.example',
  teams: 'margaret.hamilton@northwind.example',
  webex: 'niklaus.wirth@northwind.example',
  zoom: 'guido.van.rossum@northwind.example',
};

/** The person who starts with a Sync now prompt waiting in their Slack chat with the bot. */
export const DEMO_PENDING = 'alan.turing@northwind.example';

/** Adds the demo people to the simulators' first workspace on each platform. */
export function seedDemoOrganization(sims: Simulators, options: { channels?: boolean } = {}): void {
  const slackTeam = sims.slack ? [...sims.slack.state.workspaces.values()][0] : undefined;
  const teamsTenant = sims.teams ? [...sims.teams.tenants.values()][0] : undefined;
  const zoomAccount = sims.zoom ? [...sims.zoom.accounts.values()][0] : undefined;
  for (const p of DEMO_PEOPLE) {
    const [first, ...rest] = p.name.split(' ');
    if (p.platforms.includes('slack') && sims.slack && slackTeam) {
      sims.slack.state.addUser(slackTeam.id, {
        name: p.email.split('@')[0],
        realName: p.name,
        email: p.email,
        fields: { 'Office location': p.building, Department: p.department },
      });
    }
    if (p.platforms.includes('teams') && sims.teams && teamsTenant) {
      sims.teams.addUser(teamsTenant.id, { displayName: p.name, mail: p.email, officeLocation: p.building, department: p.department });
    }
    if (p.platforms.includes('webex') && sims.webex) {
      sims.webex.addPerson({ email: p.email, displayName: p.name, department: p.department, buildings: [p.building] });
    }
    if (p.platforms.includes('zoom') && sims.zoom && zoomAccount) {
      sims.zoom.addUser(zoomAccount.accountId, {
        email: p.email,
        firstName: first,
        lastName: rest.join(' '),
        displayName: p.name,
        location: p.building,
        dept: p.department,
      });
    }
  }
  if (options.channels) seedDemoChannels(sims);
}

/**
 * One empty channel per platform with the bot in it (a Slack channel, a Teams team, a Webex
 * space, a Zoom channel), so a group sync can be shown filling it and `group undo` emptying it.
 */
function seedDemoChannels(sims: Simulators): void {
  const slackTeam = sims.slack ? [...sims.slack.state.workspaces.values()][0] : undefined;
  if (sims.slack && slackTeam) sims.slack.state.addChannel(slackTeam.id, { name: DEMO_CHANNEL_NAMES.slack, members: [slackTeam.botUserId] });
  const teamsTenant = sims.teams ? [...sims.teams.tenants.values()][0] : undefined;
  if (sims.teams && teamsTenant) sims.teams.addTeam(teamsTenant.id, { displayName: DEMO_CHANNEL_NAMES.teams });
  if (sims.webex) sims.webex.createSpace({ title: DEMO_CHANNEL_NAMES.webex, creatorId: sims.webex.defaultOrg.bot.id });
  const zoomAccount = sims.zoom ? [...sims.zoom.accounts.values()][0] : undefined;
  if (sims.zoom && zoomAccount) sims.zoom.addChannel(zoomAccount.accountId, { name: DEMO_CHANNEL_NAMES.zoom });
}
