import { isMap, isScalar, isSeq, parseDocument, Scalar, type Node } from 'yaml';
import { pointerSegments } from '../rule-table';
import { blockOffset, readBlockDocument, type BlockNode } from './block-locate';

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

type ToPosition = (offset: number) => Position;

/** A slice of a file that starts at the beginning of a line. */
export interface Chunk {
  readonly start: number;
  readonly end: number;
  /** 0-based line of `start`. */
  readonly startLine: number;
}

interface ParsedChunkSource {
  /** The chunk read as plain block YAML; undefined when it is not (then `root` is parsed with `yaml`). */
  readonly block: BlockNode | undefined;
  root?: Node | null;
  readonly slice: string;
  readonly lineStarts: number[];
}

/**
 * Maps JSON pointers back to positions in one file's text, once per document that has findings
 * (cached). Documents in plain block YAML are located by reading their lines (block-locate.ts);
 * the others, and pointers into embedded strings, are parsed with `yaml`, which keeps source
 * ranges (slow, so only here).
 */
export class FileLocator {
  private readonly parsed = new Map<number, ParsedChunkSource>();

  /** `readLines: false` always parses with `yaml` (the reference the line reader is tested against). */
  constructor(
    private readonly text: string,
    private readonly readLines = true,
  ) {}

  /** Position of a pointer inside a chunk; the nearest existing parent when the path stops early. */
  locate(chunk: Chunk, pointer: string): Position {
    let source = this.parsed.get(chunk.start);
    if (!source) {
      const slice = this.text.slice(chunk.start, chunk.end);
      source = { block: this.readLines ? readBlockDocument(slice) : undefined, slice, lineStarts: lineStartsOf(slice) };
      this.parsed.set(chunk.start, source);
    }
    const { lineStarts } = source;
    const toPosition: ToPosition = (offset) => {
      const line = lineIndexOf(lineStarts, offset);
      return { line: chunk.startLine + line + 1, column: offset - lineStarts[line] + 1 };
    };
    const segments = pointerSegments(pointer);
    if (source.block) {
      const offset = blockOffset(source.block, segments);
      if (offset !== undefined) return toPosition(offset);
    }
    if (source.root === undefined)
      source.root = parseDocument(source.slice, { strict: false, uniqueKeys: false, keepSourceTokens: true }).contents as Node | null;
    if (!source.root) return toPosition(leadingMarkerLength(this.text, chunk.start));
    return walk(source.root, segments, toPosition);
  }
}

function lineIndexOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

function walk(root: Node, segments: readonly string[], toPosition: ToPosition): Position {
  let node: Node | null | undefined = root;
  let at = rangeStart(root);
  let position = toPosition(at);
  for (let i = 0; i < segments.length && node; i++) {
    const segment = segments[i];
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
      if (!pair) break;
      const key = pair.key as Node;
      position = toPosition(rangeStart(key, at));
      node = pair.value as Node | null;
      if (node && i === segments.length - 1) break;
      if (node) at = rangeStart(node, at);
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) break;
      at = rangeStart(item, at);
      position = toPosition(at);
      node = item;
    } else if (isScalar(node) && typeof node.value === 'string') {
      const inner = parseDocument(node.value, { strict: false, uniqueKeys: false, keepSourceTokens: true }).contents as Node | null;
      if (!inner) break;
      return walk(inner, segments.slice(i), embeddedPosition(node, toPosition));
    } else {
      break;
    }
  }
  return position;
}

/** Maps offsets inside a string value back to the file: exact for block scalars (`|`), the scalar itself otherwise. */
function embeddedPosition(scalar: Scalar, outer: ToPosition): ToPosition {
  const header = outer(rangeStart(scalar));
  const source = (scalar as Scalar & { srcToken?: { source?: string; props?: unknown } }).srcToken;
  const blockSource = scalar.type === Scalar.BLOCK_LITERAL || scalar.type === Scalar.BLOCK_FOLDED ? source?.source : undefined;
  if (scalar.type !== Scalar.BLOCK_LITERAL || blockSource === undefined) return () => header;
  const indent = /^( *)\S/m.exec(blockSource)?.[1].length ?? 0;
  const innerText = String(scalar.value);
  const innerStarts = lineStartsOf(innerText);
  return (offset) => {
    const line = lineIndexOf(innerStarts, offset);
    return { line: header.line + 1 + line, column: indent + (offset - innerStarts[line]) + 1 };
  };
}

function rangeStart(node: Node, fallback = 0): number {
  return node.range ? node.range[0] : fallback;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

function leadingMarkerLength(text: string, start: number): number {
  return text.startsWith('---', start) ? Math.max(0, text.indexOf('\n', start) + 1 - start) : 0;
}
