/**
 * The Zoom adapter's inbound half: `POST /zoom/webhook` (signature checked, URL validation
 * answered, events turned into the core's events, Crosstalk's own user messages dropped) and the
 * Zoom App page.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { ChatAdapter, InboundEvent, OutboundMessage } from '../../src/chat-adapter.js';
import { mountZoomAppPage, type ZoomAppPageParams } from './app-page.js';
import { zoomMarkdownToNeutral } from './format.js';
import { zoomAuthorizeUrl } from './oauth.js';
import { parseZoomEvent, type ZoomReplyTarget } from './parse.js';
import { PENDING_KEY, SENT_KEY, type ZoomShared } from './shared.js';
import { urlValidationResponse, verifyZoomSignature } from './verify.js';

/** What the inbound half needs besides the shared pieces. */
export interface ZoomInboundOptions {
  /** Posts the core's answer to an event (the outbound half's `zoomReply`). */
  reply: (target: ZoomReplyTarget, message: OutboundMessage) => Promise<void>;
  /** Parameters of the Zoom App page for one request; default reads `state` and `code_challenge` from the query. */
  appPage?: (req: Request) => Promise<ZoomAppPageParams | undefined> | ZoomAppPageParams | undefined;
}

/** `mount` and `toNeutral` of the Zoom adapter. */
export function zoomInbound({ deps, now }: ZoomShared, options: ZoomInboundOptions): Pick<ChatAdapter, 'mount' | 'toNeutral'> {
  const { settings: zoom, log, sink, store } = deps;

  const webhook = async (req: Request, res: Response) => {
    const secret = zoom.webhookSecretToken;
    if (!secret) {
      log.error('zoom webhook received but ZOOM_WEBHOOK_SECRET_TOKEN is not set');
      res.status(503).json({ error: 'not configured' });
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifyZoomSignature({
      rawBody: raw,
      signature: req.header('x-zm-signature'),
      timestamp: req.header('x-zm-request-timestamp'),
      secret,
      nowSeconds: Math.floor(now() / 1000),
    });
    if (!verdict.ok) {
      log.warn({ reason: verdict.reason }, 'zoom webhook refused');
      res.status(401).json({ error: 'invalid signature' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'invalid JSON' });
      return;
    }
    const parsed = parseZoomEvent(body);
    if (parsed.kind === 'url_validation') {
      res.status(200).json(urlValidationResponse(parsed.plainToken, secret));
      return;
    }
    if (parsed.kind === 'ignored') {
      log.debug({ reason: parsed.reason }, 'zoom event ignored');
      res.status(200).json({});
      return;
    }
    const event = parsed.event;
    if (await isOwnUserMessage(event)) {
      res.status(200).json({});
      return;
    }
    let result;
    try {
      result = await sink.handle(event);
    } catch (err) {
      log.error({ err, eventId: event.eventId }, 'zoom event could not be recorded');
      res.status(500).json({ error: 'not recorded' });
      return;
    }
    res.status(200).json({});
    if (result.reply && parsed.reply) {
      options.reply(parsed.reply, result.reply).catch((err: unknown) => log.error({ err, eventId: event.eventId }, 'zoom reply failed'));
    }
  };

  /** Messages Crosstalk posted with a person's token come back as their DM events; they are not relayed again. */
  const isOwnUserMessage = async (event: InboundEvent): Promise<boolean> => {
    if (event.kind !== 'message' && event.kind !== 'message_edited' && event.kind !== 'message_deleted') return false;
    if (await store.get<boolean>('zoom', event.workspaceId, SENT_KEY(event.messageId))) return true;
    if (event.kind !== 'message') return false;
    return Boolean(await store.get<boolean>('zoom', event.workspaceId, PENDING_KEY(event.conversationId, event.text)));
  };

  const defaultAppPage = (req: Request): ZoomAppPageParams | undefined => {
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    const codeChallenge = typeof req.query.code_challenge === 'string' ? req.query.code_challenge : undefined;
    if (!state || !codeChallenge || !zoom.clientId) return undefined;
    const callbackUrl = `${deps.publicUrl}/oauth/zoom/callback`;
    return { state, codeChallenge, callbackUrl, authorizeUrl: zoomAuthorizeUrl(zoom.oauthUrl, zoom.clientId, { state, codeChallenge, redirectUri: callbackUrl }) };
  };

  return {
    mount(router: Router) {
      router.post('/zoom/webhook', express.raw({ type: () => true, limit: '1mb' }), (req, res, next) => {
        webhook(req, res).catch(next);
      });
      mountZoomAppPage(router, options.appPage ?? defaultAppPage);
    },

    toNeutral(platformText: string) {
      return zoomMarkdownToNeutral(platformText);
    },
  };
}
