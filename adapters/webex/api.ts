/**
 * Outbound Webex REST. Bot calls go through the framework's SDK instance (its auth and catalog);
 * user calls (user sync) go straight to REST with the person's OAuth token. Both run under
 * `OutboundPolicy`, because the SDK does not retry hydra 429/5xx answers.
 */
import type { WebexSdkRequest } from 'webex-node-bot-framework';
import { PLATFORM_NAMES, type Button, type OutboundMessage, type SendAs } from '../../src/chat-adapter.js';
import { HttpStatusError, parseRetryAfter, type OutboundPolicy, type RunOptions } from '../../src/outbound.js';
import { fromNeutral } from './format.js';
import type { BotSession } from './sdk.js';

/** An HTTP answer, whichever path it took. */
export interface WebexResponse<T> {
  status: number;
  headers: Record<string, string | undefined>;
  body: T;
}

/** A conversation id standing for "the 1:1 room with this person", before Webex has made one. */
export const DIRECT_PREFIX = 'direct:';


function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Maps an SDK `WebexHttpError` to the policy's `HttpStatusError` (keeping Retry-After). */
function fromSdkError(err: unknown): unknown {
  const e = err as { statusCode?: number; headers?: Record<string, string>; body?: unknown };
  if (typeof e?.statusCode === 'number' && e.statusCode > 0) {
    return new HttpStatusError(e.statusCode, JSON.stringify(e.body ?? ''), parseRetryAfter(e.headers?.['retry-after']));
  }
  return err;
}

/** Rate-limited, retrying access to the Webex REST API. */
export class WebexApi {
  constructor(
    private readonly apiUrl: string,
    private readonly policy: OutboundPolicy,
  ) {}

  /** A call as the bot, through the SDK. */
  async asBot<T>(session: BotSession, what: string, request: WebexSdkRequest, options: RunOptions = {}): Promise<WebexResponse<T>> {
    return this.policy.run(`bot:${session.bot.id}`, what, async (signal) => {
      try {
        const res = await abortable(session.webex.request<T>({ service: 'hydra', method: 'GET', ...request }), signal);
        return { status: res.statusCode, headers: res.headers ?? {}, body: res.body };
      } catch (err) {
        throw fromSdkError(err);
      }
    }, options);
  }

  /** A call with a person's (or admin's) own token, straight to REST. */
  async withToken<T>(
    token: string,
    what: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    options: RunOptions = {},
  ): Promise<WebexResponse<T>> {
    const url = `${this.apiUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
    const res = await this.policy.fetchJson<T>(
      `token:${token.slice(-12)}`,
      what,
      url,
      {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
      options,
    );
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { status: res.status, headers, body: res.body };
  }
}

/**
 * Neutral message → Webex `POST /messages` body fields. Bot sync shows the real sender as a bold
 * first line with their home platform: Webex markdown cannot show an avatar, and a card (which
 * could) cannot be edited afterwards, so relayed messages stay markdown. Action buttons need an
 * Adaptive Card; link buttons alone stay markdown links so the message remains editable.
 */
export function composeMessage(message: OutboundMessage, as: SendAs): { markdown: string; attachments?: unknown[] } {
  let markdown = fromNeutral(message.text);
  if (as.kind === 'bot' && as.displayName) {
    const from = as.fromPlatform ? ` (${PLATFORM_NAMES[as.fromPlatform]})` : '';
    markdown = `**${as.displayName}**${from}\n${markdown}`;
  }
  const buttons = message.buttons ?? [];
  const hasActions = buttons.some((b) => b.actionId);
  if (!hasActions) {
    const links = buttons.filter((b) => b.url).map((b) => `[${b.label}](${b.url})`);
    return { markdown: links.length ? `${markdown}\n\n${links.join(' · ')}` : markdown };
  }
  return { markdown, attachments: [adaptiveCard(markdown, buttons)] };
}

function adaptiveCard(markdown: string, buttons: Button[]): unknown {
  return {
    contentType: 'application/vnd.microsoft.card.adaptive',
    content: {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.2',
      body: [{ type: 'TextBlock', text: markdown, wrap: true }],
      actions: buttons.map((b) =>
        b.url
          ? { type: 'Action.OpenUrl', title: b.label, url: b.url }
          : {
              type: 'Action.Submit',
              title: b.label,
              data: { actionId: b.actionId, value: b.value ?? '' },
              ...(b.style === 'danger' ? { style: 'destructive' } : b.style === 'primary' ? { style: 'positive' } : {}),
            },
      ),
    },
  };
}

/** Where a message goes: a room, or a person (Webex opens the 1:1 room on the first message). */
export function destination(conversationId: string): { roomId: string } | { toPersonId: string } | { toPersonEmail: string } {
  if (!conversationId.startsWith(DIRECT_PREFIX)) return { roomId: conversationId };
  const who = conversationId.slice(DIRECT_PREFIX.length);
  return who.includes('@') ? { toPersonEmail: who } : { toPersonId: who };
}
