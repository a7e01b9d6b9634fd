import * as jsYaml from 'js-yaml';

/**
 * Parses one document written in plain block YAML (block mappings and sequences of plain or
 * one-line quoted scalars, the shape generators emit for Kubernetes and Flux objects) to the value
 * js-yaml's `load` with the core schema gives, without js-yaml (ADR 0163). Plain scalars are
 * resolved by js-yaml's own core-schema types. Anything else (block scalars, flow collections with
 * content, anchors, aliases, tags, comments after content, multi-line scalars, keys that are not
 * plain names, duplicate keys, escapes) returns undefined, and the caller parses with js-yaml;
 * test/policies/block-parse.test.ts compares both on real trees and on generated documents.
 */
export function parseBlockDocument(slice: string, printable = isPrintable(slice)): Record<string, unknown> | undefined {
  if (!printable || slice.includes('\r') || slice.includes('\t')) return undefined;
  try {
    const lines = splitLines(slice);
    if (lines.length === 0) return undefined;
    const parser = new BlockParser(lines);
    if (isItem(lines[0]!.text)) return undefined;
    const root = parser.mapping(0, lines[0]!.indent, 0);
    return parser.next === lines.length ? root : undefined;
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

/** Outside YAML's printable set (c-printable: tab, line ends, x20-x7E, x85, xA0-xD7FF, xE000-xFFFD, surrogate pairs). */
// eslint-disable-next-line no-control-regex -- the regular expression is about control characters
const NOT_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/** True when the text holds only characters YAML may hold (js-yaml refuses the stream otherwise). */
export function isPrintable(text: string): boolean {
  return !NOT_PRINTABLE.test(text);
}

/** js-yaml's core-schema resolvers for plain scalars (null, bool, int, float), in its order. */
interface ImplicitType {
  resolve(data: string): boolean;
  construct(data: string): unknown;
}
const IMPLICIT = (jsYaml.CORE_SCHEMA as unknown as { compiledImplicit: readonly ImplicitType[] }).compiledImplicit;

/** The core schema's words (null, bool): the only plain scalars starting with a letter that are not strings. */
const WORDS = new Map<string, unknown>([
  ['null', null],
  ['Null', null],
  ['NULL', null],
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);

/**
 * A plain scalar's value: a string unless it is one of the core schema's words, or starts like a
 * number or `~` and one of js-yaml's own resolvers takes it.
 */
function resolvePlain(text: string): unknown {
  const first = text.charCodeAt(0);
  const letter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122);
  if (letter) return WORDS.has(text) ? WORDS.get(text) : text;
  if (!/^[-+.0-9~]/.test(text)) return text;
  for (const type of IMPLICIT) if (type.resolve(text)) return type.construct(text);
  return text;
}

/** Deeper documents go to js-yaml. */
const MAX_DEPTH = 64;

class BlockParser {
  next = 0;

  constructor(private readonly lines: Line[]) {}

  private node(index: number, indent: number, depth: number): unknown {
    const line = this.lines[index]!;
    if (line.indent !== indent || depth > MAX_DEPTH) outside();
    return isItem(line.text) ? this.sequence(index, indent, depth) : this.mapping(index, indent, depth);
  }

  mapping(index: number, indent: number, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let at = index;
    while (at < this.lines.length && this.lines[at]!.indent === indent) {
      const line = this.lines[at]!;
      const colon = keyEnd(line.text);
      const key = line.text.slice(0, colon);
      if (!PLAIN_KEY.test(key) || RESOLVED_WORDS.has(key) || key === '__proto__' || Object.hasOwn(out, key)) outside();
      let valueAt = colon + 1;
      while (line.text.charCodeAt(valueAt) === 32) valueAt++;
      if (valueAt >= line.text.length) {
        const following = this.lines[at + 1];
        if (following && following.indent > indent) {
          out[key] = this.node(at + 1, following.indent, depth + 1);
        } else if (following && following.indent === indent && isItem(following.text)) {
          out[key] = this.sequence(at + 1, indent, depth + 1);
        } else {
          out[key] = null;
          this.next = at + 1;
        }
      } else {
        out[key] = this.scalar(at, line.text.slice(valueAt), indent);
      }
      at = this.next;
    }
    if (at < this.lines.length && this.lines[at]!.indent > indent) outside();
    this.next = at;
    return out;
  }

  private sequence(index: number, indent: number, depth: number): unknown[] {
    const items: unknown[] = [];
    let at = index;
    while (at < this.lines.length && this.lines[at]!.indent === indent && isItem(this.lines[at]!.text)) {
      const line = this.lines[at]!;
      let contentAt = 1;
      while (line.text.charCodeAt(contentAt) === 32) contentAt++;
      const content = line.text.slice(contentAt);
      if (content === '' || isItem(content)) outside();
      if (/^[^\s:]+:(?: |$)/.test(content) && !/^["']/.test(content)) {
        this.lines[at] = { indent: indent + contentAt, offset: line.offset + contentAt, text: content };
        items.push(this.mapping(at, indent + contentAt, depth + 1));
      } else {
        items.push(this.scalar(at, content, indent));
      }
      at = this.next;
    }
    this.next = at;
    return items;
  }

  /** A one-line scalar (or empty flow collection) on line `index`; the next line must not continue it. */
  private scalar(index: number, text: string, ownerIndent: number): unknown {
    const following = this.lines[index + 1];
    if (following && following.indent > ownerIndent) outside();
    this.next = index + 1;
    const first = text[0]!;
    if (text === '{}') return {};
    if (text === '[]') return [];
    if (first === '"') {
      if (text.length < 2 || !text.endsWith('"') || text.includes('\\') || text.split('"').length !== 3) outside();
      return text.slice(1, -1);
    }
    if (first === "'") {
      if (text.length < 2 || !text.endsWith("'") || (text.split("'").length - 1) % 2 !== 0) outside();
      const inner = text.slice(1, -1);
      if (/'(?!')/.test(inner.replace(/''/g, ''))) outside();
      return inner.replace(/''/g, "'");
    }
    if (REFUSED_VALUE_START.has(first) || first === '|' || first === '>' || isItem(text) || /: |:$/.test(text)) outside();
    if (first === '-' || first === '?') {
      const second = text.charCodeAt(1);
      if (Number.isNaN(second) || second === 32) outside();
    }
    return resolvePlain(text);
  }
}

export interface Line {
  readonly indent: number;
  /** Offset of the first character after the indentation. */
  readonly offset: number;
  /** The line from `offset`, without its line end. */
  readonly text: string;
}

/** A key `String(yaml's key value)` gives back unchanged: a plain name that no core-schema tag resolves. */
export const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
export const RESOLVED_WORDS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);
export const REFUSED_VALUE_START = new Set(['&', '*', '!', '%', '@', '`', '?', '{', '[', ']', '}', ',', '#', ':']);

/** Thrown inside the readers for anything outside the subset; never escapes them. */
export class OutsideSubset extends Error {}

export function outside(): never {
  throw new OutsideSubset();
}

export function splitLines(slice: string): Line[] {
  const lines: Line[] = [];
  let at = 0;
  let first = true;
  while (at < slice.length) {
    let end = slice.indexOf('\n', at);
    if (end < 0) end = slice.length;
    let indent = 0;
    while (slice.charCodeAt(at + indent) === 32) indent++;
    const text = slice.slice(at + indent, end);
    if (first && at === 0 && slice.startsWith('---', 0)) {
      if (text.trimEnd() !== '---') outside();
    } else if (text.trimEnd() !== '' && !text.startsWith('#')) {
      if (text.startsWith('---') || text.startsWith('...') || text.includes(' #')) outside();
      lines.push({ indent, offset: at + indent, text: text.trimEnd() });
    }
    first = false;
    at = end + 1;
  }
  return lines;
}

export function isItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** Index of the colon ending a mapping key on this line (`key:` then a space or the line end). */
export function keyEnd(text: string): number {
  const colon = text.indexOf(':');
  if (colon <= 0 || (colon + 1 < text.length && text[colon + 1] !== ' ')) outside();
  return colon;
}
