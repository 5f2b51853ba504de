/**
 * A fast path for the most common message: words and sentence punctuation only. Such text means
 * the same in every dialect (no markup character, no line that starts like a list, quote or
 * heading, nothing that collapses), so converters hand it through without building a tree.
 */
const PLAIN = /^[\p{L}\p{M}\p{N} ,.?!'"()\n-]*$/u;
const COLLAPSES = /(^|\n)[ \t\d-]|^\n|\s$|\n\n\n| \n/;

/** Whether `text` reads the same in every dialect. */
export function isPlainText(text: string): boolean {
  return PLAIN.test(text) && !COLLAPSES.test(text);
}
