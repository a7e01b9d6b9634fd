import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBlockDocument } from '../../policies/load/block-locate';
import { FileLocator } from '../../policies/load/locate';
import { parseYamlStream } from '../../policies/load/parse-documents';
import { escapePointer } from '../../policies/rule-table';

const ROOT = path.join(__dirname, '..', '..');

/** Every YAML file of the repository: the synthesized tree, deploy manifests, upstream CRDs and samples, test fixtures. */
function yamlFiles(folder: string, into: string[] = []): string[] {
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git' || entry.name === '.cache') continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) yamlFiles(full, into);
    else if (/\.ya?ml$/.test(entry.name)) into.push(full);
  }
  return into;
}

/** Pointers to every node of a value, plus a missing key and a missing item under each collection. */
function pointersOf(value: unknown, prefix = '', into: string[] = []): string[] {
  into.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((item, index) => pointersOf(item, `${prefix}/${index}`, into));
    into.push(`${prefix}/${value.length}`);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) pointersOf((value as Record<string, unknown>)[key], `${prefix}/${escapePointer(key)}`, into);
    into.push(`${prefix}/no-such-key`);
  }
  return into;
}

describe('locating findings by reading block YAML lines', () => {
  it('gives the position the yaml-based locator gives, for every node of every YAML file in the repository', () => {
    // GIVEN every YAML document of the repository that parses
    let documents = 0;
    let readAsBlock = 0;
    let pointers = 0;
    const generated = { documents: 0, readAsBlock: 0 };
    for (const file of yamlFiles(ROOT)) {
      const text = fs.readFileSync(file, 'utf8');
      let chunks;
      try {
        chunks = parseYamlStream(file, text);
      } catch {
        continue;
      }
      const fast = new FileLocator(text);
      const reference = new FileLocator(text, false);
      for (const chunk of chunks) {
        documents++;
        const block = readBlockDocument(text.slice(chunk.start, chunk.end)) !== undefined;
        if (block) readAsBlock++;
        if (path.relative(ROOT, file).startsWith(`gitops${path.sep}`)) {
          generated.documents++;
          if (block) generated.readAsBlock++;
        }
        // WHEN each pointer is located both ways THEN the positions agree
        const all = pointersOf(chunk.value, chunk.pointerPrefix);
        const step = Math.max(1, Math.floor(all.length / 2000));
        for (let i = 0; i < all.length; i += step) {
          pointers++;
          const pointer = all[i]!;
          expect(fast.locate(chunk, pointer), `${path.relative(ROOT, file)} ${pointer}`).toEqual(reference.locate(chunk, pointer));
        }
      }
    }
    // AND the line reader really carries the generated tree (the comparison is not vacuous)
    process.stdout.write(
      `block-locate: ${documents} documents, ${readAsBlock} read as block YAML, ${pointers} pointers; generated ${generated.readAsBlock}/${generated.documents}\n`,
    );
    expect(documents).toBeGreaterThan(150);
    expect(pointers).toBeGreaterThan(10_000);
    expect(generated.documents).toBeGreaterThan(50);
    expect(generated.readAsBlock).toBe(generated.documents);
    expect(readAsBlock / documents).toBeGreaterThan(0.4);
  });

  it.each([
    ['keys, nested items and an item mapping', 'a: 1\nb:\n  c:\n  - x\n  - k: v\n    l: w\nd: [1]\n', ['/b/c/1/l', '/b/c/0', '/d', '/b/zz', '/b/c/5']],
    ['a leading marker and comments', '---\n# head\na:\n  # inside\n  b: 2\n', ['', '/a/b', '/a/c']],
    ['quoted values and a block scalar', "a: \"x: y\"\nb: 'it''s'\nc: |\n  line\n  # not a comment\nd: e\n", ['/a', '/b', '/c', '/d']],
  ])('agrees with the yaml-based locator: %s', (_name, text, pointers) => {
    const chunk = { start: 0, end: text.length, startLine: 0 };
    for (const pointer of pointers) expect(new FileLocator(text).locate(chunk, pointer)).toEqual(new FileLocator(text, false).locate(chunk, pointer));
  });

  it.each([
    ['an alias', 'a: &x 1\nb: *x\n'],
    ['a flow mapping with content', 'a: {b: 1}\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a comment after content', 'a: 1 # one\n'],
    ['a quoted key', '"a": 1\n'],
    ['a key that resolves to a boolean', 'true: 1\n'],
    ['tabs', 'a:\n\tb: 1\n'],
  ])('leaves %s to the yaml-based locator', (_name, text) => {
    expect(readBlockDocument(text)).toBeUndefined();
  });
});
