import { describe, expect, it } from 'vitest';
import { fromNeutral, toNeutral } from '../../../adapters/teams/format.js';

describe('neutral → Teams', () => {
  it.each([
    ['bold', '**done**', '<b>done</b>', []],
    ['italic', 'really _soon_', 'really <i>soon</i>', []],
    ['strike', '~~old~~ new', '<s>old</s> new', []],
    ['inline code', 'run `npm test` now', 'run <code>npm test</code> now', []],
    ['code block', '```\nconst a = 1 < 2;\n```', '<pre>const a = 1 &lt; 2;</pre>', []],
    ['labelled link', 'see [the docs](https://example.com/a?b=1&c=2)', 'see <a href="https://example.com/a?b=1&amp;c=2">the docs</a>', []],
    ['bare link stays clickable text', 'go to https://example.com/x_y_z', 'go to https://example.com/x_y_z', []],
    [
      'user mention',
      'ping <@8b081ef6-4792-4def-b2c9-c363a1bf41d5|Cameron White>',
      'ping <at>Cameron White</at>',
      [{ type: 'mention', text: '<at>Cameron White</at>', mentioned: { id: '8b081ef6-4792-4def-b2c9-c363a1bf41d5', name: 'Cameron White' } }],
    ],
    [
      'channel mention',
      'in <#19:abc@thread.tacv2|General>',
      'in <at>General</at>',
      [{ type: 'mention', text: '<at>General</at>', mentioned: { id: '19:abc@thread.tacv2', name: 'General' } }],
    ],
    ['emoji shortcode', 'ship it :rocket: :thumbsup: :not_an_emoji:', 'ship it 🚀 👍 :not_an_emoji:', []],
    ['line breaks', 'one\ntwo', 'one<br>two', []],
    ['html is escaped', 'a <script> & b', 'a &lt;script&gt; &amp; b', []],
    ['formatting inside code is literal', '`**not bold**`', '<code>**not bold**</code>', []],
  ])('%s', (_name, neutral, text, entities) => {
    expect(fromNeutral(neutral)).toEqual({ text, entities });
  });
});

describe('Teams → neutral', () => {
  const adele = { type: 'mention', text: '<at>Adele Vance</at>', mentioned: { id: '29:1adele', name: 'Adele Vance' } };
  const channel = { type: 'mention', text: '<at>General</at>', mentioned: { id: '19:abc@thread.tacv2', name: 'General' } };
  it.each([
    ['bold', '<p><strong>done</strong> and <b>dusted</b></p>', [], '**done** and **dusted**'],
    ['italic', '<i>soon</i> or <em>later</em>', [], '_soon_ or _later_'],
    ['strike', '<s>old</s> <strike>older</strike> <del>oldest</del>', [], '~~old~~ ~~older~~ ~~oldest~~'],
    ['inline code', 'run <code>a &lt; b</code>', [], 'run `a < b`'],
    ['code block', '<pre><code>line 1<br>line 2</code></pre>', [], '```\nline 1\nline 2\n```'],
    ['labelled link', '<a href="https://example.com/a?b=1&amp;c=2" title="x">the docs</a>', [], '[the docs](https://example.com/a?b=1&c=2)'],
    ['auto link', '<a href="https://example.com">https://example.com</a>', [], 'https://example.com'],
    ['user mention with entity', 'hi <at>Adele Vance</at>!', [adele], 'hi <@29:1adele|Adele Vance>!'],
    ['channel mention', 'see <at>General</at>', [channel], 'see <#19:abc@thread.tacv2|General>'],
    ['mention without entity', 'hi <at>Nobody</at>', [], 'hi @Nobody'],
    ['emoji tag (Slack’s own name for 👍)', 'nice <emoji id="like" alt="👍" title="Like"></emoji>', [], 'nice :+1:'],
    ['legacy emoji image', '<img itemtype="http://schema.skype.com/Emoji" alt="😄" src="x">', [], ':smile:'],
    ['unicode emoji', 'party 🎉', [], 'party :tada:'],
    ['line breaks and paragraphs', '<div>one<br>two</div><div>three</div>', [], 'one\ntwo\nthree'],
    ['plain text passes through', 'Hello Teams TestBot', [], 'Hello Teams TestBot'],
  ])('%s', (_name, html, entities, neutral) => {
    expect(toNeutral(html, entities)).toBe(neutral);
  });

  it('maps Teams user ids to Entra ids when known', () => {
    expect(toNeutral('hi <at>Adele Vance</at>', [adele], new Map([['29:1adele', 'aad-adele']]))).toBe('hi <@aad-adele|Adele Vance>');
  });

  it('round-trips neutral text through Teams', () => {
    const neutral = '**Hi** <@u1|Ada>, _see_ ~~this~~ `code` [docs](https://d.test) :tada:\nbye';
    const { text, entities } = fromNeutral(neutral);
    expect(toNeutral(text, entities)).toBe(neutral);
  });
});
