import { registerPack } from '../registry';
import { collectorPack } from './collector';
import { fluxPack } from './flux';
import { guardrailsPack } from './guardrails';
import { kubernetesPack } from './kubernetes';
import { schemaPack } from './schema';

let registered = false;

/** Registers the built-in packs once (schema, collector, flux, kubernetes). */
export function registerBuiltinPacks(): void {
  if (registered) return;
  registered = true;
  for (const pack of [schemaPack, collectorPack, fluxPack, kubernetesPack, guardrailsPack]) registerPack(pack);
}

export { collectorPack, fluxPack, guardrailsPack, kubernetesPack, schemaPack };
