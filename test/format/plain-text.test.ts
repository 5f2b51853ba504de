/**
 * Plain words skip the tree; this checks the shortcut gives exactly what the tree would.
 */
import { describe, expect, it } from 'vitest';
import { isPlainText, parseHtml, parseNeutral, renderHtml, renderNeutral } from '../../src/format/index.js';

const PLAIN = ['hello there', 'message rb12x', 'Ça va? Très bien, merci!', 'a - b (c) "d" it\'s', 'line one\nline two', 'para one\n\npara two', 'e.g. this'];
const NOT_PLAIN = ['*bold*', 'snake_case', '1. item', '- item', '> quote', ' leading', 'trailing ', 'a  \nb', 'x\n\n\ny', 'see <@U1>', ':tada:', '🎉', 'R&D', 'a # b', 'a\n---', 'under_', 'https://ex.test'];

describe('plain text shortcut', () => {
  it.each(PLAIN)('%j is plain and the tree agrees', (s) => {
    expect(isPlainText(s)).toBe(true);
    expect(renderNeutral(parseNeutral(s))).toBe(s);
    expect(renderHtml(parseNeutral(s), { mention: () => '' })).toBe(s.replace(/\n/g, '<br>'));
    // Plain text sent to Teams keeps its lines; HTML whitespace rules would merge a blank line.
    if (!s.includes('\n\n')) expect(renderNeutral(parseHtml(s))).toBe(s);
  });

  it.each(NOT_PLAIN)('%j takes the tree', (s) => {
    expect(isPlainText(s)).toBe(false);
  });
});
