/**
 * The message converter: one mdast tree, and the shared readers and writers platform dialects are
 * built from. Platform dialects live beside their adapters (`adapters/<platform>/format.ts`).
 */
export { parseNeutral, renderNeutral, neutralMention } from './neutral.js';
export { parseMarkdown, renderMarkdown, type MarkdownWriter, type AngleTokens } from './markdown.js';
export { parseMarkers, renderMarkers, type MarkerDialect } from './marker-dialect.js';
export { parseHtml, renderHtml, escapeHtml, elementText, attribute, type ElementHandlers, type HtmlWriter } from './html.js';
export { markEmoji, shortcodeFor, unicodeFor } from './emoji.js';
export { mention, text, plainText, isBareLink, blankLinesBetween, normalizeRoot, type Mention, type Emoji } from './tree.js';
export { isPlainText } from './plain.js';
