/**
 * The People Sync list admins see (seeds 003/004): everyone with their primary team, sync state
 * and per-secondary status, filtered by primary platform, sync status and sync type, a page at a
 * time. The `people` verb and the admin page both read it from here.
 */
import type { Types } from 'mongoose';
import { PLATFORM_NAMES, type Platform } from '../chat-adapter.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import type { PersonDoc } from '../directory/person.model.js';
import { secondariesOf, type SecondaryView } from './sync-status.js';

/** Rows per page. */
export const PEOPLE_PAGE_SIZE = 20;

/** The filters of the People Sync list. */
export interface PeopleFilters {
  platform?: Platform;
  status?: 'on' | 'pending' | 'off' | 'failed';
  type?: 'bot' | 'user';
  page?: number;
}

/** One row of the list. */
export interface PeopleRow {
  person: PersonDoc;
  /** "Workspace (Platform)", or undefined when no primary is chosen. */
  primary?: string;
  primaryPlatform?: Platform;
  secondaries: SecondaryView[];
}

/** A page of the list; `page > pages` means the page asked for does not exist. */
export interface PeoplePage {
  total: number;
  page: number;
  pages: number;
  rows: PeopleRow[];
}

/** Reads one page of the People Sync list. */
export async function listPeople(organizationId: Types.ObjectId, filters: PeopleFilters): Promise<PeoplePage> {
  const filter: Record<string, unknown> = { organizationId };
  const workspaces = await WorkspaceModel.find({ organizationId }).sort({ platform: 1, name: 1 });
  if (filters.platform) filter.primaryWorkspaceId = { $in: workspaces.filter((w) => w.platform === filters.platform).map((w) => w._id) };
  const and: Record<string, unknown>[] = [];
  if (filters.status === 'failed') {
    and.push({ _id: { $in: await PlatformAccountModel.distinct('personId', { organizationId, 'secondary.status': 'failed' }) } });
  } else if (filters.status) {
    and.push({ syncState: filters.status });
  }
  if (filters.type) {
    const userSynced = await PlatformAccountModel.distinct('personId', { organizationId, userToken: { $exists: true } });
    if (filters.type === 'user') and.push({ _id: { $in: userSynced } });
    else and.push({ syncState: 'on' }, { _id: { $nin: userSynced } });
  }
  if (and.length) filter.$and = and;
  const total = await PersonModel.countDocuments(filter);
  const pages = Math.max(1, Math.ceil(total / PEOPLE_PAGE_SIZE));
  const page = filters.page ?? 1;
  if (page > pages || total === 0) return { total, page, pages, rows: [] };
  const people = await PersonModel.find(filter)
    .sort({ name: 1, _id: 1 })
    .skip((page - 1) * PEOPLE_PAGE_SIZE)
    .limit(PEOPLE_PAGE_SIZE);
  const byId = new Map(workspaces.map((w) => [String(w._id), w]));
  const rows: PeopleRow[] = [];
  for (const person of people) {
    const ws = person.primaryWorkspaceId ? byId.get(String(person.primaryWorkspaceId)) : undefined;
    rows.push({
      person,
      primary: person.primaryWorkspaceId ? (ws ? `${ws.name} (${PLATFORM_NAMES[ws.platform]})` : '?') : undefined,
      primaryPlatform: ws?.platform,
      secondaries: await secondariesOf(person, workspaces),
    });
  }
  return { total, page, pages, rows };
}
