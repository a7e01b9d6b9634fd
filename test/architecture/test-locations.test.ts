import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, LAYERS, MAY_IMPORT, ROOT, sources, type Layer } from './layers';

/**
 * Where tests live (README, "Development"; ADR 0182): a test of one module sits beside it
 * (`foo.test.ts` next to `foo.ts`) and keeps to its layer's imports, with only the GitHub and
 * Kubernetes API fakes from `test/support/`; everything else — tests across layers, of the CLI or
 * a server end to end, with real Prometheus, the collector, kubectl or Chromium — sits in an area
 * folder `test/<area>/`, never at `test/` itself.
 */

/** The fakes a test beside its module may use (the only fakes the project allows). */
const FAKES = ['test/support/fake-github', 'test/support/fake-kube-api'];

const SKIPPED = new Set(['node_modules', '.git', '.cache', 'gitops', 'cdk8s.out', 'dist', '.phoenix-tmp']);

function testFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const file = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(file);
    return entry.name.endsWith('.test.ts') ? [relative(ROOT, file)] : [];
  });
}

describe('where tests live', () => {
  it('every test sits in an area folder under test/ or beside the sources of a layer', () => {
    const all = testFiles();
    expect(all.length).toBeGreaterThan(100);
    const misplaced = all.filter((file) => {
      const [top, ...rest] = file.split('/');
      if (top === 'test') return rest.length < 2; // test/x.test.ts: no area
      return !(LAYERS as readonly string[]).includes(top!);
    });
    expect(misplaced).toEqual([]);
  });

  it('a test beside its module imports only what its layer may, and of test/ only the GitHub and Kubernetes fakes', () => {
    const violations: string[] = [];
    let count = 0;
    for (const layer of LAYERS) {
      for (const file of sources(layer, 'tests')) {
        count++;
        for (const spec of importsOf(file)) {
          if (!spec.startsWith('.')) continue;
          const target = relative(ROOT, resolve(dirname(file), spec));
          const top = target.split('/')[0]!;
          const allowed = top === layer || MAY_IMPORT[layer].includes(top as Layer) || FAKES.some((fake) => target === fake || target.startsWith(`${fake}/`));
          if (!allowed) violations.push(`${relative(ROOT, file)} imports ${spec}: move it to test/<area>/`);
        }
      }
    }
    expect(count).toBeGreaterThan(20);
    expect(violations).toEqual([]);
  });
});
