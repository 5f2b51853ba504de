/**
 * Markdown dialects (neutral text, Webex) read and written with the remark tools: micromark parses
 * CommonMark plus GFM strikethrough and bare-URL links, an angle-token extension adds mentions, and
 * `mdast-util-to-markdown` writes the tree back with escaping that keeps literal `*`, `_` or `<`
 * literal on the next parse.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { defaultHandlers, toMarkdown, type ConstructName, type Options as ToMarkdownOptions, type Join, type Unsafe } from 'mdast-util-to-markdown';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmStrikethroughFromMarkdown, gfmStrikethroughToMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmAutolinkLiteral } from 'micromark-extension-gfm-autolink-literal';
import { gfmAutolinkLiteralFromMarkdown, gfmAutolinkLiteralToMarkdown } from 'mdast-util-gfm-autolink-literal';
import type { Link, Root } from 'mdast';
import { angleFromMarkdown, angleSyntax, type AngleInterpreter, type AngleStart } from './angle-syntax.js';
import { markEmoji } from './emoji.js';
import { blankLinesBetween, isBareLink, type Emoji, type Mention } from './tree.js';

/**
 * Constructs chat text does not mean: raw HTML would reach Teams as markup, indented code turns a
 * pasted indented line into a code block, images and link definitions are not chat features.
 */
const DISABLED = ['htmlFlow', 'htmlText', 'codeIndented', 'labelStartImage', 'definition'];

/** How a markdown dialect spells its angle tokens. */
export interface AngleTokens {
  accept: AngleStart;
  interpret: AngleInterpreter;
}

/** Markdown text → tree (emoji marked). */
export function parseMarkdown(markdown: string, angles: AngleTokens): Root {
  const tree = fromMarkdown(markdown, {
    extensions: [gfmStrikethrough({ singleTilde: false }), gfmAutolinkLiteral(), angleSyntax(angles.accept), { disable: { null: DISABLED } }],
    mdastExtensions: [gfmStrikethroughFromMarkdown(), gfmAutolinkLiteralFromMarkdown(), angleFromMarkdown(angles.interpret)],
  });
  return markEmoji(tree);
}

/** How a markdown dialect writes what plain markdown has no syntax for. */
export interface MarkdownWriter {
  /** Marker for emphasis: `_` (neutral) or `*` (Webex). */
  emphasis: '_' | '*';
  mention: (node: Mention) => string;
  emoji: (node: Emoji) => string;
}

/** Keeps the source's line layout: a list or quote right under a paragraph stays right under it. */
const join: Join = (left, right) => {
  if (left.type === 'paragraph' && (right.type === 'list' || right.type === 'code' || right.type === 'blockquote')) {
    return blankLinesBetween(left, right);
  }
  return undefined;
};

const SPANS: ConstructName[] = ['autolink', 'destinationLiteral', 'destinationRaw', 'reference', 'titleQuote', 'titleApostrophe'];

/**
 * The escapes our parser needs, narrower than CommonMark's defaults (which assume raw HTML,
 * single-tilde strike and e-mail autolinks matter): text such as `5 * 3`, `R&D` or `a < b`
 * stays readable in neutral text, and is still never read back as markup.
 */
const NARROW: Unsafe[] = [
  { character: '*', after: '\\S', inConstruct: 'phrasing', notInConstruct: SPANS },
  { character: '*', before: '\\S', inConstruct: 'phrasing', notInConstruct: SPANS },
  { character: '~', after: '~', inConstruct: 'phrasing', notInConstruct: SPANS },
  { character: '~', before: '~', inConstruct: 'phrasing', notInConstruct: SPANS },
  // Character references, and a literal `<@…` / `<#…` that must not become a mention elsewhere.
  { character: '&', after: '(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);', inConstruct: 'phrasing', notInConstruct: SPANS },
  { character: '<', after: '[@#]', inConstruct: 'phrasing', notInConstruct: SPANS },
];

function narrowEscapes(defaults: Unsafe[]): Unsafe[] {
  const broad = (u: Unsafe) => !u.atBreak && ['*', '~', '&', '<', '@', '.'].includes(u.character) && [u.inConstruct].flat().includes('phrasing');
  return [...defaults.filter((u) => !broad(u)), ...NARROW];
}

/** Tree → markdown text in the given dialect. */
export function renderMarkdown(tree: Root, writer: MarkdownWriter): string {
  const options: ToMarkdownOptions = {
    bullet: '-',
    emphasis: writer.emphasis,
    strong: '*',
    fence: '`',
    fences: true,
    listItemIndent: 'one',
    rule: '-',
    extensions: [gfmStrikethroughToMarkdown(), gfmAutolinkLiteralToMarkdown()],
    join: [join],
    handlers: {
      root: (node: Root, parent, state, info) => {
        state.unsafe = narrowEscapes(state.unsafe);
        return defaultHandlers.root(node, parent, state, info);
      },
      mention: (node: Mention) => writer.mention(node),
      emoji: (node: Emoji) => writer.emoji(node),
      break: () => '\n',
      link: (node: Link, parent, state, info) =>
        !node.title && /^(https?:\/\/|mailto:)/.test(node.url) && isBareLink(node.url, node.children)
          ? node.url.replace(/^mailto:/, '')
          : // Titles are tooltips, which chat messages do not show.
            defaultHandlers.link({ ...node, title: null }, parent, state, info),
    },
  };
  return toMarkdown(tree, options).replace(/\n+$/, '');
}
