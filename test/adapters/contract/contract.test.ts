/**
 * The adapter contract: the same assertions, what a person or an operator would notice, against
 * every real adapter talking to its real simulator. A platform differs only where its row in the
 * expectations table (the harness files) says so, and that difference is asserted too.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdapterErrorCode, PLATFORMS, type Platform, type SendAs } from '../../../src/chat-adapter.js';
import { callsSince, EDITED_TEXT, SENT_TEXT, type ContractHarness } from './harness.js';
import { startSlackContract } from './slack.js';
import { startTeamsContract } from './teams.js';
import { startWebexContract } from './webex.js';
import { startZoomContract } from './zoom.js';

const START: Record<Platform, () => Promise<ContractHarness>> = {
  slack: startSlackContract,
  teams: startTeamsContract,
  webex: startWebexContract,
  zoom: startZoomContract,
};

const BOT: SendAs = { kind: 'bot' };

/** Every page of a cursor-paged listing, and how many pages it took. */
async function allPages<T>(page: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor;
    pages += 1;
  } while (cursor && pages < 100);
  return { items, pages };
}

describe.each(PLATFORMS)('%s adapter contract', (platform) => {
  let h: ContractHarness;

  beforeAll(async () => {
    h = await START[platform]();
  });

  afterAll(async () => {
    await h?.close();
  });

  beforeEach(() => {
    h.sink.events.length = 0;
    h.sim.clearFaults();
  });

  it('declares exactly the capabilities of its row of the expectations table', () => {
    expect(h.adapter.capabilities).toEqual(h.expectations.capabilities);
  });

  it('posts a bot message that the person sees once, then edits, reacts to and deletes it', async () => {
    const { adapter, workspace, expectations } = h;
    const conversationId = await adapter.openDirect(workspace, h.people.recipient);
    const ref = await adapter.send({ workspace, conversationId }, { text: SENT_TEXT }, BOT);
    expect(h.botMessages(ref.conversationId)).toEqual([{ id: ref.messageId, text: expectations.shown.sent }]);

    await adapter.update(ref, { text: EDITED_TEXT }, BOT);
    expect(h.botMessages(ref.conversationId)).toEqual([{ id: ref.messageId, text: expectations.shown.edited }]);

    if (expectations.capabilities.reactions) {
      await adapter.react(ref, 'tada', true, BOT);
      expect(h.reactions!(ref.conversationId, ref.messageId)).toEqual(['tada']);
      await adapter.react(ref, 'tada', false, BOT);
      expect(h.reactions!(ref.conversationId, ref.messageId)).toEqual([]);
    } else {
      // Without reactions the relay posts a short threaded note instead; the method says so plainly.
      await expect(adapter.react(ref, 'tada', true, BOT)).rejects.toMatchObject({ code: AdapterErrorCode.NotSupported });
    }

    await adapter.delete(ref, BOT);
    expect(h.botMessages(ref.conversationId)).toEqual([]);
  });

  it('drops the bot’s own post when the platform delivers it back, but not a person’s message', async () => {
    expect(await h.personWrites(h.people.speaker, 'hello from a person')).toBe(200);
    expect(h.sink.events).toEqual([expect.objectContaining({ kind: 'message', userId: h.people.speaker, text: 'hello from a person' })]);
    h.sink.events.length = 0;

    // Acknowledged (so the platform does not retry), and nothing reaches the core.
    expect(await h.ownPostComesBack(h.people.speaker, 'relayed by Crosstalk')).toBe(200);
    expect(h.sink.events).toEqual([]);
  });

  it('lists the whole directory across pages, everyone exactly once', async () => {
    const { items, pages } = await allPages(async (cursor) => {
      const page = await h.adapter.listUsers(h.workspace, cursor);
      return { items: page.users.map((u) => u.userId), nextCursor: page.nextCursor };
    });
    expect(pages).toBeGreaterThan(1);
    expect(items).toHaveLength(new Set(items).size);
    expect([...items].sort()).toEqual([...h.directory()].sort());
  });

  it('adds and removes a channel member, says when they are already gone, and lists members across pages', async () => {
    const { adapter, workspace, channel } = h;
    const { newcomer } = h.people;
    expect(h.members()).not.toContain(newcomer);
    expect(await adapter.addMember(workspace, channel, newcomer, 'member')).toBe('added');
    expect(h.members()).toContain(newcomer);
    expect(await adapter.removeMember(workspace, channel, newcomer)).toBe('removed');
    expect(h.members()).not.toContain(newcomer);
    expect(await adapter.removeMember(workspace, channel, newcomer)).toBe('not_member');

    const { items, pages } = await allPages(async (cursor) => {
      const page = await adapter.listMembers(workspace, channel, cursor);
      return { items: page.userIds, nextCursor: page.nextCursor };
    });
    expect(pages).toBeGreaterThan(1);
    expect(items).toHaveLength(new Set(items).size);
    expect([...items].sort()).toEqual([...h.members()].sort());
  });

  it('reports an unknown conversation or channel as not found, with the platform’s reason', async () => {
    const { adapter, workspace, expectations } = h;
    await expect(adapter.send({ workspace, conversationId: h.unknown.conversation }, { text: 'anyone?' }, BOT)).rejects.toMatchObject({
      name: 'AdapterError',
      code: AdapterErrorCode.NotFound,
      message: expect.stringMatching(expectations.unknownConversationReason),
    });
    await expect(adapter.addMember(workspace, h.unknown.channel, h.people.newcomer, 'member')).rejects.toMatchObject({
      name: 'AdapterError',
      code: AdapterErrorCode.NotFound,
      message: expect.stringMatching(expectations.unknownChannelReason),
    });
  });

  it('waits out a 429 with Retry-After and delivers the message once', async () => {
    const { adapter, workspace } = h;
    const conversationId = await adapter.openDirect(workspace, h.people.patient);
    const before = h.sim.calls.at(-1)?.seq ?? 0;
    h.rateLimitNextSend(1);
    const ref = await adapter.send({ workspace, conversationId }, { text: 'patience' }, BOT);

    const attempts = callsSince(h.sim, before, h.sendPath);
    expect(attempts.map((c) => c.status)).toEqual([429, expect.any(Number)]);
    expect(attempts[1]!.status).toBeLessThan(300);
    // The retry came no sooner than Retry-After (the simulator's arrival stamps, 1 ms resolution).
    expect(attempts[1]!.at.getTime() - attempts[0]!.at.getTime()).toBeGreaterThanOrEqual(999);
    expect(h.botMessages(ref.conversationId).map((m) => m.id)).toEqual([ref.messageId]);
  });
});
