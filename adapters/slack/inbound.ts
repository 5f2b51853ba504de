/**
 * Slack inbound: Bolt's `ExpressReceiver` for events, slash commands and interactivity (plus the
 * workspace install routes when client credentials are set), every request verified before Bolt
 * sees it, normalized and handed to the core before the acknowledgement goes out.
 */
import type { AppConfig } from '../../src/config.js';
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { App, ExpressReceiver, type AllMiddlewareArgs, type AnyMiddlewareArgs, type Authorize } from '@slack/bolt';
import type { AdapterDeps, InboundEvent } from '../../src/chat-adapter.js';
import type { SlackApi } from './api.js';
import { toSlackMessage } from './blocks.js';
import { toBoltLogger } from './logger.js';
import { BOT_SCOPES, authorizeEndpoint, createInstallationStore, type createBotResolver } from './oauth.js';
import { parseBlockActions, parseEventEnvelope, parseSlashCommand } from './parse.js';
import { verifySlackRequest } from './verify.js';

/** Inbound paths (the design's HTTP contract). */
export const SLACK_PATHS = { events: '/slack/events', commands: '/slack/commands', interactions: '/slack/interactions' } as const;

/** What the inbound half needs from the adapter's shared pieces. */
export interface SlackInboundShared {
  signingSecret: string;
  api: SlackApi;
  resolveBot: ReturnType<typeof createBotResolver>;
  /** Custom profile field labels of a workspace, cached (a `user_change` event carries only ids). */
  labelsFor(teamId: string, token: string): Promise<Map<string, string>>;
  /** Workspace installs through Bolt's installer (client id and secret are set). */
  useOAuth: boolean;
  /** Request body limit for inbound routes. */
  bodyLimit?: string;
}

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

/** Builds the inbound half of the Slack adapter: the routes it mounts. */
export function createSlackInbound(deps: AdapterDeps<AppConfig['slack']>, shared: SlackInboundShared): { mount(router: Router): void } {
  const { settings: slack, log } = deps;
  const { api, resolveBot, labelsFor, useOAuth, signingSecret } = shared;
  const boltLogger = toBoltLogger(log);

  const receiver = new ExpressReceiver({
    signingSecret,
    endpoints: { ...SLACK_PATHS },
    processBeforeResponse: true,
    logger: boltLogger,
    ...(useOAuth
      ? {
          clientId: slack.clientId,
          clientSecret: slack.clientSecret,
          // Signs the install `state`; derived so no extra setting is needed, never the secret itself.
          stateSecret: createHash('sha256').update(`crosstalk-slack-state:${slack.clientSecret}`).digest('hex'),
          scopes: BOT_SCOPES,
          redirectUri: `${deps.publicUrl}/slack/oauth_redirect`,
          installationStore: createInstallationStore(deps, resolveBot),
          installerOptions: {
            directInstall: true,
            installPath: '/slack/install',
            redirectUriPath: '/slack/oauth_redirect',
            authorizationUrl: authorizeEndpoint(slack.apiUrl),
            clientOptions: api.clientOptions,
            stateVerification: true,
          },
        }
      : {}),
  });

  const authorize: Authorize<boolean> = async (source) => {
    const bot = source.teamId ? await resolveBot(source.teamId) : undefined;
    if (!bot) throw new Error(`unknown Slack workspace ${source.teamId ?? '(none)'}`);
    return { teamId: bot.teamId, botToken: bot.token, botUserId: bot.userId, botId: bot.botId };
  };

  const app = new App({
    receiver,
    logger: boltLogger,
    clientOptions: api.clientOptions,
    ...(useOAuth ? {} : { authorize }),
  });

  app.use(async (args: Args) => {
    const body = args.body as Record<string, unknown>;
    const { context } = args;
    const ack = 'ack' in args ? (args.ack as (response?: unknown) => Promise<void>) : undefined;
    const respond = 'respond' in args ? (args.respond as ((message: Record<string, unknown>) => Promise<unknown>) | undefined) : undefined;

    let event: InboundEvent | undefined;
    if (body.type === 'event_callback') {
      const inner = body.event as { type?: string } | undefined;
      const labels = inner?.type === 'user_change' && context.botToken ? await labelsFor(String(context.teamId), context.botToken) : undefined;
      event = parseEventEnvelope(body, { botUserId: context.botUserId, botId: context.botId, fieldLabels: labels });
    } else if (typeof body.command === 'string') {
      event = parseSlashCommand(body);
    } else if (body.type === 'block_actions') {
      event = parseBlockActions(body);
    }
    if (!event) {
      await ack?.();
      return;
    }

    if (event.kind === 'command') {
      try {
        const result = await deps.sink.handle(event);
        await ack!(result.reply ? { response_type: 'ephemeral', ...toSlackMessage(result.reply) } : undefined);
      } catch (err) {
        log.error({ err, eventId: event.eventId }, 'slack command failed');
        await ack!({ response_type: 'ephemeral', text: 'Sorry, Crosstalk could not run that command just now. Please try again.' });
      }
      return;
    }

    // Events API: an error here becomes a 500, so Slack retries with the same event_id.
    const result = await deps.sink.handle(event);
    await ack?.();
    const reply = result.reply;
    if (!reply) return;
    if (event.kind === 'action' && respond) {
      await respond({ response_type: 'ephemeral', replace_original: false, ...toSlackMessage(reply) }).catch((err: unknown) =>
        log.warn({ err: (err as Error).message }, 'slack respond() failed'),
      );
      return;
    }
    if (event.conversationId && context.botToken) {
      const token = context.botToken;
      const channel = event.conversationId;
      void api
        .call('chat.postMessage', () => api.client(token).chat.postMessage({ channel, ...toSlackMessage(reply) }))
        .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'slack reply failed'));
    }
  });

  app.error(async (err) => {
    log.error({ err: err.message, code: err.code }, 'slack inbound handling failed');
    throw err;
  });

  const readRaw = express.raw({ type: () => true, limit: shared.bodyLimit ?? '1mb' });
  const verifyFirst = (req: Request, res: Response, next: NextFunction) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifySlackRequest({
      signingSecret,
      rawBody: raw,
      timestamp: req.get('x-slack-request-timestamp'),
      signature: req.get('x-slack-signature'),
    });
    if (!verdict.ok) {
      log.warn({ path: req.path, reason: verdict.reason }, 'slack request refused');
      res.status(401).end();
      return;
    }
    (req as Request & { rawBody?: Buffer }).rawBody = raw;
    next();
  };

  return {
    mount(router: Router) {
      router.post(Object.values(SLACK_PATHS), readRaw, verifyFirst);
      router.use(receiver.router);
    },
  };
}
