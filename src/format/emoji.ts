/**
 * Emoji shortcodes ↔ Unicode, from the `emojibase-data` data set (Unicode's emoji list with
 * Slack's shortcode names, the "iamcal" set Slack itself uses). Skin tones follow Slack's
 * `:wave::skin-tone-3:` spelling. Shortcodes the data set does not know (custom workspace emoji)
 * are never touched, and Unicode emoji without a Slack name stay Unicode.
 */
import { createRequire } from 'node:module';
import { findAndReplace } from 'mdast-util-find-and-replace';
import type { Root } from 'mdast';
import type { Emoji } from './tree.js';

interface CompactEmoji {
  hexcode: string;
  unicode: string;
  skins?: Array<{ hexcode: string; unicode: string }>;
}

interface Tables {
  unicodeByCode: Map<string, string>;
  codeByUnicode: Map<string, string>;
}

/** Slack's skin tone numbers: 2 (light) … 6 (dark), after the Fitzpatrick modifiers U+1F3FB…U+1F3FF. */
const TONE_BY_MODIFIER: Record<string, number> = { '1F3FB': 2, '1F3FC': 3, '1F3FD': 4, '1F3FE': 5, '1F3FF': 6 };

let tables: Tables | undefined;

/** Without the emoji presentation selector, so `❤` and `❤️` find the same entry. */
function bare(unicode: string): string {
  return unicode.replace(/\uFE0F/g, '');
}

/**
 * The form to send: without U+FE0F where the emoji is complete without it (`👍`), with it where
 * the bare character would show as text (`❤️`).
 */
function preferred(unicode: string): string {
  const stripped = bare(unicode);
  return new RegExp('^\\p{RGI_Emoji}$', 'v').test(stripped) ? stripped : unicode;
}

function load(): Tables {
  if (tables) return tables;
  const require = createRequire(import.meta.url);
  const compact = require('emojibase-data/en/compact.json') as CompactEmoji[];
  const shortcodes = require('emojibase-data/en/shortcodes/iamcal.json') as Record<string, string | string[]>;
  const unicodeByCode = new Map<string, string>();
  const codeByUnicode = new Map<string, string>();
  for (const emoji of compact) {
    const names = shortcodes[emoji.hexcode];
    if (!names) continue;
    const list = Array.isArray(names) ? names : [names];
    for (const name of list) unicodeByCode.set(name, preferred(emoji.unicode));
    codeByUnicode.set(bare(emoji.unicode), list[0]!);
    for (const skin of emoji.skins ?? []) {
      const tones = skin.hexcode.split('-').filter((part) => part in TONE_BY_MODIFIER);
      // Slack spells two-tone sequences differently per emoji; those stay Unicode.
      if (tones.length !== 1) continue;
      for (const name of list) unicodeByCode.set(`${name}::skin-tone-${TONE_BY_MODIFIER[tones[0]!]}`, preferred(skin.unicode));
      codeByUnicode.set(bare(skin.unicode), `${list[0]!}::skin-tone-${TONE_BY_MODIFIER[tones[0]!]}`);
    }
  }
  tables = { unicodeByCode, codeByUnicode };
  return tables;
}

/** The Unicode emoji for a Slack shortcode (`tada`, `wave::skin-tone-3`), if the data set knows it. */
export function unicodeFor(shortcode: string): string | undefined {
  return load().unicodeByCode.get(shortcode);
}

/** Slack's shortcode (without colons) for a Unicode emoji, if it has one. */
export function shortcodeFor(unicode: string): string | undefined {
  return load().codeByUnicode.get(bare(unicode));
}

function emojiNode(shortcode: string, value: string): Emoji {
  return { type: 'emoji', shortcode, value, data: { hName: 'span' } };
}

/** `:name:` optionally followed by Slack's `:skin-tone-N:`. */
const SHORTCODE = /:([a-z0-9_+-]+):(?::skin-tone-([2-6]):)?/g;
/**
 * Unicode's own definition of a complete emoji sequence (skin tones, ZWJ families, flags, keycaps).
 * Built at run time: the `v` flag is newer than the compile target.
 */
const UNICODE_EMOJI = new RegExp('\\p{RGI_Emoji}', 'gv');

/**
 * Turns known `:shortcodes:` and Unicode emoji in the tree's text into `emoji` nodes (code is left
 * alone: it has no text nodes). Unknown shortcodes stay text.
 */
export function markEmoji(tree: Root): Root {
  findAndReplace(tree, [
    [
      SHORTCODE,
      (whole: string, name: string, tone: string | undefined) => {
        const toned = tone ? unicodeFor(`${name}::skin-tone-${tone}`) : undefined;
        if (toned) return emojiNode(`${name}::skin-tone-${tone}`, toned);
        const plain = unicodeFor(name);
        if (!plain) return false;
        // A known emoji followed by an unknown tone keeps the tone as text.
        return tone ? [emojiNode(name, plain), { type: 'text', value: whole.slice(name.length + 2) }] : emojiNode(name, plain);
      },
    ],
    [
      UNICODE_EMOJI,
      (value: string) => {
        const shortcode = shortcodeFor(value);
        // Not `false` ("no match"): that retries one code unit later, inside the same surrogate
        // pair, which a Unicode-aware regex matches again from its start.
        return shortcode ? emojiNode(shortcode, value) : { type: 'text', value };
      },
    ],
  ]);
  return tree;
}
