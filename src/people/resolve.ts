/**
 * Resolves a `<person>` argument: an email, a platform mention (`<@U123>` / `<@U123|Ada>` in the
 * caller's own workspace), or a name. An ambiguous name answers with the candidates.
 */
import type { Types } from 'mongoose';
import { UsageError } from '../commands/registry.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import type { PersonDoc } from '../directory/person.model.js';
import { normalizeEmail } from '../directory/people.js';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Finds exactly one person of the organization, or throws a `UsageError` saying why not. */
export async function resolvePerson(
  organizationId: Types.ObjectId,
  callerWorkspaceId: Types.ObjectId,
  token: string,
): Promise<PersonDoc> {
  const mention = /^<@([^>|]+)(?:\|[^>]*)?>$/.exec(token);
  if (mention) {
    const account = await PlatformAccountModel.findOne({ organizationId, workspaceId: callerWorkspaceId, externalUserId: mention[1] });
    const person = account?.personId ? await PersonModel.findOne({ organizationId, _id: account.personId }) : null;
    if (!person) throw new UsageError(`I don't know ${token} yet (no email on record); run \`/crosstalk directory sync\` first`);
    return person;
  }
  const email = normalizeEmail(token);
  if (email) {
    const person = await PersonModel.findOne({ organizationId, email });
    if (!person) throw new UsageError(`nobody with the email ${email} is known to Crosstalk`);
    return person;
  }
  const name = token.trim();
  if (name.length < 2) throw new UsageError(`"${token}" is not an email, a mention or a name`);
  const exact = await PersonModel.find({ organizationId, name: new RegExp(`^${escapeRegex(name)}$`, 'i') }).limit(6);
  const matches = exact.length > 0 ? exact : await PersonModel.find({ organizationId, name: new RegExp(escapeRegex(name), 'i') }).limit(6);
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new UsageError(`nobody called "${name}" is known to Crosstalk`);
  const list = matches.slice(0, 5).map((p) => `${p.name} (${p.email})`).join(', ');
  throw new UsageError(`"${name}" matches several people: ${list}${matches.length > 5 ? ', …' : ''}. Use an email to pick one`);
}
