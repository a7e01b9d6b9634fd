import * as jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseYamlStream } from '../../policies/load/parse-documents';

/** What each chunk between document markers parses to on its own (the reference the fast path must match). */
function perChunk(text: string): Array<{ value: unknown; start: number; startLine: number }> {
  const starts = [0];
  for (const match of text.matchAll(/^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm)) if (match.index! > 0) starts.push(match.index!);
  const out: Array<{ value: unknown; start: number; startLine: number }> = [];
  starts.forEach((start, i) => {
    let chunk = text.slice(start, starts[i + 1] ?? text.length);
    if (chunk.startsWith('...')) chunk = chunk.replace(/^\.\.\.[^\n]*/, '');
    const value = jsYaml.load(chunk, { schema: jsYaml.CORE_SCHEMA });
    if (value !== null && value !== undefined) out.push({ value, start, startLine: text.slice(0, start).split('\n').length - 1 });
  });
  return out;
}

describe('parseYamlStream', () => {
  it.each([
    ['plain documents', 'a: 1\n---\nb: 2\n---\nc: [3]\n'],
    ['leading comments and marker', '# header\n---\na: 1\n---\n# only a comment\n---\nb: 2\n'],
    ['empty documents and document ends', '---\n---\na: 1\n...\n---\nb: x\n...\n'],
    ['content on the marker line', 'a: 1\n--- |\n  text\n---\nb: 2\n'],
    ['a null document', 'a: 1\n---\n~\n---\nb: 2\n'],
    ['a List', 'apiVersion: v1\nkind: List\nitems:\n  - a: 1\n  - b: 2\n---\nc: 3\n'],
    ['CRLF line ends', 'a: 1\r\n---\r\nb: 2\r\n'],
    ['no final newline', 'a: 1\n---\nb: 2'],
  ])('pairs documents with their chunks: %s', (_name, text) => {
    // GIVEN a stream WHEN parsed THEN each document has the value and place its own chunk gives
    const chunks = parseYamlStream('f.yaml', text);
    const expected = perChunk(text).flatMap((c) => {
      const record = c.value as { kind?: string; items?: unknown[] };
      return record?.kind === 'List' ? record.items!.map((item) => ({ ...c, value: item })) : [c];
    });
    expect(chunks.map((c) => ({ value: c.value, start: c.start, startLine: c.startLine }))).toEqual(expected);
  });

  it('fails with the line of the broken document', () => {
    expect(() => parseYamlStream('f.yaml', 'a: 1\n---\nb: 2\n---\nc: [\n')).toThrow(/^f\.yaml:6:1: malformed YAML/);
  });

  it('reports a directive as before (each chunk on its own)', () => {
    expect(() => parseYamlStream('f.yaml', '%YAML 1.2\n---\na: 1\n')).toThrow(/f\.yaml:\d+:\d+: malformed YAML/);
  });
});
