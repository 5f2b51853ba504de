/** The Teams adapter (test-sized retries) against the Teams simulator, for the adapter contract. */
import { adapterDeps } from '../../helpers/test-adapters.js';
import { createTeamsAdapter } from '../../../adapters/teams/index.js';
import { loadConfig } from '../../../src/config.js';
import { createTeamsSimulator } from '../../../sandbox/simulators/teams/server.js';
import { FAST_POLICY } from '../../helpers/test-adapters.js';
import { CROWD, serveAdapter, type ContractHarness, type PlatformExpectations } from './harness.js';

/**
 * Teams: no reactions for bots (the Bot Connector has no reaction operation); Bot Connector and
 * Graph errors carry `error.message`.
 */
export const TEAMS_EXPECTATIONS: PlatformExpectations = {
  capabilities: { threads: false, edits: true, deletes: true, reactions: false, managerRole: 'owner', postAsUser: true, maxTextLength: 28_000, userLookup: false, tokenRefresh: true },
  // Bot messages are XML/HTML text (learn.microsoft.com "Text formatting in cards and messages").
  shown: { sent: 'Lunch at <b>noon</b>', edited: 'Lunch at <b>one</b>' },
  unknownConversationReason: /Conversation not found/,
  unknownChannelReason: /No team found with Group Id/,
};

/** The Bot Connector's send and reply-to-activity routes (botbuilder replies to the conversation's first activity). */
const SEND_PATH = /^\/connector\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/;

/** Graph `$top` for directory pages: small, so the seeded tenant spans several. */
const DIRECTORY_PAGE = 100;

/** Starts the Teams pair: the demo tenant plus `CROWD` people, all but the newcomer in one team. */
export async function startTeamsContract(): Promise<ContractHarness> {
  const teams = await createTeamsSimulator();
  const tenant = [...teams.tenants.values()][0]!;
  const crowd = Array.from({ length: CROWD }, (_, i) => teams.addUser(tenant.id, { displayName: `Person ${i}`, mail: `person${i}@contoso.com` }).id);
  const [newcomer, recipient, patient, speaker] = crowd as [string, string, string, string];
  const team = teams.addTeam(tenant.id, { displayName: 'Everyone' });
  for (const id of crowd.slice(1)) team.members.set(id, []);
  const workspace = { externalId: tenant.id, credentials: {} };
  const botId = `28:${teams.defaultApp.appId}`;

  const served = await serveAdapter((_baseUrl, deps) =>
    createTeamsAdapter(adapterDeps({ ...loadConfig({ NODE_ENV: 'test' }), teams: teams.sandboxSettings() }, 'teams', deps), { outbound: FAST_POLICY, pageSize: DIRECTORY_PAGE }),
  );
  await served.workspaces.upsert('teams', { ...workspace, name: tenant.name });
  // A bot posts only where it holds a conversation reference: the unknown conversation is one the
  // adapter knows but Teams no longer has (the person removed the app).
  const goneConversation = await served.adapter.openDirect(workspace, crowd[4]!);
  teams.conversations.delete(goneConversation);
  const visible = (conversationId: string) => teams.botMessages(conversationId).filter((a) => !a.deleted);

  return {
    platform: 'teams',
    adapter: served.adapter,
    workspace,
    sink: served.sink,
    expectations: TEAMS_EXPECTATIONS,
    sim: teams.sim,
    sendPath: SEND_PATH,
    people: { recipient, patient, speaker, newcomer },
    channel: team.id,
    unknown: { conversation: goneConversation, channel: '00000000-0000-4000-a000-000000000000' },
    botMessages: (conversationId) => visible(conversationId).map((a) => ({ id: a.id, text: a.text ?? '' })),
    directory: () => [...tenant.users.keys()],
    members: () => [...team.members.keys()],
    async personWrites(userId, text) {
      return (await teams.sendDirectMessage(served.baseUrl, { tenantId: tenant.id, userId, text })).status;
    },
    async ownPostComesBack(userId, text) {
      const conversationId = await served.adapter.openDirect(workspace, userId);
      const ref = await served.adapter.send({ workspace, conversationId }, { text }, { kind: 'bot' });
      // The bot's own activity, as the channel service would echo it: `from` is the bot (`28:` id).
      const res = await teams.sendActivity(served.baseUrl, {
        type: 'message',
        id: ref.messageId,
        timestamp: new Date().toISOString(),
        serviceUrl: teams.serviceUrl,
        channelId: 'msteams',
        from: { id: botId, name: teams.defaultApp.botName },
        recipient: { id: botId, name: teams.defaultApp.botName },
        conversation: { conversationType: 'personal', tenantId: tenant.id, id: ref.conversationId },
        channelData: { tenant: { id: tenant.id } },
        textFormat: 'xml',
        text,
      });
      return res.status;
    },
    rateLimitNextSend(retryAfterSeconds) {
      teams.sim.inject({ method: 'POST', path: SEND_PATH, fault: { kind: 'status', status: 429, retryAfterSeconds } });
    },
    async close() {
      await served.close();
      await teams.close();
    },
  };
}
