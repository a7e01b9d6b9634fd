import * as jsYaml from 'js-yaml';
import { assertValueBounded, mayHoldAliases } from '../../analysis/value-bounds';
import { PolicyInputError } from '../errors';
import { isPrintable, parseBlockDocument } from './block-parse';

/** A parsed document and the slice of its file it came from (for locating findings later). */
export interface ParsedChunk {
  readonly value: unknown;
  /** Offset of the chunk in the file text. */
  readonly start: number;
  readonly end: number;
  /** 0-based line of `start` in the file (chunks always start at the beginning of a line). */
  readonly startLine: number;
  /** Pointer prefix of the document inside the chunk (`/items/3` for a List item). */
  readonly pointerPrefix: string;
}

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;

/**
 * Splits a YAML stream at its document markers and parses it with js-yaml (the fast path; YAML 1.2
 * core schema, as Kubernetes reads manifests). Empty documents are skipped. Malformed YAML throws a
 * PolicyInputError naming file:line:column.
 *
 * The whole stream is parsed in one `loadAll` (what the floor of `npm run bench -- check` does) and
 * its documents are paired with the chunks the split found, in order. When the pairing is not
 * certain (a directive, a chunk that parses to nothing although it holds content), the stream
 * may hold aliases (each document's expansion is bounded there) or it does not parse, each chunk is parsed on its own instead, which also names the failing line.
 */
export function parseYamlStream(file: string, text: string): ParsedChunk[] {
  const starts = [0];
  DOCUMENT_MARKER.lastIndex = 0;
  for (let match = DOCUMENT_MARKER.exec(text); match; match = DOCUMENT_MARKER.exec(text)) {
    if (match.index > 0) starts.push(match.index);
  }
  return parseBlocks(text, starts) ?? parseWhole(file, text, starts) ?? parseEachChunk(file, text, starts);
}

/**
 * Every chunk read as plain block YAML (block-parse.ts, ADR 0163), the fastest path; undefined as
 * soon as one chunk holds anything else, and then the whole stream takes the js-yaml paths.
 */
function parseBlocks(text: string, starts: readonly number[]): ParsedChunk[] | undefined {
  if (!isPrintable(text)) return undefined;
  const chunks: ParsedChunk[] = [];
  let line = 0;
  let counted = 0;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
    const value = parseBlockDocument(text.slice(start, end), true);
    if (value === undefined) {
      if (chunkContent(text, start, end) === false) continue;
      return undefined;
    }
    line += countLines(text, counted, start);
    counted = start;
    chunks.push(...expandLists(value, start, end, line));
  }
  return chunks;
}

/** One `loadAll` over the stream, paired with the chunks holding content; undefined when unsure. */
function parseWhole(file: string, text: string, starts: readonly number[]): ParsedChunk[] | undefined {
  // Aliases may expand beyond the value bounds: the per-chunk parse checks each document.
  if (mayHoldAliases(text)) return undefined;
  const withContent: number[] = [];
  for (let i = 0; i < starts.length; i++) {
    const content = chunkContent(text, starts[i]!, i + 1 < starts.length ? starts[i + 1]! : text.length);
    if (content === 'directive') return undefined;
    if (content) withContent.push(i);
  }
  let values: unknown[];
  try {
    values = jsYaml.loadAll(text, undefined, { schema: jsYaml.CORE_SCHEMA, filename: file }).filter((value) => value !== undefined && value !== null);
  } catch {
    return undefined;
  }
  if (values.length !== withContent.length) return undefined;
  const chunks: ParsedChunk[] = [];
  let line = 0;
  let counted = 0;
  withContent.forEach((i, n) => {
    const start = starts[i]!;
    line += countLines(text, counted, start);
    counted = start;
    chunks.push(...expandLists(values[n], start, i + 1 < starts.length ? starts[i + 1]! : text.length, line));
  });
  return chunks;
}

/**
 * Whether a chunk holds anything but its marker, blank lines and comments (`'directive'` for a `%`
 * directive, which only the per-chunk parse reports as it always has).
 */
function chunkContent(text: string, start: number, end: number): boolean | 'directive' {
  let at = start;
  if (text.startsWith('...', at)) {
    // The per-chunk parse drops the whole `...` line.
    const newline = text.indexOf('\n', at);
    at = newline < 0 || newline > end ? end : newline + 1;
  } else if (text.startsWith('---', at)) {
    at += 3;
    // Content on the marker line (`--- |`, `--- value`) counts.
    while (at < end && (text[at] === ' ' || text[at] === '\t')) at++;
    if (at < end && text[at] !== '\n' && text[at] !== '\r' && text[at] !== '#') return true;
  }
  while (at < end) {
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    let first = at;
    while (first < lineEnd && (text[first] === ' ' || text[first] === '\t' || text[first] === '\r')) first++;
    if (first < lineEnd && text[first] !== '#') return text[first] === '%' && first === at ? 'directive' : true;
    at = lineEnd + 1;
  }
  return false;
}

function parseEachChunk(file: string, text: string, starts: readonly number[]): ParsedChunk[] {
  const chunks: ParsedChunk[] = [];
  let line = 0;
  let counted = 0;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
    line += countLines(text, counted, start);
    counted = start;
    let chunk = text.slice(start, end);
    if (chunk.startsWith('...')) chunk = chunk.replace(/^\.\.\.[^\n]*/, '');
    let value: unknown;
    try {
      value = jsYaml.load(chunk, { schema: jsYaml.CORE_SCHEMA, filename: file });
    } catch (error) {
      throw malformed(file, error, line);
    }
    if (value === undefined || value === null) continue;
    if (mayHoldAliases(chunk)) assertBounded(value, file, line);
    chunks.push(...expandLists(value, start, end, line));
  }
  return chunks;
}

/** Parses a JSON file: one value, an array of objects, or JSON Lines (one object per line). */
export function parseJsonStream(file: string, text: string): ParsedChunk[] {
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) return value.map((item, index) => ({ value: item, start: 0, end: text.length, startLine: 0, pointerPrefix: `/${index}` }));
    return expandLists(value, 0, text.length, 0);
  } catch (error) {
    if (looksLikeJsonLines(text)) return parseJsonLines(file, text);
    throw new PolicyInputError(`${file}:${jsonErrorLine(text, error)}: malformed JSON: ${(error as Error).message}`);
  }
}

/** JSON Lines: several non-empty lines, the first of which is a complete JSON value on its own. */
function looksLikeJsonLines(text: string): boolean {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length < 2) return false;
  try {
    JSON.parse(lines[0]);
    return true;
  } catch {
    return false;
  }
}

function parseJsonLines(file: string, text: string): ParsedChunk[] {
  const chunks: ParsedChunk[] = [];
  let start = 0;
  let lineNumber = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    lineNumber++;
    const line = text.slice(start, end);
    if (line.trim() !== '') {
      try {
        chunks.push(...expandLists(JSON.parse(line), start, end, lineNumber - 1));
      } catch (error) {
        throw new PolicyInputError(`${file}:${lineNumber}: malformed JSON: ${(error as Error).message}`);
      }
    }
    if (newline < 0) break;
    start = newline + 1;
  }
  return chunks;
}

/** A Kubernetes `List` (kind ends in `List`, with `items`) stands for its items. */
function expandLists(value: unknown, start: number, end: number, startLine: number): ParsedChunk[] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (typeof record.kind === 'string' && record.kind.endsWith('List') && Array.isArray(record.items) && typeof record.apiVersion === 'string') {
      return record.items.map((item, index) => ({ value: item, start, end, startLine, pointerPrefix: `/items/${index}` }));
    }
  }
  return [{ value, start, end, startLine, pointerPrefix: '' }];
}

function countLines(text: string, from: number, to: number): number {
  let lines = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

function malformed(file: string, error: unknown, lineOffset: number): PolicyInputError {
  if (error instanceof jsYaml.YAMLException && error.mark) {
    const line = lineOffset + error.mark.line + 1;
    return new PolicyInputError(`${file}:${line}:${error.mark.column + 1}: malformed YAML: ${error.reason}`);
  }
  return new PolicyInputError(`${file}: malformed YAML: ${(error as Error).message}`);
}

/**
 * The line of a JSON syntax error. V8 names a position for some errors; for the others, the error sits
 * where the longest parseable prefix stops failing with "unexpected end" (binary search, error path only).
 */
function jsonErrorLine(text: string, error: unknown): string {
  const position = /position (\d+)/.exec((error as Error).message);
  if (position) return String(countLines(text, 0, Number(position[1])) + 1);
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const middle = (good + bad) >> 1;
    if (failsOnlyAtEnd(text.slice(0, middle))) good = middle;
    else bad = middle;
  }
  return String(countLines(text, 0, good) + 1);
}

function failsOnlyAtEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    if (/Unexpected end|Unterminated string/i.test(message)) return true;
    const at = /position (\d+)/.exec(message);
    return at !== null && Number(at[1]) >= prefix.length;
  }
}

/** Refuses a document that expands past the value bounds (an alias bomb), naming file:line. */
function assertBounded(value: unknown, file: string, line: number): void {
  if (value === null || typeof value !== 'object') return;
  try {
    assertValueBounded(value, `${file}:${line + 1}`);
  } catch (error) {
    throw new PolicyInputError((error as Error).message);
  }
}
