import { describe, expect, it } from 'vitest';
import { parseChannelReference } from '../../src/groups/channel-ref.js';

describe('channel references as admins type them', () => {
  it("reads Slack's escaped channel mention, a #name, a bare name and an id", () => {
    expect(parseChannelReference('<#C0123|general>')).toEqual({ id: 'C0123', text: 'general' });
    expect(parseChannelReference('<#C0123>')).toEqual({ id: 'C0123', text: 'C0123' });
    expect(parseChannelReference('#general')).toEqual({ text: 'general' });
    expect(parseChannelReference(' tower ')).toEqual({ text: 'tower' });
    expect(parseChannelReference('C0123456')).toEqual({ text: 'C0123456' });
  });
});
