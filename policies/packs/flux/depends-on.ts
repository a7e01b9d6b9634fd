import { isRecord } from '../../collector-configs';
import type { Rule, RuleContext, RuleFinding, SourceDocument } from '../../types';
import { isFluxKustomization, specOf } from './flux-objects';

interface Dependency {
  readonly index: number;
  readonly name: string;
  readonly namespace?: string;
}

function dependenciesOf(doc: SourceDocument): Dependency[] {
  const dependsOn = specOf(doc).dependsOn;
  if (!Array.isArray(dependsOn)) return [];
  return dependsOn.flatMap((entry, index) =>
    isRecord(entry) && typeof entry.name === 'string'
      ? [{ index, name: entry.name, namespace: typeof entry.namespace === 'string' ? entry.namespace : doc.object.namespace }]
      : [],
  );
}

function keyOf(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

/** Finds a dependency path from `start` back to itself; the cycle's keys, or undefined. */
function cycleThrough(start: SourceDocument, ctx: RuleContext): string[] | undefined {
  const startKey = keyOf(start.object.namespace, start.object.name);
  const seen = new Set<string>();
  const search = (doc: SourceDocument, path: string[]): string[] | undefined => {
    for (const dependency of dependenciesOf(doc)) {
      const key = keyOf(dependency.namespace, dependency.name);
      if (key === startKey) return [...path, key];
      if (seen.has(key)) continue;
      seen.add(key);
      const next = ctx.find('Kustomization', dependency.name, dependency.namespace);
      const found = next && isFluxKustomization(next) ? search(next, [...path, key]) : undefined;
      if (found) return found;
    }
    return undefined;
  };
  return search(start, [startKey]);
}

/** dependsOn must name existing Kustomizations and never loop: a cycle blocks every member forever. */
export const dependsOnResolvable: Rule = {
  id: 'flux/depends-on',
  severity: 'error',
  description: "A Flux Kustomization's dependsOn names Kustomizations in the checked paths, without cycles.",
  kinds: ['Kustomization'],
  check(doc, ctx) {
    if (!isFluxKustomization(doc)) return [];
    const findings: RuleFinding[] = [];
    for (const dependency of dependenciesOf(doc)) {
      if (!ctx.find('Kustomization', dependency.name, dependency.namespace)) {
        findings.push({
          pointer: `/spec/dependsOn/${dependency.index}`,
          message: `dependsOn Kustomization ${keyOf(dependency.namespace, dependency.name)} is not among the checked objects`,
          fix: 'correct the name/namespace or add that Kustomization to the checked paths',
        });
      }
    }
    const cycle = cycleThrough(doc, ctx);
    if (cycle) {
      findings.push({
        pointer: '/spec/dependsOn',
        message: `dependsOn cycle: ${cycle.join(' → ')}; none of these Kustomizations will ever become ready`,
        fix: 'remove one dependsOn edge of the cycle',
      });
    }
    return findings;
  },
};
