/**
 * Neutral text round trips through every platform, and the edge cases where a converter is most
 * likely to show a person something other than what was written.
 */
import { describe, expect, it } from 'vitest';
import { parseNeutral, renderNeutral, shortcodeFor, unicodeFor } from '../../src/format/index.js';
import { neutralToSlack, slackToNeutral } from '../../adapters/slack/format.js';
import { fromNeutral as teamsFromNeutral, toNeutral as teamsToNeutral } from '../../adapters/teams/format.js';
import { fromNeutral as webexFromNeutral, toNeutral as webexToNeutral } from '../../adapters/webex/format.js';
import { neutralToUserMessage, neutralToZoomMarkdown, userMessageToNeutral, zoomMarkdownToNeutral } from '../../adapters/zoom/format.js';

const THROUGH: Record<string, (neutral: string) => string> = {
  slack: (n) => slackToNeutral(neutralToSlack(n)),
  teams: (n) => {
    const { text, entities } = teamsFromNeutral(n);
    return teamsToNeutral(text, entities);
  },
  webex: (n) => webexToNeutral(webexFromNeutral(n)),
  'zoom chatbot': (n) => zoomMarkdownToNeutral(neutralToZoomMarkdown(n)),
  'zoom user message': (n) => {
    const body = neutralToUserMessage(n);
    return userMessageToNeutral(body.message, body.rich_text);
  },
};

describe('neutral text comes back unchanged from each platform', () => {
  const samples = [
    '**Ada** said _hi_ and ~~no~~ with `x<y` at [the docs](https://ex.test/a_b?c=1&d=2) :wave::skin-tone-2:',
    'one\ntwo\n\nthree',
    '```\nconst a = 1 < 2;\n```',
    '5 * 3 and a\\*b, my_var_name, R&D',
  ];
  const withMentions = ['hi <@U1|Ada Lovelace>, see <#19:c1@thread.tacv2|general>'];
  const withLists = ['todo:\n- one\n- two', '> wise words'];
  for (const [platform, through] of Object.entries(THROUGH)) {
    it.each(samples)(`${platform}: %s`, (neutral) => {
      expect(through(neutral)).toBe(neutral);
    });
  }
  // Zoom shows mentions as readable names and DMs carry no list or quote markup.
  for (const platform of ['slack', 'teams']) {
    it.each([...withMentions, ...withLists])(`${platform}: %s`, (neutral) => {
      expect(THROUGH[platform]!(neutral)).toBe(neutral);
    });
  }
  it.each(withLists)('webex: %s', (neutral) => {
    expect(THROUGH.webex!(neutral)).toBe(neutral);
  });
});

describe('edge cases', () => {
  it('a mention inside code stays code on every platform', () => {
    expect(neutralToSlack('`<@U1>`')).toBe('`&lt;@U1&gt;`');
    expect(teamsFromNeutral('`<@U1>`')).toEqual({ text: '<code>&lt;@U1&gt;</code>', entities: [] });
    expect(webexFromNeutral('`<@U1>`')).toBe('`<@U1>`');
  });

  it('mention-looking text typed on Teams or Webex does not ping anyone on Slack', () => {
    const neutral = teamsToNeutral('write &lt;@U1&gt; to mention');
    expect(neutral).toBe('write \\<@U1> to mention');
    expect(neutralToSlack(neutral)).toBe('write &lt;@U1&gt; to mention');
    expect(neutralToSlack(webexToNeutral('write \\<@U1> to mention'))).toBe('write &lt;@U1&gt; to mention');
  });

  it('Slack special mentions arrive as text, and Webex @all is never produced from neutral text', () => {
    expect(slackToNeutral('<!here> standup')).toBe('@here standup');
    expect(webexToNeutral('<@all> standup')).toBe('@all standup');
    expect(webexFromNeutral('@all standup')).toBe('@all standup');
  });

  it('raw HTML in neutral text reaches Teams as text, not markup', () => {
    expect(teamsFromNeutral('<img src=x onerror=alert(1)> & <b>bold</b>').text).toBe('&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
  });

  it('skin tones map between Slack names and Unicode in both directions', () => {
    expect(unicodeFor('wave::skin-tone-6')).toBe('👋🏿');
    expect(shortcodeFor('👋🏿')).toBe('wave::skin-tone-6');
    expect(slackToNeutral(':wave::skin-tone-6:')).toBe(':wave::skin-tone-6:');
    expect(teamsFromNeutral(':wave::skin-tone-6:').text).toBe('👋🏿');
    // A tone the emoji does not have keeps the emoji and leaves the rest as text.
    expect(webexFromNeutral(':tada::skin-tone-3:')).toBe('🎉:skin-tone-3:');
  });

  it('Unicode emoji without a Slack name stay Unicode, and emoji needing U+FE0F keep it', () => {
    const family = '🧑🏻‍🤝‍🧑🏿';
    expect(webexToNeutral(`hello ${family}`)).toBe(`hello ${family}`);
    expect(neutralToSlack(`hello ${family}`)).toBe(`hello ${family}`);
    expect(webexFromNeutral(':heart: :+1:')).toBe('❤️ 👍');
    expect(webexToNeutral('❤️ and ❤')).toBe(':heart: and ❤');
  });

  it('shortcodes that are not emoji are left alone, such as times of day', () => {
    expect(teamsFromNeutral('at 10:30:00 :not_an_emoji: :tada:').text).toBe('at 10:30:00 :not_an_emoji: 🎉');
  });

  it('a code block typed on Slack without line breaks, holding a blank line, stays one block', () => {
    expect(slackToNeutral('look ```a = 1\n\nb = *2*``` done')).toBe('look\n```\na = 1\n\nb = *2*\n```\n\ndone');
  });

  it('Slack markers need word boundaries', () => {
    expect(slackToNeutral('snake_case_name and 2*3*4 and ~tilde~s')).toBe('snake_case_name and 2\\*3\\*4 and ~tilde~s');
  });

  it('neutral text parses to one tree and renders back the same', () => {
    const neutral = '**bold _italic_** <@U1|Ada> :tada:';
    expect(renderNeutral(parseNeutral(neutral))).toBe(neutral);
  });
});
