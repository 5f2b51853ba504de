import { describe, expect, it } from 'vitest';
import { neutralToSlack, slackToNeutral } from '../../../adapters/slack/format.js';

describe('Slack mrkdwn → neutral', () => {
  it.each([
    ['bold', 'say *hello* now', 'say **hello** now'],
    ['italic', 'say _hello_ now', 'say _hello_ now'],
    ['strike', 'say ~hello~ now', 'say ~~hello~~ now'],
    ['inline code keeps its stars', 'run `a*b*c` &amp; go', 'run `a*b*c` & go'],
    ['code block', '```const x = 1 &lt; 2;```', '```\nconst x = 1 < 2;\n```'],
    ['labelled link', 'see <https://example.com/a?b=1&amp;c=2|the docs>', 'see [the docs](https://example.com/a?b=1&c=2)'],
    ['bare link', 'see <https://example.com>', 'see https://example.com'],
    ['user mention', 'hi <@U123ABC>', 'hi <@U123ABC>'],
    ['user mention with name', 'hi <@U123ABC|ada>', 'hi <@U123ABC|ada>'],
    ['channel mention', 'in <#C024BE7LR|general>', 'in <#C024BE7LR|general>'],
    ['special mention', '<!here> look', '@here look'],
    ['emoji shortcodes', 'nice :tada: :+1:', 'nice :tada: :+1:'],
    ['line breaks', 'one\ntwo\n\nthree', 'one\ntwo\n\nthree'],
    ['entities', 'a &lt;b&gt; &amp; c', 'a <b> & c'],
    ['a lone star is not bold', '5 * 3 = 15', '5 * 3 = 15'],
  ])('%s', (_, slack, neutral) => {
    expect(slackToNeutral(slack)).toBe(neutral);
  });
});

describe('neutral → Slack mrkdwn', () => {
  it.each([
    ['bold', 'say **hello** now', 'say *hello* now'],
    ['italic', 'say _hello_ now', 'say _hello_ now'],
    ['single-star italic', 'say *hello* now', 'say _hello_ now'],
    ['strike', 'say ~~hello~~ now', 'say ~hello~ now'],
    ['inline code untouched', 'run `a**b**` & go', 'run `a**b**` &amp; go'],
    ['code block drops the language', '```ts\nconst x = 1 < 2;\n```', '```\nconst x = 1 &lt; 2;\n```'],
    ['labelled link', 'see [the docs](https://example.com/a?b=1&c=2)', 'see <https://example.com/a?b=1&amp;c=2|the docs>'],
    ['bare link', 'see https://example.com/x_y_z', 'see https://example.com/x_y_z'],
    ['user mention', 'hi <@U123ABC>', 'hi <@U123ABC>'],
    ['channel mention', 'in <#C024BE7LR|general>', 'in <#C024BE7LR|general>'],
    ['emoji shortcodes', 'nice :tada:', 'nice :tada:'],
    ['line breaks', 'one\ntwo', 'one\ntwo'],
    ['escapes angle brackets and ampersands', 'a <b> & c', 'a &lt;b&gt; &amp; c'],
    ['bold mention', '**<@U1>** said', '*<@U1>* said'],
  ])('%s', (_, neutral, slack) => {
    expect(neutralToSlack(neutral)).toBe(slack);
  });

  it('round-trips mixed text', () => {
    const neutral = '**Ada** said _hi_ to <@U9> in <#C1|general>: [link](https://x.example/?a=1&b=2) `x<y` :wave:';
    expect(slackToNeutral(neutralToSlack(neutral))).toBe(neutral);
  });
});
