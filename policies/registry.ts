import type { Rule, RulePack } from './types';

const packs = new Map<string, RulePack>();

/**
 * Adds a rule pack to every later check run (built-in packs register themselves from `packs/index.ts`;
 * others call this once at import). Rule ids must be unique across packs.
 */
export function registerPack(pack: RulePack): void {
  if (packs.has(pack.name)) throw new Error(`rule pack '${pack.name}' is already registered`);
  const known = new Set(allRules().map((rule) => rule.id));
  for (const rule of pack.rules) {
    if (known.has(rule.id)) throw new Error(`rule '${rule.id}' of pack '${pack.name}' is already registered by another pack`);
    known.add(rule.id);
  }
  packs.set(pack.name, pack);
}

/** The registered packs, in registration order. */
export function registeredPacks(): readonly RulePack[] {
  return [...packs.values()];
}

/** Every rule of every registered pack. */
export function allRules(): readonly Rule[] {
  return registeredPacks().flatMap((pack) => pack.rules);
}
