/**
 * Splits a command line into words, honouring double or single quotes and neutral mentions
 * (`<@U1|Ada Lovelace>` stays one word), and separates `key=value` options from positional words.
 */

/** A parsed command line. */
export interface CommandLine {
  words: string[];
  options: Record<string, string>;
}

/** Strips a leading `/crosstalk`, `crosstalk` or bot mention, as typed in a 1:1 chat. */
export function stripCommandPrefix(text: string): string {
  return text
    .trim()
    .replace(/^<@[^>]+>\s*/, '')
    .replace(/^\/?crosstalk\b\s*/i, '')
    .trim();
}

/** Tokenizes; throws with a readable message on an unterminated quote. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inMention = false;
  let started = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
      continue;
    }
    if (inMention) {
      current += ch;
      if (ch === '>') inMention = false;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '“' || ch === '”') {
      quote = ch === '“' ? '”' : ch;
      started = true;
      continue;
    }
    if (ch === '<' && current === '') {
      inMention = true;
      current += ch;
      started = true;
      continue;
    }
    if (/\s/.test(ch)) {
      if (started) tokens.push(current);
      current = '';
      started = false;
      continue;
    }
    current += ch;
    started = true;
  }
  if (quote) throw new Error(`a quote (${quote}) is not closed`);
  if (started) tokens.push(current);
  return tokens;
}

/** Tokenizes and splits `key=value` options (keys lower-cased) from the other words. */
export function parseCommandLine(text: string): CommandLine {
  const words: string[] = [];
  const options: Record<string, string> = {};
  for (const token of tokenize(text)) {
    const match = /^([a-zA-Z][\w-]*)=(.*)$/s.exec(token);
    if (match && !token.startsWith('<')) options[match[1].toLowerCase()] = match[2];
    else words.push(token);
  }
  return { words, options };
}
