/**
 * The Teams adapter's outbound half: messages through the Bot Connector (as the bot) or Microsoft
 * Graph (with a person's own token), the directory and team membership through Graph, personal
 * OAuth and the health check.
 */
import type { ConversationReference } from 'botbuilder';
import {
  AdapterError,
  AdapterErrorCode,
  DirectoryUser,
  notSupported,
  type ChatAdapter,
  type ConversationTarget,
  type HealthReport,
  type MessageRef,
  type OutboundMessage,
  type SendAs,
  type WorkspaceRef,
} from '../../src/chat-adapter.js';
import { botActivity } from './connector.js';
import { fromNeutral, type MentionEntity } from './format.js';
import { teamsMembers } from './members.js';
import { authorizeUrl, exchangeCode, refreshUserToken } from './oauth.js';
import { convKey, TENANT_NAME, userKey, type TeamsShared } from './shared.js';
import { openUserChat } from './user-chat.js';
import { checkTeamsUserToken } from './user-token.js';

/** Everything of the `ChatAdapter` that talks to Teams rather than listens to it. */
export type TeamsOutbound = Omit<ChatAdapter, 'platform' | 'capabilities' | 'userOAuth' | 'mount' | 'toNeutral'>;

/** Graph wants `<at id="n">` and a `mentions` array where Bot Framework uses entities. */
function graphMessage(message: OutboundMessage): Record<string, unknown> {
  const { text, entities } = fromNeutral(message.text);
  let html = text;
  const mentions = entities.map((e: MentionEntity, i) => {
    html = html.replace(e.text, `<at id="${i}">${e.text.slice(4, -5)}</at>`);
    return {
      id: i,
      mentionText: e.mentioned.name,
      mentioned: { user: { id: e.mentioned.id, displayName: e.mentioned.name, userIdentityType: 'aadUser' } },
    };
  });
  return { body: { contentType: 'html', content: html }, ...(mentions.length ? { mentions } : {}) };
}

function userToken(as: SendAs): string | undefined {
  return as.kind === 'user' ? as.accessToken : undefined;
}

/** The outbound methods of the Teams adapter. */
export function teamsOutbound({ deps, policy, connector, graph }: TeamsShared): TeamsOutbound {
  const { settings: teams, store } = deps;

  async function reference(workspace: WorkspaceRef, conversationId: string): Promise<Partial<ConversationReference>> {
    const ref = await store.get<Partial<ConversationReference>>('teams', workspace.externalId, convKey(conversationId));
    if (!ref) throw new AdapterError(AdapterErrorCode.NotFound, `teams: no conversation reference for ${conversationId}`);
    return ref;
  }

  function chatUrl(conversationId: string, messageId?: string): string {
    const base = `${graph.base}/chats/${encodeURIComponent(conversationId)}/messages`;
    return messageId ? `${base}/${encodeURIComponent(messageId)}` : base;
  }

  return {
    ...teamsMembers(graph),
    async react(): Promise<void> {
      return notSupported('teams', 'reactions from a bot');
    },
    // The Bot Connector has no call that lists a conversation's messages, so a bot copy whose send
    // failed ambiguously cannot be found again (README, "What each platform supports").
    async findRelayedCopy(): Promise<undefined> {
      return undefined;
    },
    async getUser(): Promise<DirectoryUser | undefined> {
      return notSupported('teams', 'looking up one user');
    },

    async configuredWorkspaces() {
      // A single-tenant app (or a multi-tenant one pinned to a tenant) is registered for that
      // tenant at start; other tenants register themselves with their first activity (inbound.ts).
      if (!teams.tenantId) return [];
      return [{ externalId: teams.tenantId, name: TENANT_NAME, credentials: {} }];
    },

    async openDirect(workspace: WorkspaceRef, userId: string, as?: SendAs): Promise<string> {
      if (as?.kind === 'user') return openUserChat(graph, workspace, as.accessToken, userId);
      const tenantId = workspace.externalId;
      const known = await store.get<string>('teams', tenantId, userKey(userId));
      if (known) return known;
      const serviceUrl =
        (await store.get<string>('teams', tenantId, 'serviceUrl')) ?? workspace.credentials.serviceUrl ?? teams.serviceUrl;
      const ref = await connector.createPersonal(tenantId, userId, serviceUrl);
      const conversationId = ref.conversation!.id;
      await store.set('teams', tenantId, convKey(conversationId), ref);
      await store.set('teams', tenantId, userKey(userId), conversationId);
      return conversationId;
    },

    async send(target: ConversationTarget, message: OutboundMessage, as: SendAs): Promise<MessageRef> {
      const token = userToken(as);
      if (token) {
        const { body } = await graph.request<{ id: string }>(
          `graph:user:${target.workspace.externalId}`,
          'post chat message',
          'POST',
          chatUrl(target.conversationId),
          token,
          graphMessage(message),
        );
        return { workspace: target.workspace, conversationId: target.conversationId, messageId: body.id };
      }
      const ref = await reference(target.workspace, target.conversationId);
      const messageId = await connector.send(ref, botActivity(message, as));
      return { workspace: target.workspace, conversationId: target.conversationId, messageId };
    },

    async update(ref: MessageRef, message: OutboundMessage, as: SendAs): Promise<void> {
      const token = userToken(as);
      if (token) {
        await graph.request(`graph:user:${ref.workspace.externalId}`, 'edit chat message', 'PATCH', chatUrl(ref.conversationId, ref.messageId), token, graphMessage(message));
        return;
      }
      await connector.update(await reference(ref.workspace, ref.conversationId), ref.messageId, botActivity(message, as));
    },

    async delete(ref: MessageRef, as: SendAs): Promise<void> {
      const token = userToken(as);
      if (token) {
        const url = `${graph.base}/me/chats/${encodeURIComponent(ref.conversationId)}/messages/${encodeURIComponent(ref.messageId)}/softDelete`;
        await graph.request(`graph:user:${ref.workspace.externalId}`, 'delete chat message', 'POST', url, token);
        return;
      }
      await connector.delete(await reference(ref.workspace, ref.conversationId), ref.messageId);
    },

    listUsers: (workspace, cursor) => graph.listUsers(workspace, cursor),

    addMember: (workspace, conversationId, userId, role) => graph.addMember(workspace, conversationId, userId, role),

    authorizeUrl: (params) => authorizeUrl(teams, params),

    exchangeCode: (params) => exchangeCode(teams, policy, params),
    checkUserToken: (_workspace, accessToken) => checkTeamsUserToken(graph, accessToken),
    refreshUserToken: (refreshToken) => refreshUserToken(teams, policy, { refreshToken, userId: '', workspaceExternalId: '' }),

    async checkHealth(workspace: WorkspaceRef): Promise<HealthReport> {
      const report: HealthReport = {
        tokenValid: false,
        botPresent: false,
        scopesGranted: false,
        // The messaging endpoint lives in the Azure bot registration; there is nothing to register by API.
        webhooksRegistered: 'unknown',
        missingScopes: [],
      };
      try {
        await graph.appToken(workspace).get();
        report.tokenValid = true;
        report.botPresent = (await store.get<string>('teams', workspace.externalId, 'serviceUrl')) !== undefined;
        await graph.listUsers(workspace);
        report.scopesGranted = true;
      } catch (err) {
        if (report.tokenValid) report.missingScopes.push('User.Read.All');
        report.detail = err instanceof Error ? err.message : String(err);
      }
      return report;
    },

    fromNeutral: (neutralText: string) => fromNeutral(neutralText).text,
  };
}
