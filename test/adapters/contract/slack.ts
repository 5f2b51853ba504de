/** The Slack adapter (test-sized retries) against the Slack simulator, for the adapter contract. */
import { loadConfig } from '../../../src/config.js';
import { createSlackSimulator } from '../../../sandbox/simulators/slack/server.js';
import { testAdapterFactories } from '../../helpers/test-adapters.js';
import { CROWD, serveAdapter, type ContractHarness, type PlatformExpectations } from './harness.js';

/** Slack: reactions through `reactions.add`/`remove`; Web API errors name the reason (`channel_not_found`). */
export const SLACK_EXPECTATIONS: PlatformExpectations = {
  capabilities: { threads: true, edits: true, deletes: true, reactions: true, postAsUser: true, maxTextLength: 40_000, userLookup: true, tokenRefresh: false },
  // mrkdwn: *bold* (docs.slack.dev "Formatting text for app surfaces").
  shown: { sent: 'Lunch at *noon*', edited: 'Lunch at *one*' },
  unknownConversationReason: /channel_not_found/,
  unknownChannelReason: /channel_not_found/,
};

/** Starts the Slack pair: one workspace with `CROWD` people, all but the newcomer in #general with the bot. */
export async function startSlackContract(): Promise<ContractHarness> {
  const slack = await createSlackSimulator({ workspaces: [{ name: 'Acme' }] });
  const teamId = [...slack.state.workspaces.keys()][0]!;
  const ws = slack.state.workspace(teamId);
  const crowd = Array.from({ length: CROWD }, (_, i) => slack.state.addUser(teamId, { name: `person${i}`, realName: `Person ${i}`, email: `person${i}@acme.test` }).id);
  const [newcomer, recipient, patient, speaker] = crowd as [string, string, string, string];
  const general = slack.state.addChannel(teamId, { name: 'general', members: [ws.botUserId, ...crowd.slice(1)] });
  const installed = slack.installedWorkspaces().find((w) => w.externalId === teamId)!;
  const workspace = { externalId: teamId, credentials: installed.credentials };
  const create = testAdapterFactories.find((f) => f.platform === 'slack')!;

  const served = await serveAdapter(async (baseUrl, deps) => {
    const config = loadConfig({ NODE_ENV: 'test' });
    config.publicUrl = baseUrl;
    config.slack = { ...config.slack, ...slack.sandboxSettings(teamId), sandbox: true };
    await deps.workspaces.upsert('slack', installed);
    return create.build({ ...deps, publicUrl: baseUrl }, config);
  });

  return {
    platform: 'slack',
    adapter: served.adapter,
    workspace,
    sink: served.sink,
    expectations: SLACK_EXPECTATIONS,
    sim: slack.sim,
    sendPath: '/api/chat.postMessage',
    people: { recipient, patient, speaker, newcomer },
    channel: general.id,
    unknown: { conversation: 'C0NOSUCH01', channel: 'C0NOSUCH02' },
    botMessages: (conversationId) => slack.state.messagesIn(teamId, conversationId).filter((m) => m.botId).map((m) => ({ id: m.ts, text: m.text })),
    reactions: (conversationId, messageId) => [...(slack.state.findMessage(teamId, conversationId, messageId)?.reactions.keys() ?? [])],
    directory: () => [...ws.users.keys()],
    members: () => [...general.members],
    async personWrites(userId, text) {
      return (await slack.sendDirectMessage(served.baseUrl, { teamId, userId, text })).status;
    },
    async ownPostComesBack(userId, text) {
      const conversationId = await served.adapter.openDirect(workspace, userId);
      const ref = await served.adapter.send({ workspace, conversationId }, { text }, { kind: 'bot' });
      // Events API delivers the bot's own post as a `message` with `bot_id` (subtype `bot_message`).
      const res = await slack.sendEvent(served.baseUrl, teamId, {
        type: 'message',
        subtype: 'bot_message',
        channel: ref.conversationId,
        channel_type: 'im',
        user: ws.botUserId,
        bot_id: ws.botId,
        text,
        ts: ref.messageId,
      });
      return res.status;
    },
    rateLimitNextSend(retryAfterSeconds) {
      slack.sim.inject({ path: '/api/chat.postMessage', fault: { kind: 'status', status: 429, retryAfterSeconds } });
    },
    async close() {
      await served.close();
      await slack.close();
    },
  };
}
