/**
 * Angle-bracket tokens as a markdown syntax extension: `<@U123|Ada>`, `<#C1|general>` (neutral
 * mentions), `<@personId:…|Ada>` (Webex). A micromark tokenizer recognizes them, so an escaped
 * `\<@U1>` or one inside code stays literal text, and an mdast extension turns each into a node.
 */
import type { Extension as MicromarkExtension, Code, Effects, State, TokenizeContext } from 'micromark-util-types';
import type { CompileContext, Extension as FromMarkdownExtension } from 'mdast-util-from-markdown';
import type { Nodes, PhrasingContent } from 'mdast';
import { markdownLineEnding } from 'micromark-util-character';

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    angleToken: 'angleToken';
  }
}

const LESS_THAN = 60;
const GREATER_THAN = 62;

/** What an angle token's first character may be (after `<`): e.g. `@` and `#` for mentions. */
export type AngleStart = (code: number) => boolean;

/** Turns the text between `<` and `>` into a node; always succeeds (fall back to text). */
export type AngleInterpreter = (inner: string) => PhrasingContent;

/** The micromark side: recognizes `<` + an accepted first character + anything up to `>` on one line. */
export function angleSyntax(accept: AngleStart): MicromarkExtension {
  function tokenize(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
    let size = 0;
    const inside = (code: Code): State | undefined => {
      if (code === GREATER_THAN) {
        effects.consume(code);
        effects.exit('angleToken');
        return ok;
      }
      if (code === null || code === LESS_THAN || markdownLineEnding(code)) return nok(code);
      size += 1;
      effects.consume(code);
      return inside;
    };
    const first = (code: Code): State | undefined => {
      if (code === null || !accept(code)) return nok(code);
      effects.consume(code);
      size += 1;
      return inside;
    };
    return (code: Code) => {
      effects.enter('angleToken');
      effects.consume(code);
      return size === 0 ? first : nok(code);
    };
  }
  return { text: { [LESS_THAN]: { name: 'angleToken', tokenize } } };
}

/** The mdast side: builds the node `interpret` makes of the token's inner text. */
export function angleFromMarkdown(interpret: AngleInterpreter): FromMarkdownExtension {
  return {
    enter: {
      angleToken(this: CompileContext, token) {
        this.enter({ type: 'text', value: '' }, token);
      },
    },
    exit: {
      angleToken(this: CompileContext, token) {
        const node = this.stack[this.stack.length - 1] as Nodes & Record<string, unknown>;
        const raw = this.sliceSerialize(token);
        const made = interpret(raw.slice(1, -1));
        for (const key of Object.keys(node)) if (key !== 'position') delete node[key];
        Object.assign(node, made);
        this.exit(token);
      },
    },
  };
}
