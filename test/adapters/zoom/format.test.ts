/**
 * Neutral text ↔ Zoom: chatbot markdown both ways, user messages as plain text with rich-text
 * ranges and @mention items, and the rich text of DM events back to neutral.
 */
import { describe, expect, it } from 'vitest';
import { neutralToUserMessage, neutralToZoomMarkdown, userMessageToNeutral, zoomMarkdownToNeutral } from '../../../adapters/zoom/format.js';

describe('neutral → Zoom chatbot markdown', () => {
  it.each([
    ['bold', 'a **bold** move', 'a *bold* move'],
    ['italic', 'an _italic_ aside', 'an _italic_ aside'],
    ['strike', '~~gone~~ now', '~gone~ now'],
    ['code', 'run `npm *test*`', 'run `npm *test*`'],
    ['code block', '```\nconst x = **1**;\n```', '```\nconst x = **1**;\n```'],
    ['link', 'see [the docs](https://ex.test/d)', 'see <https://ex.test/d|the docs>'],
    ['bare url', 'https://ex.test/x', 'https://ex.test/x'],
    ['user mention', 'ping <@U123|Ada Lovelace>', 'ping @Ada Lovelace'],
    ['user mention without name', 'ping <@U123>', 'ping @U123'],
    ['channel mention', 'in <#C9|general>', 'in #general'],
    ['emoji', 'done :tada: :white_check_mark: :unknown_one:', 'done 🎉 ✅ :unknown_one:'],
    ['line breaks', 'one\ntwo\n\nthree', 'one\ntwo\n\nthree'],
    ['snake_case stays', 'use my_var_name', 'use my_var_name'],
    ['nested', '**bold _and italic_**', '*bold _and italic_*'],
  ])('%s', (_name, neutral, zoom) => {
    expect(neutralToZoomMarkdown(neutral)).toBe(zoom);
  });
});

describe('Zoom chatbot markdown → neutral', () => {
  it.each([
    ['bold', 'a *bold* move', 'a **bold** move'],
    ['double-asterisk bold', 'a **bold** move', 'a **bold** move'],
    ['italic', 'an _italic_ aside', 'an _italic_ aside'],
    ['strike', '~gone~ now', '~~gone~~ now'],
    ['code', 'run `npm *test*`', 'run `npm *test*`'],
    ['code block', '```\nx = *1*\n```', '```\nx = *1*\n```'],
    ['link with label', 'see <https://ex.test/d|the docs>', 'see [the docs](https://ex.test/d)'],
    ['link without label', 'see <https://ex.test/d>', 'see https://ex.test/d'],
    ['mention text stays', 'ping @Ada Lovelace', 'ping @Ada Lovelace'],
    ['emoji (Slack’s names)', 'done 🎉 👍', 'done :tada: :+1:'],
    ['line breaks', 'one\ntwo', 'one\ntwo'],
    // Escaped, so no other platform reads `*3*` as italic.
    ['arithmetic stays literal', '2*3*4 and a*b', '2\\*3\\*4 and a\\*b'],
    ['Zoom card builder example', '*This is bold*, _this is italic_, ~this is crossed out~, `this is code`, and <https://google.com|this is a link>',
      '**This is bold**, _this is italic_, ~~this is crossed out~~, `this is code`, and [this is a link](https://google.com)'],
  ])('%s', (_name, zoom, neutral) => {
    expect(zoomMarkdownToNeutral(zoom)).toBe(neutral);
  });
});

describe('neutral → Zoom user message', () => {
  it.each([
    ['plain', 'hello', { message: 'hello' }],
    ['bold', 'a **b** c', { message: 'a b c', rich_text: [{ start_position: 2, end_position: 2, format_type: 'Bold' }] }],
    ['italic', '_it_', { message: 'it', rich_text: [{ start_position: 0, end_position: 1, format_type: 'Italic' }] }],
    ['strike', '~~no~~', { message: 'no', rich_text: [{ start_position: 0, end_position: 1, format_type: 'Strikethrough' }] }],
    ['code', '`x`', { message: '`x`' }],
    ['link', '[docs](https://ex.test)', { message: 'docs', rich_text: [{ start_position: 0, end_position: 3, format_type: 'AddLink', format_attr: 'https://ex.test' }] }],
    ['mention', 'hi <@U1|Ada>', { message: 'hi @Ada', at_items: [{ at_contact: 'U1', at_type: 1, start_position: 3, end_position: 6 }] }],
    ['channel', 'see <#C1|general>', { message: 'see #general' }],
    ['emoji', ':fire:', { message: '🔥' }],
    ['line breaks', 'a\nb', { message: 'a\nb' }],
  ])('%s', (_name, neutral, expected) => {
    expect(neutralToUserMessage(neutral)).toEqual(expected);
  });

  it('maps mention ids to what Zoom takes as at_contact', () => {
    expect(neutralToUserMessage('<@U1|Ada>', () => 'ada@acme.test').at_items![0]!.at_contact).toBe('ada@acme.test');
  });
});

describe('Zoom DM rich text → neutral', () => {
  it.each([
    ['documented example', 'this is a test message.', [{ start_position: 0, end_position: 10, format_type: 'Bold' }], '**this is a t**est message.'],
    ['italic + strike', 'one two', [{ start_position: 0, end_position: 2, format_type: 'Italic' }, { start_position: 4, end_position: 6, format_type: 'Strikethrough' }], '_one_ ~~two~~'],
    ['link', 'read docs', [{ start_position: 5, end_position: 8, format_type: 'AddLink', format_attr: 'https://ex.test' }], 'read [docs](https://ex.test)'],
    ['nested', 'all bold', [{ start_position: 0, end_position: 7, format_type: 'Bold' }, { start_position: 4, end_position: 7, format_type: 'Italic' }], '**all _bold_**'],
    ['unknown type ignored', 'big', [{ start_position: 0, end_position: 2, format_type: 'FontSize', format_attr: 'l' }], 'big'],
    ['out of range ignored', 'x', [{ start_position: 0, end_position: 9, format_type: 'Bold' }], 'x'],
    ['emoji', 'yay 🎉', [], 'yay :tada:'],
  ])('%s', (_name, message, rich, neutral) => {
    expect(userMessageToNeutral(message, rich)).toBe(neutral);
  });
});
