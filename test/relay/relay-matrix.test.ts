/**
 * The relay across all 12 platform pairs, in user-sync and bot-sync mode, through the real
 * adapters and the four simulators: a DM, the reply, an edit, a thread reply, a reaction and a
 * delete, each checked where the recipient reads it.
 *
 * What each simulated platform can originate is what the real one delivers to an app: Teams
 * personal chats have no threads; only Slack delivers reactions; a Zoom chatbot chat delivers
 * text only (no edits or deletes), so Zoom edits/deletes/threads come from user-to-user DMs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORMS, type Platform } from '../../src/chat-adapter.js';
import { findLinks } from '../../src/relay/index.js';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { eventually, RelayHarness, type Seen, type TestPerson } from './harness.js';

const PAIRS = PLATFORMS.flatMap((s) => PLATFORMS.filter((r) => r !== s).map((r) => [s, r] as [Platform, Platform]));
const MODES = ['user', 'bot'] as const;

let sandbox: SandboxService;
let h: RelayHarness;

beforeAll(async () => {
  sandbox = await startSandboxService({ label: 'relay-matrix' });
  h = await new RelayHarness(sandbox).init();
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

function expectFrom(seen: Seen, sender: TestPerson, platform: Platform, mode: 'user' | 'bot'): void {
  if (mode === 'user') {
    expect(seen.by).toBe('user');
    expect(seen.authorId).toBe(sender.ids[platform]);
  } else {
    expect(seen.by).toBe('bot');
    // The bot shows the real sender's name (Slack: as the post's username; elsewhere in the text or card).
    expect(`${seen.authorId ?? ''} ${seen.text}`).toContain(sender.name);
  }
}

describe.each(MODES)('%s sync', (mode) => {
  it.each(PAIRS)('%s → %s: DM, reply, edit, thread reply, reaction, delete', async (s, r) => {
    const ann = await h.person('Ann', s, mode === 'user' ? { tokens: [r] } : {});
    const bob = await h.person('Bob', r, mode === 'user' ? { tokens: [s] } : {});

    const hello = h.token('hello');
    await h.dmVerb(ann, bob, `**${hello}** there`);
    const atBob = await h.arrives(r, hello, 'the DM');
    expectFrom(atBob, ann, r, mode);

    const answer = h.token('answer');
    const sent = await h.reply(bob, ann, atBob, answer);
    const atAnn = await h.arrives(s, answer, 'the reply');
    expectFrom(atAnn, bob, s, mode);

    const canChange = sent.id !== '';
    if (canChange) {
      const edited = h.token('edited');
      await h.edit(bob, sent.id, sent.conversationId, edited);
      await eventually(() => h.seen(s, edited).length === 1 && h.seen(s, answer).length === 0, 'the edit');
      expect(h.seen(s, edited)[0].messageId).toBe(atAnn.messageId);
    }

    if (canChange && r !== 'teams') {
      const threaded = h.token('threaded');
      await h.reply(bob, ann, atBob, threaded, sent);
      const inThread = await h.arrives(s, threaded, 'the thread reply');
      if (s !== 'teams') expect(inThread.threadOf).toBe(atAnn.messageId);
    }

    if (s === 'slack' || r === 'slack') {
      const [reactor, onWhat, where] = s === 'slack' ? [ann, atAnn, r] : [bob, atBob, s];
      await h.slackReact(reactor, onWhat, 'tada');
      await eventually(
        () => h.seen(where, `${reactor.name} reacted`).length === 1,
        'the reaction',
      );
    }

    if (canChange) {
      await h.remove(bob, sent.id, sent.conversationId);
      await eventually(() => isDeleted(s, atAnn), 'the delete');
    }
    await h.settled();
    // Names what failed, and whose it was: this check covers links of earlier cases that failed late too.
    const failed = (await findLinks({ organizationId: sandbox.service.organizationId })).filter((l) => l.status === 'failed');
    expect(failed.map((l) => `${l.op} ${l.source.platform}→${l.copy?.platform ?? l.target?.workspaceId} "${l.text ?? l.emoji ?? ''}": ${l.lastError}`)).toEqual([]);
  });
});

function isDeleted(platform: Platform, seen: Seen): boolean {
  const all = h.seen(platform, '');
  const now = all.find((m) => m.messageId === seen.messageId && m.conversationId === seen.conversationId);
  return !now || now.deleted;
}
