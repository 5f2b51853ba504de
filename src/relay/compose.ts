/**
 * What the recipient's side shows: the neutral text with mention ids rewritten from the source
 * workspace's ids to the target's (or to a plain bold name where the person has no account
 * there), files as links with name and size, and reactions as a short note where a platform
 * has no reactions API.
 */
import type { Types } from 'mongoose';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';

const MENTION = /<@([^>|]+)(?:\|([^>]*))?>/g;

/** Rewrites `<@id|Name>` mentions between two workspaces of one organization. */
export async function rewriteMentions(
  organizationId: Types.ObjectId,
  fromWorkspaceId: Types.ObjectId,
  toWorkspaceId: Types.ObjectId,
  text: string,
): Promise<string> {
  const ids = [...new Set([...text.matchAll(MENTION)].map((m) => m[1]))];
  if (ids.length === 0) return text;
  const sources = await PlatformAccountModel.find({ organizationId, workspaceId: fromWorkspaceId, externalUserId: { $in: ids } }).lean();
  const personIds = sources.map((a) => a.personId).filter((p): p is Types.ObjectId => Boolean(p));
  const [targets, people] = await Promise.all([
    PlatformAccountModel.find({ organizationId, workspaceId: toWorkspaceId, personId: { $in: personIds }, deactivated: false }).lean(),
    PersonModel.find({ organizationId, _id: { $in: personIds } }, { name: 1 }).lean(),
  ]);
  const bySourceId = new Map<string, { targetId?: string; name?: string }>();
  for (const source of sources) {
    const person = people.find((p) => String(p._id) === String(source.personId));
    const target = targets.find((t) => String(t.personId) === String(source.personId));
    bySourceId.set(source.externalUserId, { targetId: target?.externalUserId, name: person?.name ?? source.name ?? undefined });
  }
  return text.replace(MENTION, (whole, id: string, label: string | undefined) => {
    const found = bySourceId.get(id);
    const name = label || found?.name;
    if (found?.targetId) return name ? `<@${found.targetId}|${name}>` : `<@${found.targetId}>`;
    return name ? `**@${name}**` : whole;
  });
}

/** Human file size: 512 B, 1.2 KB, 3.4 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Files become link lines after the text. */
export function withFiles(text: string, files: Array<{ name?: string | null; url?: string | null; size?: number | null }> | undefined | null): string {
  const lines = (files ?? [])
    .filter((f) => f.url)
    .map((f) => `📎 [${f.name || 'file'}](${f.url})${typeof f.size === 'number' && f.size > 0 ? ` (${formatSize(f.size)})` : ''}`);
  return [text, ...lines].filter((l) => l.trim() !== '').join('\n');
}

/** The note a platform without a reactions API shows instead. */
export function reactionNote(who: string, emoji: string, added: boolean, original: string | undefined | null): string {
  const quoted = original ? ` to “${original.length > 60 ? `${original.slice(0, 59)}…` : original}”` : '';
  return added ? `${who} reacted ${emoji}${quoted}` : `${who} removed the reaction ${emoji}${quoted}`;
}
