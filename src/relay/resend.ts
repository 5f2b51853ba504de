/**
 * Resending a relayed post after a failure that may have reached the platform. A timeout, a dropped
 * connection or a 5xx can come after the platform posted the copy; sending again would show the
 * recipient the message twice. So the retry after such a failure first asks the adapter for the
 * copy (tagged with the link id, or matched by text, poster and time where the platform keeps no
 * tag); a copy found is recorded as delivered with its real message id, so later edits, deletes,
 * reactions and replies still find it. Only retries after an ambiguous failure pay for the lookup.
 */
import { AdapterError, AdapterErrorCode, type ChatAdapter, type ConversationTarget, type MessageRef, type OutboundMessage, type SendAs } from '../chat-adapter.js';
import { RelayReceiptModel } from './relay-receipt.model.js';
import type { LinkMemory, RelayLink } from './links.js';

/** How far the platform's clock may be behind this service's when a copy is dated. */
const CLOCK_SKEW_MS = 2 * 60_000;

/**
 * The least wait before looking for the copy: a request that outlived this service's timeout may
 * still be in the platform's hands, and a look made too soon would miss it and post it again.
 */
export const SETTLE_MS = 2_000;

/** True when a failed send may nonetheless have been posted (timeout, dropped connection, 5xx). */
export function maybePosted(err: unknown): boolean {
  if (err instanceof AdapterError) return err.code === AdapterErrorCode.Timeout || err.code === AdapterErrorCode.Unavailable;
  return !(err instanceof TypeError);
}

/** What the lookup needs besides the link. */
export interface CopyLookup {
  adapter: ChatAdapter;
  target: ConversationTarget;
  message: OutboundMessage;
  as: SendAs;
  links: LinkMemory;
  /** Told when the platform refuses the lookup for good (e.g. a scope granted before it was needed). */
  warn: (what: string, err: unknown) => void;
}

/**
 * The copy an earlier attempt of `link` posted, when the platform shows one that no other link
 * already claims; undefined when there is none or the platform cannot say (then the caller sends).
 * A lookup that fails for a passing reason throws, so the attempt is retried and nothing is resent blind.
 */
export async function earlierCopy(link: RelayLink, lookup: CopyLookup): Promise<MessageRef | undefined> {
  const since = new Date((link.createdAt?.getTime() ?? Date.now()) - CLOCK_SKEW_MS);
  let candidates: MessageRef[] | undefined;
  try {
    candidates = await lookup.adapter.findRelayedCopy(lookup.target, { tag: String(link._id), message: lookup.message, as: lookup.as, since });
  } catch (err) {
    if (!(err instanceof AdapterError) || err.retryable) throw err;
    lookup.warn('relay: could not look for an earlier copy; sending again', err);
    return undefined;
  }
  const workspaceId = link.target!.workspaceId!;
  for (const candidate of candidates ?? []) {
    const known = lookup.links.byCopyMessage(workspaceId, candidate.messageId);
    if (known) {
      if (String(known._id) === String(link._id)) return candidate;
      continue;
    }
    // Same text sent twice in a row: the older copy may belong to the message before.
    const claimed = await RelayReceiptModel.exists({ organizationId: link.organizationId, 'copy.workspaceId': workspaceId, 'copy.messageId': candidate.messageId });
    if (!claimed) return candidate;
  }
  return undefined;
}
