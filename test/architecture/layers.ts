import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The layers of ADR 0180 and DESIGN.md, and what each may import; shared by the architecture tests. */

export const ROOT = resolve(__dirname, '..', '..');
export const LAYERS = ['analysis', 'constructs', 'environments', 'experiments', 'generators', 'policies', 'clients', 'app'] as const;
export type Layer = (typeof LAYERS)[number];

/** What each layer may import of ours (besides itself). */
export const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  analysis: [],
  constructs: ['analysis'],
  environments: ['constructs', 'analysis'],
  experiments: ['constructs', 'environments', 'analysis'],
  generators: ['constructs', 'environments', 'experiments', 'clients', 'analysis'],
  policies: ['constructs', 'analysis'],
  clients: ['analysis'],
  app: ['analysis', 'constructs', 'environments', 'experiments', 'generators', 'policies', 'clients'],
};

/** The TypeScript files of a layer: its sources, or the tests that sit beside them. */
export function sources(layer: Layer, which: 'sources' | 'tests' = 'sources'): string[] {
  const dir = join(ROOT, layer);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && f.endsWith('.test.ts') === (which === 'tests') && !f.includes('node_modules'))
    .map((f) => join(dir, f));
}

/** The module specifiers a file imports or re-exports, dynamic imports included. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1]!,
  );
}
