import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import * as jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseBlockDocument } from '../../policies/load/block-parse';

const ROOT = path.join(__dirname, '..', '..');

function yamlFiles(folder: string, into: string[] = []): string[] {
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git' || entry.name === '.cache') continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) yamlFiles(full, into);
    else if (/\.ya?ml$/.test(entry.name)) into.push(full);
  }
  return into;
}

/** The chunks between document markers, as parseYamlStream splits a stream. */
function chunksOf(text: string): string[] {
  const starts = [0];
  for (const match of text.matchAll(/^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm)) if (match.index! > 0) starts.push(match.index!);
  return starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length));
}

/** What js-yaml makes of a chunk (the reference), or 'error'. */
function reference(chunk: string): unknown {
  try {
    return jsYaml.load(chunk, { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return 'error';
  }
}

function expectSame(chunk: string, where: string): boolean {
  const fast = parseBlockDocument(chunk);
  if (fast === undefined) return false;
  const expected = reference(chunk);
  expect(expected, where).not.toBe('error');
  expect(fast, where).toStrictEqual(expected);
  expect(JSON.stringify(fast), `${where} (key order)`).toBe(JSON.stringify(expected));
  return true;
}

describe('parsing plain block YAML without js-yaml', () => {
  it("gives js-yaml's value for every document of every YAML file in the repository it reads", () => {
    // GIVEN every YAML document of the repository WHEN read as block YAML THEN it equals js-yaml's, or is left to js-yaml
    let documents = 0;
    let read = 0;
    const generated = { documents: 0, read: 0 };
    for (const file of yamlFiles(ROOT)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const chunk of chunksOf(text)) {
        if (reference(chunk) === null || reference(chunk) === undefined) continue;
        documents++;
        const ok = expectSame(chunk, path.relative(ROOT, file));
        if (ok) read++;
        if (path.relative(ROOT, file).startsWith(`gitops${path.sep}`)) {
          generated.documents++;
          if (ok) generated.read++;
        }
      }
    }
    process.stdout.write(`block-parse: ${read} of ${documents} documents read as block YAML; generated tree ${generated.read} of ${generated.documents}\n`);
    // AND the comparison is not vacuous
    expect(documents).toBeGreaterThan(150);
    expect(read).toBeGreaterThan(50);
    expect(generated.read).toBeGreaterThan(20);
  });

  it("gives js-yaml's value, or leaves the document to js-yaml, on generated documents with tricky scalars and keys", () => {
    // Mostly what generators write, with the tricky cases mixed in.
    const scalar = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.constantFrom(
          'plain',
          'two words',
          '0',
          '-1',
          '1.0',
          'true',
          'yes',
          '~',
          '',
          '10m',
          '"quoted: yes"',
          "'it''s'",
          'a:b',
          'a#b',
          '-x',
          '0x1F',
          '.inf',
          '2001-12-14',
          'https://example.com/x?y=1#z',
          'é ü 中',
          '[]',
          '{}',
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '+1',
          '007',
          '0o17',
          '0b101',
          '1_000',
          '1e3',
          '-.5',
          '-.Inf',
          '.NaN',
          '3.',
          'True',
          'TRUE',
          'no',
          'on',
          'off',
          'y',
          'n',
          'null',
          'Null',
          'NULL',
          "'a'b'",
          '"a\\"b"',
          'a: b',
          'a #b',
          '- x',
          '-',
          '? x',
          '?x',
          ':x',
          '[1]',
          '{a: 1}',
          '&a x',
          '*a',
          '!!str 1',
          '|',
          '>-',
          '%x',
          '@x',
          '`x',
          '"',
          "'",
          '#',
          'x ',
        ),
      },
    );
    const key = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom('a', 'b', 'spec', 'app.kubernetes.io/name', 'x-y', '_k', 'on') },
      { weight: 1, arbitrary: fc.constantFrom('true', 'null', '1', '"q"', 'a b', '__proto__', '<<', 'k:') },
    );
    type Tree = { kind: 'map'; entries: Array<[string, Tree]> } | { kind: 'seq'; items: Tree[] } | { kind: 'scalar'; text: string };
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        scalar.map((text): Tree => ({ kind: 'scalar', text })),
        fc.array(fc.tuple(key, tie('tree')), { minLength: 1, maxLength: 4 }).map((entries): Tree => ({ kind: 'map', entries })),
        fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((items): Tree => ({ kind: 'seq', items })),
      ),
    }));
    const render = (node: Tree, indent: string, sameIndentSequences: boolean): string[] => {
      if (node.kind === 'scalar') return [node.text];
      if (node.kind === 'map') {
        return node.entries.flatMap(([k, value]) => {
          if (value.kind === 'scalar') return [`${indent}${k}: ${value.text}`];
          const inner = value.kind === 'seq' && sameIndentSequences ? indent : `${indent}  `;
          return [`${indent}${k}:`, ...render(value, inner, sameIndentSequences)];
        });
      }
      return node.items.flatMap((item) => {
        if (item.kind === 'scalar') return [`${indent}- ${item.text}`];
        const lines = render(item, `${indent}  `, sameIndentSequences);
        return item.kind === 'map' ? [`${indent}- ${lines[0]!.trimStart()}`, ...lines.slice(1)] : [`${indent}-`, ...lines];
      });
    };
    let read = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(key, tree), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean(), (entries, sameIndent, marker) => {
        const text = `${marker ? '---\n# a comment\n' : ''}${render({ kind: 'map', entries }, '', sameIndent).join('\n')}\n`;
        if (expectSame(text, text)) read++;
      }),
      { numRuns: 3000 },
    );
    // THEN a good share is read without js-yaml (the property is not vacuous)
    expect(read).toBeGreaterThan(200);
  });
});
