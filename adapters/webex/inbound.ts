/**
 * Webex inbound: Crosstalk's own handling of `POST /webex/webhook`.
 *
 * Notifications are verified here over the raw bytes and then processed through the framework's
 * SDK instance rather than the framework's webhook handler, because that handler answers 200
 * before doing anything (so the event could not be recorded before the acknowledgement), swallows
 * fetch failures, re-spawns bot objects with extra room and membership calls per unknown room,
 * ignores `messages updated`, and hands events to listeners through an emitter that cannot be awaited.
 */
import type { AppConfig } from '../../src/config.js';
import express, { type Request, type Response, type Router } from 'express';
import type { AdapterDeps, ChatAdapter, InboundEvent, WorkspaceRef } from '../../src/chat-adapter.js';
import { AdapterError, AdapterErrorCode } from '../../src/chat-adapter.js';
import type { WebexApi } from './api.js';
import {
  notificationKind,
  parseAttachmentAction,
  parseMembershipCreated,
  parseMessageCreated,
  parseMessageDeleted,
  parseMessageUpdated,
  webhookEnvelopeSchema,
  type WebexAttachmentAction,
  type WebexMessage,
  type WebhookEnvelope,
} from './parse.js';
import type { BotSession } from './sdk.js';
import { verifyWebexSignature } from './verify.js';

/** What the inbound half needs from the adapter's shared pieces. */
export interface WebexInboundShared {
  api: WebexApi;
  /** The bot session for a workspace (the configured bot without one). */
  session(workspace?: WorkspaceRef): Promise<BotSession>;
  /** Records the 1:1 room a person wrote the bot from, so replies and prompts go to it. */
  rememberDirectRoom(workspaceId: string, personId: string, roomId: string): Promise<void>;
  /** Posts the core's reply to a command or button (the outbound half's `send`). */
  send: ChatAdapter['send'];
  /** A `created` notification older than this is refused as a replay. */
  maxEventAgeMs: number;
}

/** Builds the inbound half of the Webex adapter: the route it mounts. */
export function createWebexInbound(deps: AdapterDeps<AppConfig['webex']>, shared: WebexInboundShared): { mount(router: Router): void } {
  const { settings: cfg, log, sink, workspaces } = deps;
  const { api, session, rememberDirectRoom, maxEventAgeMs } = shared;

  async function normalize(envelope: WebhookEnvelope, s: BotSession): Promise<InboundEvent | undefined> {
    const kind = notificationKind(envelope);
    const bot = { id: s.bot.id, displayName: s.bot.displayName };
    switch (kind) {
      case 'messages.created':
      case 'messages.updated': {
        if (envelope.data.personId === bot.id) return undefined;
        const res = await api.asBot<WebexMessage>(s, 'messages.get', { resource: `messages/${envelope.data.id}` });
        return kind === 'messages.created' ? parseMessageCreated(envelope, res.body, bot) : parseMessageUpdated(envelope, res.body, bot);
      }
      case 'messages.deleted':
        return parseMessageDeleted(envelope, bot);
      case 'attachmentActions.created': {
        const res = await api.asBot<WebexAttachmentAction>(s, 'attachmentActions.get', { resource: `attachment/actions/${envelope.data.id}` });
        return parseAttachmentAction(envelope, res.body);
      }
      case 'memberships.created':
        return parseMembershipCreated(envelope, bot);
      default:
        return undefined;
    }
  }

  async function handleWebhook(req: Request, res: Response): Promise<void> {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get('x-spark-signature');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const orgId = typeof (parsed as { orgId?: unknown })?.orgId === 'string' ? (parsed as { orgId: string }).orgId : undefined;
    const workspace = orgId ? await workspaces.get('webex', orgId) : undefined;
    if (!verifyWebexSignature(raw, signature, [cfg.webhookSecret, workspace?.credentials.webhookSecret])) {
      log.warn({ path: req.path }, 'webex webhook refused: bad or missing X-Spark-Signature');
      res.status(401).json({ message: 'invalid signature' });
      return;
    }
    const envelope = webhookEnvelopeSchema.safeParse(parsed);
    if (!envelope.success) {
      res.status(400).json({ message: 'not a Webex webhook notification' });
      return;
    }
    const n = envelope.data;
    const created = n.event === 'created' && n.data.created ? Date.parse(n.data.created) : NaN;
    if (Number.isFinite(created) && Date.now() - created > maxEventAgeMs) {
      log.warn({ resource: n.resource, id: n.data.id }, 'webex webhook refused: stale notification');
      res.status(401).json({ message: 'stale notification' });
      return;
    }
    if (!notificationKind(n)) {
      res.status(200).send('OK');
      return;
    }
    try {
      const s = await session(workspace);
      const event = await normalize(n, s);
      if (event) {
        if (event.kind === 'message' && event.isDirect) await rememberDirectRoom(event.workspaceId, event.userId, event.conversationId);
        const result = await sink.handle(event);
        if (result.reply) {
          const ws = workspace ?? { externalId: n.orgId, credentials: {} };
          await shared
            .send({ workspace: ws, conversationId: event.conversationId }, result.reply, { kind: 'bot' })
            .catch((err: unknown) => log.error({ err, eventId: event.eventId }, 'webex reply failed'));
        }
      }
      res.status(200).send('OK');
    } catch (err) {
      if (err instanceof AdapterError && err.code === AdapterErrorCode.NotFound) {
        res.status(200).send('OK');
        return;
      }
      log.error({ err, resource: n.resource, event: n.event }, 'webex webhook handling failed');
      res.status(500).json({ message: 'could not handle notification' });
    }
  }

  return {
    mount(router: Router): void {
      router.post('/webex/webhook', express.raw({ type: () => true, limit: '1mb' }), (req, res, next) => {
        handleWebhook(req, res).catch(next);
      });
    },
  };
}
