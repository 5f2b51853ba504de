/**
 * Every construct written on each platform and read on each platform: all 12 ordered pairs of
 * different platforms, plus each platform back to itself (the round trip). The expectation is
 * what the recipient's platform is handed, which is what the recipient sees.
 */
import { describe, expect, it } from 'vitest';
import { PLATFORMS, expectedOn, shown, written, type Shown, type Written } from './platforms.js';

interface Case {
  name: string;
  written: Written;
  shown: Shown;
}

const channelEntity = { type: 'mention' as const, text: '<at>general</at>', mentioned: { id: '19:c1@thread.tacv2', name: 'general' } };
const adaEntity = { type: 'mention' as const, text: '<at>Ada Lovelace</at>', mentioned: { id: 'U1', name: 'Ada Lovelace' } };

const CASES: Case[] = [
  {
    name: 'bold',
    written: { slack: '*ship* it', teams: '<p><b>ship</b> it</p>', webex: '**ship** it', zoom: { message: 'ship it', rich_text: [{ start_position: 0, end_position: 3, format_type: 'Bold' }] } },
    shown: { slack: '*ship* it', teams: '<b>ship</b> it', webex: '**ship** it', zoom: '*ship* it', zoomUser: { message: 'ship it', rich_text: [{ start_position: 0, end_position: 3, format_type: 'Bold' }] } },
  },
  {
    name: 'italic',
    written: { slack: '_soon_ now', teams: '<i>soon</i> now', webex: '*soon* now', zoom: { message: 'soon now', rich_text: [{ start_position: 0, end_position: 3, format_type: 'Italic' }] } },
    shown: { slack: '_soon_ now', teams: '<i>soon</i> now', webex: '*soon* now', zoom: '_soon_ now', zoomUser: { message: 'soon now', rich_text: [{ start_position: 0, end_position: 3, format_type: 'Italic' }] } },
  },
  {
    name: 'strike',
    written: { slack: '~old~ new', teams: '<s>old</s> new', webex: '~~old~~ new', zoom: { message: 'old new', rich_text: [{ start_position: 0, end_position: 2, format_type: 'Strikethrough' }] } },
    shown: { slack: '~old~ new', teams: '<s>old</s> new', webex: '~~old~~ new', zoom: '~old~ new', zoomUser: { message: 'old new', rich_text: [{ start_position: 0, end_position: 2, format_type: 'Strikethrough' }] } },
  },
  {
    name: 'bold around italic',
    written: {
      slack: '*bold _and italic_*',
      teams: '<strong>bold <em>and italic</em></strong>',
      webex: '**bold *and italic***',
      zoom: { message: 'bold and italic', rich_text: [{ start_position: 0, end_position: 14, format_type: 'Bold' }, { start_position: 5, end_position: 14, format_type: 'Italic' }] },
    },
    shown: {
      slack: '*bold _and italic_*',
      teams: '<b>bold <i>and italic</i></b>',
      webex: '**bold _and italic_**',
      zoom: '*bold _and italic_*',
      zoomUser: { message: 'bold and italic', rich_text: [{ start_position: 5, end_position: 14, format_type: 'Italic' }, { start_position: 0, end_position: 14, format_type: 'Bold' }] },
    },
  },
  {
    name: 'inline code keeps the asterisks inside it',
    written: { slack: 'run `a*b*c` now', teams: 'run <code>a*b*c</code> now', webex: 'run `a*b*c` now', zoom: 'run `a*b*c` now' },
    shown: { slack: 'run `a*b*c` now', teams: 'run <code>a*b*c</code> now', webex: 'run `a*b*c` now', zoom: 'run `a*b*c` now', zoomUser: { message: 'run `a*b*c` now' } },
  },
  {
    name: 'code block',
    written: {
      slack: '```if (a &lt; b) {\n  *x* = 1;\n}```',
      teams: '<pre>if (a &lt; b) {\n  *x* = 1;\n}</pre>',
      webex: '```\nif (a < b) {\n  *x* = 1;\n}\n```',
      zoom: '```\nif (a < b) {\n  *x* = 1;\n}\n```',
    },
    shown: {
      slack: '```\nif (a &lt; b) {\n  *x* = 1;\n}\n```',
      teams: '<pre>if (a &lt; b) {\n  *x* = 1;\n}</pre>',
      webex: '```\nif (a < b) {\n  *x* = 1;\n}\n```',
      zoom: '```\nif (a < b) {\n  *x* = 1;\n}\n```',
      zoomUser: { message: '```\nif (a < b) {\n  *x* = 1;\n}\n```' },
    },
  },
  {
    name: 'labelled link with underscores and an ampersand',
    written: {
      slack: 'see <https://ex.test/a_b_c?x=1&amp;y=2|the docs>',
      teams: 'see <a href="https://ex.test/a_b_c?x=1&amp;y=2">the docs</a>',
      webex: 'see [the docs](https://ex.test/a_b_c?x=1&y=2)',
      zoom: { message: 'see the docs', rich_text: [{ start_position: 4, end_position: 11, format_type: 'AddLink', format_attr: 'https://ex.test/a_b_c?x=1&y=2' }] },
    },
    shown: {
      slack: 'see <https://ex.test/a_b_c?x=1&amp;y=2|the docs>',
      teams: 'see <a href="https://ex.test/a_b_c?x=1&amp;y=2">the docs</a>',
      webex: 'see [the docs](https://ex.test/a_b_c?x=1&y=2)',
      zoom: 'see <https://ex.test/a_b_c?x=1&y=2|the docs>',
      zoomUser: { message: 'see the docs', rich_text: [{ start_position: 4, end_position: 11, format_type: 'AddLink', format_attr: 'https://ex.test/a_b_c?x=1&y=2' }] },
    },
  },
  {
    name: 'bare URL with underscores stays one link',
    written: {
      slack: 'at <https://ex.test/_snake_case_/x>',
      teams: 'at <a href="https://ex.test/_snake_case_/x">https://ex.test/_snake_case_/x</a>',
      webex: 'at https://ex.test/_snake_case_/x',
      zoom: 'at https://ex.test/_snake_case_/x',
    },
    shown: {
      slack: 'at https://ex.test/_snake_case_/x',
      teams: 'at https://ex.test/_snake_case_/x',
      webex: 'at https://ex.test/_snake_case_/x',
      zoom: 'at https://ex.test/_snake_case_/x',
      zoomUser: { message: 'at https://ex.test/_snake_case_/x' },
    },
  },
  {
    name: 'bulleted list',
    written: { slack: 'todo:\n• one\n• two', teams: '<p>todo:</p><ul><li>one</li><li>two</li></ul>', webex: 'todo:\n- one\n- two' },
    shown: { slack: 'todo:\n• one\n• two', teams: 'todo:<ul><li>one</li><li>two</li></ul>', webex: 'todo:\n- one\n- two', zoom: 'todo:\n• one\n• two', zoomUser: { message: 'todo:\n• one\n• two' } },
  },
  {
    name: 'numbered list',
    written: { slack: '1. one\n2. two', teams: '<ol><li>one</li><li>two</li></ol>', webex: '1. one\n2. two' },
    shown: { slack: '1. one\n2. two', teams: '<ol><li>one</li><li>two</li></ol>', webex: '1. one\n2. two', zoom: '1. one\n2. two', zoomUser: { message: '1. one\n2. two' } },
  },
  {
    name: 'quote',
    written: { slack: '&gt; wise *words*', teams: '<blockquote>wise <b>words</b></blockquote>', webex: '> wise **words**' },
    shown: {
      slack: '> wise *words*',
      teams: '<blockquote>wise <b>words</b></blockquote>',
      webex: '> wise **words**',
      zoom: '> wise *words*',
      zoomUser: { message: '> wise words', rich_text: [{ start_position: 7, end_position: 11, format_type: 'Bold' }] },
    },
  },
  {
    name: 'user mention',
    written: { slack: 'hi <@U1|Ada Lovelace>', teams: { text: 'hi <at>Ada Lovelace</at>', entities: [adaEntity] }, webex: 'hi <@personId:U1|Ada Lovelace>' },
    shown: {
      slack: 'hi <@U1|Ada Lovelace>',
      teams: 'hi <at>Ada Lovelace</at>',
      teamsEntities: [adaEntity],
      webex: 'hi <@personId:U1|Ada Lovelace>',
      zoom: 'hi @Ada Lovelace',
      zoomUser: { message: 'hi @Ada Lovelace', at_items: [{ at_contact: 'U1', at_type: 1, start_position: 3, end_position: 15 }] },
    },
  },
  {
    name: 'channel mention',
    written: { slack: 'in <#19:c1@thread.tacv2|general>', teams: { text: 'in <at>general</at>', entities: [channelEntity] } },
    shown: { slack: 'in <#19:c1@thread.tacv2|general>', teams: 'in <at>general</at>', teamsEntities: [channelEntity], webex: 'in #general', zoom: 'in #general', zoomUser: { message: 'in #general' } },
  },
  {
    name: 'emoji, with a skin tone',
    written: { slack: 'ship it :tada: :+1::skin-tone-3:', teams: 'ship it <emoji alt="🎉"></emoji> 👍🏼', webex: 'ship it 🎉 👍🏼', zoom: 'ship it 🎉 👍🏼' },
    shown: { slack: 'ship it :tada: :+1::skin-tone-3:', teams: 'ship it 🎉 👍🏼', webex: 'ship it 🎉 👍🏼', zoom: 'ship it 🎉 👍🏼', zoomUser: { message: 'ship it 🎉 👍🏼' } },
  },
  {
    name: 'an unknown shortcode is left as it is',
    written: { slack: 'meet :partyparrot:', teams: 'meet :partyparrot:', webex: 'meet :partyparrot:', zoom: 'meet :partyparrot:' },
    shown: { slack: 'meet :partyparrot:', teams: 'meet :partyparrot:', webex: 'meet :partyparrot:', zoom: 'meet :partyparrot:', zoomUser: { message: 'meet :partyparrot:' } },
  },
  {
    name: 'literal asterisks and underscores stay literal',
    written: { slack: '5 * 3 = 15, 2*3*4, my_var_name', teams: '5 * 3 = 15, 2*3*4, my_var_name', webex: '5 * 3 = 15, 2\\*3\\*4, my_var_name', zoom: '5 * 3 = 15, 2*3*4, my_var_name' },
    shown: {
      slack: '5 * 3 = 15, 2*3*4, my_var_name',
      teams: '5 * 3 = 15, 2*3*4, my_var_name',
      webex: '5 * 3 = 15, 2\\*3\\*4, my_var_name',
      zoom: '5 * 3 = 15, 2*3*4, my_var_name',
      zoomUser: { message: '5 * 3 = 15, 2*3*4, my_var_name' },
    },
  },
  {
    name: 'unbalanced markers stay literal',
    written: { slack: '*half bold and _half', teams: '*half bold and _half', webex: '\\*half bold and \\_half', zoom: '*half bold and _half' },
    shown: {
      slack: '*half bold and _half',
      teams: '*half bold and _half',
      webex: '\\*half bold and \\_half',
      zoom: '*half bold and _half',
      zoomUser: { message: '*half bold and _half' },
    },
  },
  {
    name: 'line breaks and a blank line',
    written: { slack: 'one\ntwo\n\nthree', teams: '<p>one<br>two</p><p>&nbsp;</p><p>three</p>', webex: 'one\ntwo\n\nthree', zoom: 'one\ntwo\n\nthree' },
    shown: { slack: 'one\ntwo\n\nthree', teams: 'one<br>two<br><br>three', webex: 'one\ntwo\n\nthree', zoom: 'one\ntwo\n\nthree', zoomUser: { message: 'one\ntwo\n\nthree' } },
  },
  {
    name: 'markup-looking text is text',
    written: { slack: 'a &lt;b&gt; &amp; R&amp;D', teams: 'a &lt;b&gt; &amp; R&amp;D', webex: 'a <b> & R&D', zoom: 'a <b> & R&D' },
    shown: { slack: 'a &lt;b&gt; &amp; R&amp;D', teams: 'a &lt;b&gt; &amp; R&amp;D', webex: 'a <b> & R&D', zoom: 'a <b> & R&D', zoomUser: { message: 'a <b> & R&D' } },
  },
];

describe.each(CASES)('$name', ({ written: w, shown: s }) => {
  const pairs = PLATFORMS.flatMap((from) => PLATFORMS.map((to) => [from, to] as const)).filter(([from]) => w[from] !== undefined);
  it.each(pairs)('written on %s, shown on %s', (from, to) => {
    const neutral = written(from, w)!;
    expect(shown(to, neutral)).toEqual(expectedOn(to, s));
  });
});

it('covers all 12 ordered pairs of different platforms for every construct a platform can write', () => {
  const distinct = PLATFORMS.flatMap((a) => PLATFORMS.filter((b) => b !== a).map((b) => `${a}→${b}`));
  expect(distinct).toHaveLength(12);
  const written = (p: (typeof PLATFORMS)[number]) => CASES.filter((c) => c.written[p] !== undefined).length;
  // Zoom DMs carry no lists, quotes or readable mentions; Webex has no channel mentions.
  expect(PLATFORMS.map((p) => [p, written(p)])).toEqual([
    ['slack', CASES.length],
    ['teams', CASES.length],
    ['webex', CASES.length - 1],
    ['zoom', CASES.length - 5],
  ]);
});
