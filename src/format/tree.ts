/**
 * The neutral message tree: an mdast tree (the unified/remark syntax tree) with two inline node
 * types of our own, `mention` and `emoji`. Every platform dialect is a parser into this tree and a
 * renderer out of it (see `adapters/<platform>/format.ts`); neutral text is the tree written as
 * markdown (`./neutral.ts`).
 */
import type { Node } from 'unist';
import type { Root, RootContent, Parent, PhrasingContent, Text } from 'mdast';

/** A user (`<@ID|Name>`) or channel (`<#ID|name>`) mention. Ids are the sending platform's own. */
export interface Mention extends Node {
  type: 'mention';
  kind: 'user' | 'channel';
  id: string;
  name?: string;
  /** `hName` makes HTML-to-mdast tools treat the node as inline content. */
  data?: { hName?: string };
}

/**
 * An emoji the data set knows. `shortcode` is Slack's name (with `::skin-tone-N` when toned,
 * e.g. `wave::skin-tone-3`), `value` the Unicode sequence.
 */
export interface Emoji extends Node {
  type: 'emoji';
  shortcode: string;
  value: string;
  data?: { hName?: string };
}

declare module 'mdast' {
  interface PhrasingContentMap {
    mention: Mention;
    emoji: Emoji;
  }
  interface RootContentMap {
    mention: Mention;
    emoji: Emoji;
  }
}

export type { Root, RootContent, PhrasingContent };

/** A text node. */
export function text(value: string): Text {
  return { type: 'text', value };
}

/** A mention node. */
export function mention(kind: Mention['kind'], id: string, name?: string): Mention {
  return { type: 'mention', kind, id, ...(name ? { name } : {}), data: { hName: 'span' } };
}

/** Plain text of a subtree as a reader sees it (mentions as `@Name`, emoji as Unicode). */
export function plainText(node: RootContent | Root): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
      return node.value;
    case 'mention':
      return `${node.kind === 'user' ? '@' : '#'}${node.name ?? node.id}`;
    case 'emoji':
      return node.value;
    case 'break':
      return '\n';
    default:
      return 'children' in node ? (node as Parent).children.map((c) => plainText(c as RootContent)).join('') : '';
  }
}

/** Whether a link shows its own address (a bare URL or e-mail), so dialects may write it bare. */
export function isBareLink(url: string, children: PhrasingContent[]): boolean {
  const shown = children.map((c) => plainText(c)).join('');
  return shown === url || `mailto:${shown}` === url || (url.startsWith('http://') && `http://${shown}` === url && shown.startsWith('www.'));
}

/** Lines between two sibling blocks: 0 when the source had them on consecutive lines, else 1. */
export function blankLinesBetween(prev: RootContent, next: RootContent): number {
  const end = prev.position?.end.line;
  const start = next.position?.start.line;
  if (end !== undefined && start !== undefined) return start - end > 1 ? 1 : 0;
  return prev.type === 'paragraph' && next.type === 'paragraph' ? 1 : 0;
}

/**
 * Wraps runs of inline nodes at the top of a tree into paragraphs, so every dialect parser hands
 * renderers the same shape (blocks at the root, inline content inside them).
 */
export function normalizeRoot(root: Root): Root {
  const blocks: RootContent[] = [];
  let run: PhrasingContent[] = [];
  const flush = () => {
    if (run.some((n) => n.type !== 'text' || n.value.trim() !== '')) blocks.push({ type: 'paragraph', children: trimRun(run) });
    run = [];
  };
  for (const child of root.children) {
    if (isPhrasing(child)) run.push(child);
    else {
      flush();
      blocks.push(child);
    }
  }
  flush();
  return { type: 'root', children: blocks };
}

const PHRASING = new Set(['text', 'emphasis', 'strong', 'delete', 'inlineCode', 'link', 'break', 'mention', 'emoji', 'image', 'html']);

function isPhrasing(node: RootContent): node is PhrasingContent {
  return PHRASING.has(node.type);
}

function trimRun(run: PhrasingContent[]): PhrasingContent[] {
  const out = [...run];
  const first = out[0];
  if (first?.type === 'text') out[0] = text(first.value.replace(/^\s+/, ''));
  const last = out.at(-1);
  if (last?.type === 'text') out[out.length - 1] = text(last.value.replace(/\s+$/, ''));
  return out.filter((n) => n.type !== 'text' || n.value !== '');
}
