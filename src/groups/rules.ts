/**
 * Group sync rules: who belongs in a synced channel. Matching is done in memory on a person's
 * member type and buildings (buildings compared case-insensitively), so one read of the people
 * serves any number of rules.
 */
import { PLATFORM_NAMES, type Platform } from '../chat-adapter.js';

/** A group sync's rule. */
export interface GroupRule {
  type: 'organization' | 'buildings';
  buildings: string[];
  members: 'staff' | 'student' | 'all';
  role: 'member' | 'manager';
}

/** The person fields a rule looks at. */
export interface RuleSubject {
  buildings?: string[] | null;
  memberType?: string | null;
}

/** A rule prepared for matching many people. */
export interface CompiledRule {
  matches(person: RuleSubject): boolean;
}

/** Prepares a rule for matching (lower-cases its buildings once). */
export function compileRule(rule: Pick<GroupRule, 'type' | 'buildings' | 'members'>): CompiledRule {
  const wanted = new Set(rule.buildings.map((b) => b.trim().toLowerCase()));
  return {
    matches(person) {
      if (rule.members !== 'all' && person.memberType !== rule.members) return false;
      if (rule.type === 'organization') return true;
      return (person.buildings ?? []).some((b) => wanted.has(b.trim().toLowerCase()));
    },
  };
}

/** A database pre-filter that narrows people before `matches` (member type only). */
export function memberTypeFilter(rule: Pick<GroupRule, 'members'>): Record<string, unknown> {
  return rule.members === 'all' ? {} : { memberType: rule.members };
}

/** The platform's role for Crosstalk's "manager", and whether the platform can grant it. */
export const MANAGER_ROLES: Record<Platform, { name: string; granted: boolean }> = {
  slack: { name: 'channel manager', granted: false },
  teams: { name: 'team owner', granted: true },
  webex: { name: 'moderator', granted: true },
  zoom: { name: 'channel admin', granted: true },
};

/** The role a person actually gets on the platform (Slack managers are added as members). */
export function effectiveRole(platform: Platform, role: GroupRule['role']): GroupRule['role'] {
  return role === 'manager' && !MANAGER_ROLES[platform].granted ? 'member' : role;
}

/** How a role reads on a platform, e.g. "manager (Webex moderator)". */
export function describeRole(platform: Platform, role: GroupRule['role']): string {
  if (role === 'member') return 'member';
  const mapped = MANAGER_ROLES[platform];
  return mapped.granted
    ? `manager (${PLATFORM_NAMES[platform]} ${mapped.name})`
    : `manager — ${PLATFORM_NAMES[platform]} has no ${mapped.name} API, so managers are added as members`;
}

/** "buildings North, South · staff" / "whole organization · everyone". */
export function describeRule(rule: Pick<GroupRule, 'type' | 'buildings' | 'members'>): string {
  const who = rule.members === 'all' ? 'everyone' : rule.members === 'staff' ? 'staff only' : 'students only';
  const where = rule.type === 'organization' ? 'whole organization' : `buildings ${rule.buildings.join(', ')}`;
  return `${where} · ${who}`;
}
