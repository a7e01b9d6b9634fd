import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { emitYaml } from '../../generators/emit-yaml';

const OPTIONS = { sortKeys: false, lineWidth: -1, noRefs: true } as const;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

const block = 'receivers:\n  otlp:\n    protocols: {}\n\n  # comment\n    trailing  \n';
const TRICKY: unknown[] = [
  {
    a: 'yes',
    b: 'on',
    c: '0755',
    d: '12:30',
    e: '1_000',
    f: '',
    g: ' leading',
    h: 'trailing ',
    i: 'a: b',
    j: '- x',
    k: '#x',
    l: "it's",
    m: 'é ✓ 😀',
    n: '\t tab',
  },
  { text: block, text2: `  indented first line\n${block}`, keep: 'a\n\n', only: '\n', nonl: 'a\nb', crlf: 'a\r\nb' },
  { nested: { deeper: { deepest: { text: block, list: [block, { x: block }], empty: [], none: {} } } } },
  [[1, 2], [[3]], [], {}, [{}], null, undefined, 'x'],
  {
    numbers: [0, -0, 1, -1, 1.5, 1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53],
    bools: [true, false],
    nul: null,
    undef: undefined,
  },
  { 'key with space': 1, yes: 2, '': 3, '123': 4, 'a: b': 5, '- x': 6, "it's": 7, 'multi\nline': 8, [`${'k'.repeat(1100)}`]: 9 },
  Object.assign(Object.create(null), { proto: 'less' }),
  { date: new Date(0) },
  'top-level string',
  42,
  [],
  {},
];

describe('emitYaml', () => {
  it.each(TRICKY.map((value, index) => [index, value] as const))('writes what js-yaml dump writes (tricky value %i)', (_index, value) => {
    expect(emitYaml(value)).toBe(dump(value, OPTIONS));
  });

  it('writes what js-yaml dump writes for every object of the committed tree', () => {
    // GIVEN every object of gitops/ (collector configs as block strings, Flux objects, manifests)
    const root = path.join(__dirname, '..', '..', 'gitops');
    const objects = filesUnder(root).flatMap((file) => loadAll(fs.readFileSync(file, 'utf8')));
    expect(objects.length).toBeGreaterThan(40);
    // THEN the bytes are the same, also for the parts nested one level deeper
    for (const object of objects) {
      expect(emitYaml(object)).toBe(dump(object, OPTIONS));
      expect(emitYaml({ items: [object], wrapped: { object } })).toBe(dump({ items: [object], wrapped: { object } }, OPTIONS));
    }
  });
});
