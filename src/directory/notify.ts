import type { OutboundMessage } from '../chat-adapter.js';
import { adapterFor, workspaceRef, type Core } from '../core/core.js';
import { PlatformAccountModel } from './platform-account.model.js';
import { WorkspaceModel } from './workspace.model.js';
import type { WorkspaceDoc } from './workspace.model.js';

/** Where to tell someone about the outcome of work they asked for. */
export interface NotifyTarget {
  workspaceId: string;
  userId: string;
}

/**
 * Sends a message from the bot to a user's 1:1 chat with it (Slack: app DM; Teams, Webex, Zoom:
 * the bot's 1:1 chat), opening that chat the first time and remembering it on the account.
 */
export async function sendToUser(core: Core, workspace: WorkspaceDoc, externalUserId: string, message: OutboundMessage): Promise<string> {
  const adapter = adapterFor(core, workspace.platform);
  const ref = workspaceRef(core, workspace);
  const account = await PlatformAccountModel.findOne({ organizationId: workspace.organizationId, workspaceId: workspace._id, externalUserId });
  let conversationId = account?.directConversationId;
  if (!conversationId) {
    conversationId = await adapter.openDirect(ref, externalUserId);
    if (account) {
      await PlatformAccountModel.updateOne(
        { organizationId: workspace.organizationId, _id: account._id },
        { $set: { directConversationId: conversationId } },
      );
    }
  }
  const sent = await adapter.send({ workspace: ref, conversationId }, message, { kind: 'bot' });
  return sent.messageId;
}

/** Best-effort notification of a requester; failures are logged, never thrown into the job. */
export async function notifyRequester(core: Core, target: NotifyTarget | undefined, text: string): Promise<void> {
  if (!target) return;
  try {
    const workspace = await WorkspaceModel.findById(target.workspaceId).setOptions({ crossOrganization: true });
    if (workspace) await sendToUser(core, workspace, target.userId, { text });
  } catch (err) {
    core.log.warn({ err }, 'could not notify the requester');
  }
}
