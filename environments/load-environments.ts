import fs from 'node:fs';
import path from 'node:path';
import type { EnvironmentSpec } from './environment';
import { EnvironmentError, environmentProblems } from './validate-environment';
import { loadModule } from './load-module';

/**
 * The folder of the config repository's environments: `environments/` in the current folder (the
 * repository root, where `phoenix` runs), also when Phoenix is installed as a package.
 */
export function defaultEnvironmentsDir(): string {
  return path.resolve('environments');
}

const NOT_ENVIRONMENTS = /(^index|^environment|^load-environments|^load-module|^validate-environment|\.test|\.d)\.ts$/;

/**
 * Loads every environment of `dir`: each `<name>.ts` that default-exports an `EnvironmentSpec`
 * (modules without a default export, like `shared.ts`, are helpers and skipped).
 * Validates all of them and reports every problem at once; names and promotion orders must be
 * unique. Returns the environments in promotion order. Adding an environment is one file.
 * Needs the TypeScript loader (tsx) when `dir` holds `.ts` files.
 */
export function loadEnvironments(dir: string = defaultEnvironmentsDir()): EnvironmentSpec[] {
  let entries: string[];
  try {
    entries = fs
      .readdirSync(dir)
      .filter((file) => /\.(ts|js)$/.test(file) && !NOT_ENVIRONMENTS.test(file))
      .sort();
  } catch (error) {
    throw new EnvironmentError(
      `cannot read the environments folder ${dir}: ${(error as Error).message} (run phoenix in the config repository's root, or 'phoenix init' to create one)`,
    );
  }
  const problems: string[] = [];
  const found: Array<{ spec: EnvironmentSpec; file: string }> = [];
  for (const entry of entries) {
    const file = path.join(dir, entry);
    const value = requireDefault(file);
    if (value === undefined) continue;
    const own = environmentProblems(value, file);
    if (own.length > 0) problems.push(...own);
    else found.push({ spec: value as EnvironmentSpec, file });
  }
  for (const [key, label] of [
    ['name', 'name'],
    ['promotionOrder', 'promotion order'],
  ] as const) {
    const seen = new Map<unknown, string>();
    for (const { spec, file } of found) {
      const other = seen.get(spec[key]);
      if (other) problems.push(`${file}: ${label} ${JSON.stringify(spec[key])} is already used by ${other}; each environment needs its own`);
      else seen.set(spec[key], file);
    }
  }
  if (problems.length > 0) throw new EnvironmentError(problems.join('\n'));
  if (found.length === 0) throw new EnvironmentError(`no environment found in ${dir}: add a file that default-exports an EnvironmentSpec`);
  return found.map(({ spec }) => spec).sort((a, b) => a.promotionOrder - b.promotionOrder);
}

/**
 * Picks the named environments, in promotion order; an unknown name is an error (exit 2)
 * that lists the known ones.
 */
export function selectEnvironments(all: readonly EnvironmentSpec[], names: readonly string[] | undefined): EnvironmentSpec[] {
  if (!names || names.length === 0) return [...all];
  const known = new Set(all.map((env) => env.name));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new EnvironmentError(`unknown environment ${unknown.map((n) => `'${n}'`).join(', ')}: known environments are ${[...known].join(', ')}`);
  }
  return all.filter((env) => names.includes(env.name));
}

function requireDefault(file: string): unknown {
  try {
    const mod = loadModule(file);
    return mod && typeof mod === 'object' && 'default' in mod ? mod.default : undefined;
  } catch (error) {
    throw new EnvironmentError(`${file}: cannot load the environment: ${(error as Error).message.split('\n')[0]}`);
  }
}
