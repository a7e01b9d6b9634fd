import { isItem, keyEnd, outside, OutsideSubset, PLAIN_KEY, REFUSED_VALUE_START, RESOLVED_WORDS, splitLines, type Line } from './block-parse';

/**
 * Locates a JSON pointer in a document written in plain block YAML (what generators emit: block
 * mappings and sequences, plain or one-line quoted scalars, block scalars as leaves) by reading its
 * lines, without a position-keeping parse (ADR 0163). Anything else (flow collections with content,
 * anchors, aliases, tags, comments after content, multi-line scalars, keys that are not plain names,
 * a pointer that continues into a scalar) returns undefined and the caller parses with `yaml`,
 * which gives the same answer: test/policies/block-locate.test.ts compares both on every node of
 * real trees.
 */

/** A node's start (offset in the chunk) and, for collections, its children. */
export type BlockNode =
  | { readonly type: 'map'; readonly start: number; readonly entries: readonly BlockEntry[] }
  | { readonly type: 'seq'; readonly start: number; readonly items: readonly BlockNode[] }
  | { readonly type: 'leaf'; readonly start: number };

interface BlockEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly value: BlockNode | undefined;
}

/** The root node of a chunk, or undefined when the chunk is not plain block YAML. */
export function readBlockDocument(slice: string): BlockNode | undefined {
  if (slice.includes('\r') || slice.includes('\t')) return undefined;
  try {
    const lines = splitLines(slice);
    if (lines.length === 0) return undefined;
    const reader = new BlockReader(lines);
    const root = reader.node(0, lines[0]!.indent);
    if (reader.next !== lines.length || root.type !== 'map') return undefined;
    return root;
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

/**
 * Offset of the node a pointer names, walking as the `yaml`-based locator does: a map key is
 * reported at the key, a sequence item at its content, a path that stops early at its nearest
 * existing parent. Undefined when the walk needs what the reader does not model (a scalar's inside).
 */
export function blockOffset(root: BlockNode, segments: readonly string[]): number | undefined {
  let node: BlockNode | undefined = root;
  let position = root.start;
  for (let i = 0; i < segments.length && node; i++) {
    const segment = segments[i]!;
    if (node.type === 'map') {
      const entry: BlockEntry | undefined = node.entries.find((candidate) => candidate.key === segment);
      if (!entry) break;
      position = entry.keyStart;
      node = entry.value;
    } else if (node.type === 'seq') {
      if (!/^(0|[1-9][0-9]*)$/.test(segment)) return undefined;
      const item = node.items[Number(segment)];
      if (!item) break;
      position = item.start;
      node = item;
    } else {
      return undefined;
    }
  }
  return position;
}

class BlockReader {
  /** Index of the first line not read yet. */
  next = 0;

  constructor(private readonly lines: Line[]) {}

  /** The node whose first line is `index`, at `indent`. */
  node(index: number, indent: number): BlockNode {
    const line = this.lines[index]!;
    if (line.indent !== indent) outside();
    return isItem(line.text) ? this.sequence(index, indent) : this.mapping(index, indent);
  }

  private mapping(index: number, indent: number): BlockNode {
    const entries: BlockEntry[] = [];
    const start = this.lines[index]!.offset;
    let at = index;
    while (at < this.lines.length && this.lines[at]!.indent === indent) {
      const line = this.lines[at]!;
      const colon = keyEnd(line.text);
      const key = line.text.slice(0, colon);
      if (!PLAIN_KEY.test(key) || RESOLVED_WORDS.has(key)) outside();
      let valueAt = colon + 1;
      while (line.text.charCodeAt(valueAt) === 32) valueAt++;
      if (valueAt >= line.text.length) {
        const following = this.lines[at + 1];
        if (following && following.indent > indent) {
          entries.push({ key, keyStart: line.offset, value: this.node(at + 1, following.indent) });
        } else if (following && following.indent === indent && isItem(following.text)) {
          entries.push({ key, keyStart: line.offset, value: this.sequence(at + 1, indent) });
        } else {
          entries.push({ key, keyStart: line.offset, value: undefined });
          this.next = at + 1;
        }
      } else {
        entries.push({ key, keyStart: line.offset, value: this.leaf(at, line.offset + valueAt, line.text.slice(valueAt), indent) });
      }
      at = this.next;
    }
    if (at < this.lines.length && this.lines[at]!.indent > indent) outside();
    this.next = at;
    return { type: 'map', start, entries };
  }

  private sequence(index: number, indent: number): BlockNode {
    const items: BlockNode[] = [];
    const start = this.lines[index]!.offset;
    let at = index;
    while (at < this.lines.length && this.lines[at]!.indent === indent && isItem(this.lines[at]!.text)) {
      const line = this.lines[at]!;
      let contentAt = 1;
      while (line.text.charCodeAt(contentAt) === 32) contentAt++;
      const content = line.text.slice(contentAt);
      if (content === '' || isItem(content)) outside();
      if (/^[^\s:]+:(?: |$)/.test(content) && !/^["']/.test(content)) {
        // `- key: value`: a mapping whose first key sits on the item's line.
        this.lines[at] = { indent: indent + contentAt, offset: line.offset + contentAt, text: content };
        items.push(this.mapping(at, indent + contentAt));
      } else {
        items.push(this.leaf(at, line.offset + contentAt, content, indent));
      }
      at = this.next;
    }
    this.next = at;
    return { type: 'seq', start, items };
  }

  /** A scalar (or empty flow collection) starting on line `index`; what follows must not continue it. */
  private leaf(index: number, start: number, value: string, ownerIndent: number): BlockNode {
    const first = value[0]!;
    let at = index + 1;
    if (first === '|' || first === '>') {
      // A block scalar: its lines are the more indented ones that follow.
      if (!/^[|>][-+0-9]*$/.test(value)) outside();
      while (at < this.lines.length && this.lines[at]!.indent > ownerIndent) at++;
      this.next = at;
      return { type: 'leaf', start };
    }
    if (value === '{}' || value === '[]') {
      // an empty flow collection: nothing to descend into
    } else if (REFUSED_VALUE_START.has(first)) {
      outside();
    } else if (first === '"') {
      if (value.length < 2 || !value.endsWith('"') || value.includes('\\') || value.split('"').length !== 3) outside();
    } else if (first === "'") {
      if (value.length < 2 || !value.endsWith("'") || (value.split("'").length - 1) % 2 !== 0) outside();
    } else if (first === '-' && isItem(value)) {
      outside();
    } else if (/: |:$/.test(value)) {
      outside();
    }
    if (at < this.lines.length && this.lines[at]!.indent > ownerIndent) outside();
    this.next = at;
    return { type: 'leaf', start };
  }
}
