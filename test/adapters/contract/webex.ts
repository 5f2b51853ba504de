/** The Webex adapter (test-sized retries) against the Webex simulator, for the adapter contract. */
import { adapterDeps } from '../../helpers/test-adapters.js';
import { createWebexAdapter } from '../../../adapters/webex/index.js';
import { loadConfig } from '../../../src/config.js';
import { createWebexSimulator } from '../../../sandbox/simulators/webex/server.js';
import { webexId } from '../../../sandbox/simulators/webex/ids.js';
import { FAST_POLICY } from '../../helpers/test-adapters.js';
import { CROWD, serveAdapter, type ContractHarness, type PlatformExpectations } from './harness.js';

/**
 * Webex: no reactions API for bots (developer.webex.com/docs/api/v1/messages has create, edit and
 * delete only); REST errors carry a `message` (e.g. "Could not find a room with provided ID.").
 */
export const WEBEX_EXPECTATIONS: PlatformExpectations = {
  capabilities: { threads: true, edits: true, deletes: true, reactions: false, managerRole: 'moderator', postAsUser: true, maxTextLength: 7_439, userLookup: false, tokenRefresh: true },
  // Messages are posted and shown as markdown.
  shown: { sent: 'Lunch at **noon**', edited: 'Lunch at **one**' },
  unknownConversationReason: /Could not find a room with provided ID/,
  unknownChannelReason: /Could not find a room with provided ID/,
};

/** People per directory page (admin listing): small, so the organization spans several. */
const DIRECTORY_PAGE = 100;

/**
 * Starts the Webex pair: the demo organization plus `CROWD` people, all but the newcomer in a
 * space the bot moderates; the directory is read with an administrator's token.
 */
export async function startWebexContract(): Promise<ContractHarness> {
  const webex = await createWebexSimulator().start();
  const org = webex.defaultOrg;
  const crowd = Array.from({ length: CROWD }, (_, i) => webex.addPerson({ email: `person${i}@acme.test`, displayName: `Person ${i}` }).id);
  const [newcomer, recipient, patient, speaker] = crowd as [string, string, string, string];
  const space = webex.createSpace({ title: 'Everyone', creatorId: org.bot.id, memberIds: crowd.slice(1) });
  const admin = webex.addPerson({ email: 'admin@acme.test', displayName: 'Org Admin' });
  const s = webex.sandboxSettings();
  const workspace = { externalId: org.id, credentials: { botToken: s.botToken, adminToken: webex.issueUserToken(admin.id, ['spark-admin:people_read']) } };

  const served = await serveAdapter((baseUrl, deps) => {
    const base = loadConfig({ NODE_ENV: 'test' });
    const config = { ...base, publicUrl: baseUrl, webex: { ...base.webex, ...s } };
    return createWebexAdapter(adapterDeps(config, 'webex', deps), { policy: FAST_POLICY, directoryPageSize: DIRECTORY_PAGE });
  });
  await served.workspaces.upsert('webex', { ...workspace, name: org.name });

  return {
    platform: 'webex',
    adapter: served.adapter,
    workspace,
    sink: served.sink,
    expectations: WEBEX_EXPECTATIONS,
    sim: webex.sim,
    sendPath: '/v1/messages',
    people: { recipient, patient, speaker, newcomer },
    channel: space.id,
    unknown: { conversation: webexId('ROOM'), channel: webexId('ROOM') },
    botMessages: (roomId) => webex.messagesIn(roomId).filter((m) => m.personId === org.bot.id).map((m) => ({ id: m.id, text: m.markdown ?? m.text ?? '' })),
    directory: () => [...webex.people.values()].filter((p) => p.type === 'person' && p.orgId === org.id).map((p) => p.id),
    members: () => webex.membersOf(space.id).map((m) => m.personId),
    async personWrites(userId, text) {
      const { deliveries } = await webex.sendDirectMessage({ from: userId, text });
      return deliveries[0]?.status ?? 0;
    },
    async ownPostComesBack(userId, text) {
      // The bot's firehose webhook hears the bot's own messages too: `messages created` by the bot.
      const { deliveries } = await webex.sendDirectMessage({ from: org.bot.id, to: userId, text });
      return deliveries[0]?.status ?? 0;
    },
    rateLimitNextSend(retryAfterSeconds) {
      webex.sim.inject({ method: 'POST', path: '/v1/messages', fault: { kind: 'status', status: 429, retryAfterSeconds } });
    },
    async close() {
      await served.close();
      await webex.close();
    },
  };
}
