/**
 * The Teams adapter's inbound half: `POST /api/messages` (the Bot Framework token checked before
 * the body is even parsed), activities turned into the core's events, and what each activity
 * teaches the outbound half (the tenant, the conversation reference, who is who).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ActivityHandler, TurnContext, type Activity, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from 'botbuilder';
import type { ChatAdapter } from '../../src/chat-adapter.js';
import { botActivity } from './connector.js';
import { toNeutral } from './format.js';
import { mentionedIds, parseActivity, tenantOf, type TeamsActivity } from './parse.js';
import { convKey, mriKey, TENANT_NAME, userKey, type TeamsShared } from './shared.js';
import { verifyInbound } from './verify.js';

/** `mount` and `toNeutral` of the Teams adapter. */
export function teamsInbound({ deps, auth, adapter }: TeamsShared): Pick<ChatAdapter, 'mount' | 'toNeutral'> {
  const { log, sink, store } = deps;

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

  return {
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

    toNeutral: (platformText: string, entities?: unknown[]) => toNeutral(platformText, entities),
  };
}
