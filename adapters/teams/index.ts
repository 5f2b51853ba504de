/**
 * The Microsoft Teams adapter: `POST /api/messages` (Bot Framework activities, JWT-validated by
 * botbuilder before anything else), the bot's 1:1 chats through the Bot Connector, and Microsoft
 * Graph for the directory, team membership and messages posted with a person's own token.
 *
 * Ids: a Teams workspace is a tenant (`externalId` = tenant id); a person is their Entra object
 * id; a bot conversation is the Bot Connector's `a:…` id; a user-sync conversation is a Graph chat
 * id (`19:…`); `addMember` takes a team id, or `teamId/channelId` for a private or shared channel.
 */
import type { AppConfig } from '../../src/config.js';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ActivityHandler, TurnContext, type Activity, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type ConversationReference } from 'botbuilder';
import {
  AdapterError,
  AdapterErrorCode,
  DirectoryUser,
  notSupported,
  type AdapterDeps,
  type ChatAdapter,
  type ConversationTarget,
  type HealthReport,
  type MessageRef,
  type OutboundMessage,
  type SendAs,
  type WorkspaceRef,
} from '../../src/chat-adapter.js';
import { OutboundPolicy, type OutboundPolicyOptions } from '../../src/outbound.js';
import { GraphApi } from './api.js';
import { openUserChat } from './user-chat.js';
import { teamsMembers } from './members.js';
import { botActivity, Connector, TeamsCloudAdapter } from './connector.js';
import { fromNeutral, toNeutral, type MentionEntity } from './format.js';
import { authorizeUrl, exchangeCode, refreshUserToken } from './oauth.js';
import { checkTeamsUserToken } from './user-token.js';
import { mentionedIds, parseActivity, tenantOf, type TeamsActivity } from './parse.js';
import { createBotAuthentication, verifyInbound } from './verify.js';

/** Teams' public Bot Connector endpoint, used until a tenant's own `serviceUrl` has been seen. */

/** Test and tuning knobs. */
export interface TeamsAdapterOptions {
  outbound?: OutboundPolicyOptions;
  /** Graph `$top` for directory pages. */
  pageSize?: number;
}

const convKey = (conversationId: string) => `conv:${conversationId}`;
const userKey = (userId: string) => `user:${userId}`;
const mriKey = (teamsId: string) => `mri:${teamsId}`;

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

/** The name a tenant's workspace gets until an admin renames it (Graph's organization name needs another permission). */
const TENANT_NAME = 'Teams';

/** Creates the Teams adapter. */
export function createTeamsAdapter(deps: AdapterDeps<AppConfig['teams']>, options: TeamsAdapterOptions = {}): ChatAdapter {
  const { settings: teams, log, sink, store } = deps;
  const policy = new OutboundPolicy('teams', options.outbound);
  const auth = createBotAuthentication(teams, policy);
  const appId = teams.appId!;
  const adapter = new TeamsCloudAdapter(auth);
  adapter.onTurnError = async (_context, error) => {
    log.error({ err: error }, 'teams turn failed');
    throw error;
  };
  const connector = new Connector(adapter, appId);
  const graph = new GraphApi(teams, policy, options.pageSize);

  const knownTenants = new Set<string>();
  /** A tenant that installs the app (multi-tenant) becomes a workspace with its first activity. */
  async function registerTenant(tenantId: string): Promise<void> {
    if (knownTenants.has(tenantId)) return;
    if (!(await deps.workspaces.get('teams', tenantId))) {
      await deps.workspaces.upsert('teams', { externalId: tenantId, name: TENANT_NAME, credentials: {} });
      log.info({ tenantId }, 'teams tenant registered from its first activity');
    }
    knownTenants.add(tenantId);
  }

  async function remember(activity: TeamsActivity): Promise<void> {
    const tenantId = tenantOf(activity);
    const conversationId = activity.conversation?.id;
    if (!tenantId || !conversationId) return;
    await registerTenant(tenantId);
    const reference = TurnContext.getConversationReference(activity as Activity);
    reference.conversation = { ...reference.conversation!, tenantId };
    await store.set('teams', tenantId, convKey(conversationId), reference);
    if (activity.serviceUrl) await store.set('teams', tenantId, 'serviceUrl', activity.serviceUrl);
    const from = activity.from;
    if (from?.aadObjectId && !from.id.startsWith('28:')) {
      await store.set('teams', tenantId, mriKey(from.id), from.aadObjectId);
      if (activity.conversation?.conversationType === 'personal') await store.set('teams', tenantId, userKey(from.aadObjectId), conversationId);
    }
  }

  async function dispatch(context: TurnContext): Promise<void> {
    const activity = context.activity as unknown as TeamsActivity;
    await remember(activity);
    const tenantId = tenantOf(activity);
    const ids = new Map<string, string>();
    for (const id of mentionedIds(activity)) {
      const aad = tenantId ? await store.get<string>('teams', tenantId, mriKey(id)) : undefined;
      if (aad) ids.set(id, aad);
    }
    const event = parseActivity(activity, ids);
    if (!event) return;
    const result = await sink.handle(event);
    if (result.reply) await context.sendActivity(botActivity(result.reply, { kind: 'bot' }));
  }

  class CrosstalkBot extends ActivityHandler {
    constructor() {
      super();
      this.onMessage(async (context, next) => {
        await dispatch(context);
        await next();
      });
      this.onMessageUpdate(async (context, next) => {
        await dispatch(context);
        await next();
      });
      this.onMessageDelete(async (context, next) => {
        await dispatch(context);
        await next();
      });
      this.onMembersAdded(async (context, next) => {
        await dispatch(context);
        await next();
      });
    }

    protected override async onAdaptiveCardInvoke(context: TurnContext, _value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
      await dispatch(context);
      return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'OK' as never };
    }
  }
  const bot = new CrosstalkBot();

  async function reference(workspace: WorkspaceRef, conversationId: string): Promise<Partial<ConversationReference>> {
    const ref = await store.get<Partial<ConversationReference>>('teams', workspace.externalId, convKey(conversationId));
    if (!ref) throw new AdapterError(AdapterErrorCode.NotFound, `teams: no conversation reference for ${conversationId}`);
    return ref;
  }

  function userToken(as: SendAs): string | undefined {
    return as.kind === 'user' ? as.accessToken : undefined;
  }

  function chatUrl(conversationId: string, messageId?: string): string {
    const base = `${graph.base}/chats/${encodeURIComponent(conversationId)}/messages`;
    return messageId ? `${base}/${encodeURIComponent(messageId)}` : base;
  }

  return {
    platform: 'teams',
    ...teamsMembers(graph),
    userOAuth: Boolean(teams.appId && teams.appPassword),
    // A personal chat has no threads; Bot Framework messages are limited to about 28 KB
    // (learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages).
    capabilities: { threads: false, edits: true, deletes: true, reactions: false, managerRole: 'owner', postAsUser: true, maxTextLength: 28_000, userLookup: false, tokenRefresh: true },
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
      // tenant at start; other tenants register themselves with their first activity (remember()).
      if (!teams.tenantId) return [];
      return [{ externalId: teams.tenantId, name: TENANT_NAME, credentials: {} }];
    },

    mount(router: Router): void {
      // The Bot Framework token is checked before the body is even parsed: no token, no work.
      const refuse = (res: Response, reason: string) => {
        log.warn({ reason }, 'teams: refused an unauthenticated activity');
        res.status(401).send('Unauthorized Access. Request is not authorized');
      };
      const requireBearer = (req: Request, res: Response, next: NextFunction) => {
        if (!/^Bearer [\w-]+\.[\w-]+\.[\w-]*$/.test(req.headers.authorization ?? '')) refuse(res, 'no bearer token');
        else next();
      };
      router.post('/api/messages', requireBearer, express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
        let activity: Activity | undefined;
        try {
          activity = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '') as Activity;
        } catch {
          activity = undefined;
        }
        const wellFormed = Boolean(activity && typeof activity === 'object' && typeof activity.type === 'string');
        let authResult;
        try {
          authResult = await verifyInbound(auth, wellFormed ? activity! : ({} as Activity), req.headers.authorization);
        } catch (err) {
          refuse(res, err instanceof Error ? err.message : String(err));
          return;
        }
        if (!wellFormed) {
          res.status(400).send('Bad Request');
          return;
        }
        try {
          const invoke = await adapter.runAuthenticated(authResult, activity!, (context) => bot.run(context));
          if (invoke) res.status(invoke.status).json(invoke.body ?? {});
          else res.status(200).end();
        } catch (err) {
          log.error({ err }, 'teams: activity handling failed');
          if (!res.headersSent) res.status(500).end();
        }
      });
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
    checkUserToken: (_workspace, accessToken) => checkTeamsUserToken(teams, accessToken),
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

    toNeutral: (platformText: string, entities?: unknown[]) => toNeutral(platformText, entities),

    fromNeutral: (neutralText: string) => fromNeutral(neutralText).text,
  };
}

