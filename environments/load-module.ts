/**
 * Loads a TypeScript (or JavaScript) module of the config repo by path — an environment or an
 * experiment — and returns its exports. Registers tsx's CommonJS loader once when `.ts`
 * files cannot be required yet (under bin/phoenix and `tsx` they already can).
 */
export function loadModule(file: string): Record<string, unknown> {
  if (!require.extensions['.ts']) require('tsx/cjs/api').register();
  return require(file) as Record<string, unknown>;
}
