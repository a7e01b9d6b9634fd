import { readFileSync } from 'node:fs';
import { relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, LAYERS, MAY_IMPORT, ROOT, sources, type Layer } from './layers';

/**
 * The layering of ADR 0180 and DESIGN.md, checked on the sources (tests and benchmarks aside):
 * imports point one way, nothing imports `app/`, and git runs only in `clients/git`.
 */

describe('layering', () => {
  it('every layer imports only the layers below it, and nothing imports app/', () => {
    const violations: string[] = [];
    let count = 0;
    for (const layer of LAYERS) {
      for (const file of sources(layer)) {
        for (const spec of importsOf(file)) {
          if (!spec.startsWith('.')) continue;
          count++;
          const target = relative(ROOT, resolve(dirname(file), spec)).split('/')[0] as Layer;
          if (target === layer || !LAYERS.includes(target)) continue;
          if (!MAY_IMPORT[layer].includes(target)) violations.push(`${relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
    expect(count).toBeGreaterThan(500);
    expect(violations).toEqual([]);
  });

  it('git runs only in clients/git', () => {
    const violations: string[] = [];
    for (const layer of LAYERS) {
      for (const file of sources(layer)) {
        const where = relative(ROOT, file);
        if (where.startsWith('clients/git/')) continue;
        const text = readFileSync(file, 'utf8');
        if (/from ['"]simple-git['"]/.test(text) || /\b(?:spawn|spawnSync|execFile|execFileSync|exec|execSync)\(\s*['"]git['"]/.test(text))
          violations.push(where);
      }
    }
    expect(violations).toEqual([]);
  });
});
