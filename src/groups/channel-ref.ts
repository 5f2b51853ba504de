/**
 * Channel references typed by admins: a platform channel id, Slack's escaped form `<#C0123|general>`
 * (the Slack slash command is declared with `should_escape: true`, so `#general` arrives escaped),
 * or a name (`#general`, `general`) resolved through the platform's channel list. Checked before a
 * group sync is created, so a sync never points at a channel that does not exist or that the bot
 * cannot manage.
 */
import { PLATFORM_NAMES, type ChannelInfo } from '../chat-adapter.js';
import { adapterFor, workspaceRef, type Core } from '../core/core.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';

/** What an admin typed, parsed: an id (escaped mention) or free text (an id or a name). */
export function parseChannelReference(text: string): { id?: string; text: string } {
  const trimmed = text.trim();
  const escaped = /^<#([A-Za-z0-9]+)(?:\|([^>]*))?>$/.exec(trimmed);
  if (escaped) return { id: escaped[1]!, text: escaped[2] || escaped[1]! };
  return { text: trimmed.replace(/^#/, '') };
}

/** A channel reference that cannot be used; the message says why. */
export class ChannelReferenceError extends Error {
  override name = 'ChannelReferenceError';
}

/**
 * Resolves a reference to a channel the bot can manage. Platforms whose adapter cannot look
 * channels up take the text as the id unchecked.
 */
export async function resolveChannel(core: Core, workspace: WorkspaceDoc, typed: string): Promise<{ id: string; name?: string; checked: boolean }> {
  const ref = parseChannelReference(typed);
  if (!ref.text && !ref.id) throw new ChannelReferenceError('name the channel after the workspace, e.g. channel=slack:#general');
  const platform = workspace.platform;
  const adapter = adapterFor(core, platform);
  const ws = workspaceRef(core, workspace);
  let found: ChannelInfo | undefined = await adapter.findChannel(ws, { id: ref.id ?? ref.text });
  if (!found && !ref.id) found = await adapter.findChannel(ws, { name: ref.text });
  const where = `${workspace.name} (${PLATFORM_NAMES[platform]})`;
  if (!found) throw new ChannelReferenceError(`there is no channel "${ref.text}" on ${where} that Crosstalk can see`);
  if (!found.canManage) {
    throw new ChannelReferenceError(`Crosstalk cannot manage the members of ${found.name} on ${where}${found.detail ? `: ${found.detail}` : ''}`);
  }
  return { id: found.id, name: found.name, checked: true };
}
