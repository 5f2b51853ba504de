import { describe, expect, it } from 'vitest';
import { fromNeutral, htmlToNeutral, toNeutral } from '../../../adapters/webex/format.js';

const ADA = 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hZGE';

describe('Webex markdown → neutral', () => {
  it.each([
    ['bold', '**ship it**', '**ship it**'],
    ['bold with underscores', '__ship it__', '**ship it**'],
    ['italic', 'a *quiet* word', 'a _quiet_ word'],
    ['italic underscore stays', 'a _quiet_ word', 'a _quiet_ word'],
    ['strike', '~~old~~ new', '~~old~~ new'],
    ['inline code keeps stars', 'run `a*b*c`', 'run `a*b*c`'],
    ['code block untouched', '```\nx = *y*\n```', '```\nx = *y*\n```'],
    ['link', 'see [docs](https://x.example/d)', 'see [docs](https://x.example/d)'],
    ['autolink', 'at <https://x.example>', 'at https://x.example'],
    ['mention by id', `hi <@personId:${ADA}|Ada>`, `hi <@${ADA}|Ada>`],
    ['mention by email', 'hi <@personEmail:ada@acme.example|Ada>', 'hi <@ada@acme.example|Ada>'],
    ['@all is not a ping in neutral text', '<@all> standup', '@all standup'],
    ['emoji to shortcode', 'nice 👍 🎉', 'nice :+1: :tada:'],
    ['line breaks', 'one\ntwo', 'one\ntwo'],
  ])('%s', (_name, webex, neutral) => {
    expect(toNeutral(webex)).toBe(neutral);
  });
});

describe('neutral → Webex markdown', () => {
  it.each([
    ['bold', '**ship it**', '**ship it**'],
    ['italic', 'a _quiet_ word', 'a *quiet* word'],
    ['snake_case is not italic', 'call my_func_name now', 'call my_func_name now'],
    ['strike', '~~old~~ new', '~~old~~ new'],
    ['inline code untouched', 'run `_x_`', 'run `_x_`'],
    ['code block untouched', '```\n_a_ :tada:\n```', '```\n_a_ :tada:\n```'],
    ['link', '[docs](https://x.example/d)', '[docs](https://x.example/d)'],
    ['user mention', `ping <@${ADA}|Ada>`, `ping <@personId:${ADA}|Ada>`],
    ['user mention without name', `ping <@${ADA}>`, `ping <@personId:${ADA}>`],
    ['mention by email', 'ping <@ada@acme.example|Ada>', 'ping <@personEmail:ada@acme.example|Ada>'],
    ['channel mention (Webex has none)', 'see <#C123|general>', 'see #general'],
    ['channel mention without name', 'see <#C123>', 'see #C123'],
    ['emoji shortcodes', 'nice :+1: :tada: :unknown_one:', 'nice 👍 🎉 :unknown_one:'],
    ['line breaks', 'one\ntwo', 'one\ntwo'],
  ])('%s', (_name, neutral, webex) => {
    expect(fromNeutral(neutral)).toBe(webex);
  });
});

describe('Webex html (what clients send) → neutral', () => {
  it.each([
    ['bold and italic', '<p><strong>big</strong> and <em>soft</em></p>', '**big** and _soft_'],
    ['strike', '<p><del>gone</del></p>', '~~gone~~'],
    ['code', '<p>run <code>a &lt; b</code></p>', 'run `a < b`'],
    ['code block keeps its language', '<pre><code class="language-js">const a = 1;\n</code></pre>', '```js\nconst a = 1;\n```'],
    ['link', '<p><a href="https://x.example/d">docs</a></p>', '[docs](https://x.example/d)'],
    ['bare link', '<p><a href="https://x.example">https://x.example</a></p>', 'https://x.example'],
    [
      'person mention',
      `<p><spark-mention data-object-type="person" data-object-id="${ADA}">Ada</spark-mention> hi</p>`,
      `<@${ADA}|Ada> hi`,
    ],
    ['all mention', '<p><spark-mention data-object-type="groupMention" data-group-type="all">All</spark-mention> hi</p>', '@all hi'],
    ['line breaks', '<p>one<br/>two</p><p>three</p>', 'one\ntwo\nthree'],
    ['emoji', '<p>ok 👍</p>', 'ok :+1:'],
  ])('%s', (_name, html, neutral) => {
    expect(htmlToNeutral(html)).toBe(neutral);
  });
});
