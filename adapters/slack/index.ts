/**
 * The Slack adapter: the inbound half (Bolt's receiver, verification, events to the core) and the
 * outbound half (`@slack/web-api` calls), built over one set of shared pieces: the Web API
 * clients, the outbound policy for plain REST calls, the bot resolver and the profile-field cache.
 */
import type { AppConfig } from '../../src/config.js';
import type { RetryOptions } from '@slack/web-api';
import type { AdapterDeps, ChatAdapter } from '../../src/chat-adapter.js';
import { OutboundPolicy } from '../../src/outbound.js';
import { SlackApi } from './api.js';
import { neutralToSlack, slackToNeutral } from './format.js';
import { createSlackInbound } from './inbound.js';
import { createBotResolver } from './oauth.js';
import { createSlackOutbound } from './outbound.js';

export { SLACK_PATHS } from './inbound.js';

/** Tunables; tests shrink the retry policy so a 429 with `Retry-After: 1` resolves in about a second. */
export interface SlackAdapterOptions {
  retryConfig?: RetryOptions;
  timeoutMs?: number;
  userScopes?: string[];
  /** Request body limit for inbound routes. */
  bodyLimit?: string;
}

const FIELD_LABEL_TTL_MS = 60 * 60_000;

/** Creates the Slack adapter. */
export function createSlackAdapter(deps: AdapterDeps<AppConfig['slack']>, options: SlackAdapterOptions = {}): ChatAdapter {
  const { settings: slack, log } = deps;
  const signingSecret = slack.signingSecret;
  if (!signingSecret) throw new Error('SLACK_SIGNING_SECRET is required to run the Slack adapter');

  const api = new SlackApi({ apiUrl: slack.apiUrl, retryConfig: options.retryConfig, timeoutMs: options.timeoutMs, log });
  const policy = new OutboundPolicy('slack', { timeoutMs: options.timeoutMs });
  const resolveBot = createBotResolver(deps, api);
  const useOAuth = Boolean(slack.clientId && slack.clientSecret);

  // Custom profile field labels per workspace: directory pages and `user_change` events carry only field ids.
  const fieldLabels = new Map<string, { at: number; labels: Promise<Map<string, string>> }>();
  function labelsFor(teamId: string, token: string): Promise<Map<string, string>> {
    const cached = fieldLabels.get(teamId);
    if (cached && Date.now() - cached.at < FIELD_LABEL_TTL_MS) return cached.labels;
    const labels = api
      .call('team.profile.get', () => api.client(token).team.profile.get())
      .then((r) => new Map((r.profile?.fields ?? []).map((f) => [f.id ?? '', f.label ?? ''] as [string, string])))
      .catch((err: unknown) => {
        log.warn({ teamId, err: (err as Error).message }, 'slack custom profile fields unavailable');
        return new Map<string, string>();
      });
    fieldLabels.set(teamId, { at: Date.now(), labels });
    return labels;
  }

  return {
    platform: 'slack',
    userOAuth: useOAuth,
    // chat.postMessage truncates `text` at 40,000 characters (docs.slack.dev/reference/methods/chat.postMessage).
    capabilities: { threads: true, edits: true, deletes: true, reactions: true, postAsUser: true, maxTextLength: 40_000, userLookup: true, tokenRefresh: false },
    ...createSlackInbound(deps, { signingSecret, api, resolveBot, labelsFor, useOAuth, bodyLimit: options.bodyLimit }),
    ...createSlackOutbound(deps, { api, policy, resolveBot, labelsFor, userScopes: options.userScopes }),
    toNeutral: slackToNeutral,
    fromNeutral: neutralToSlack,
  };
}
