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

const cyclesByRun = new WeakMap<RuleContext, Map<SourceDocument, string[]>>();

/**
 * Members of dependsOn cycles, computed once per run over every Kustomization in linear time: first peel
 * off every node that cannot reach a cycle (repeatedly drop nodes without remaining dependencies), then
 * run Tarjan's strongly connected components (iteratively) on whatever is left, which is usually nothing.
 */
function cyclesOf(ctx: RuleContext): Map<SourceDocument, string[]> {
  let cycles = cyclesByRun.get(ctx);
  if (cycles) return cycles;
  cycles = new Map();
  cyclesByRun.set(ctx, cycles);
  const nodes = ctx.ofKind('Kustomization').filter(isFluxKustomization);
  const id = new Map<SourceDocument, number>();
  nodes.forEach((node, index) => id.set(node, index));
  const out: number[][] = nodes.map((node) =>
    dependenciesOf(node).flatMap((dependency) => {
      const target = ctx.find('Kustomization', dependency.name, dependency.namespace);
      const targetId = target ? id.get(target) : undefined;
      return targetId === undefined ? [] : [targetId];
    }),
  );
  const remaining = peelAcyclic(out);
  if (remaining.length === 0) return cycles;
  for (const component of stronglyConnected(remaining, out)) {
    const selfLoop = component.length === 1 && out[component[0]].includes(component[0]);
    if (component.length < 2 && !selfLoop) continue;
    const names = component.map((index) => keyOf(nodes[index].object.namespace, nodes[index].object.name));
    for (const index of component) cycles.set(nodes[index], names);
  }
  return cycles;
}

/** Nodes that still have dependencies after repeatedly removing nodes without any (Kahn's peel). */
function peelAcyclic(out: readonly number[][]): number[] {
  const pending = out.map((targets) => targets.length);
  const dependents: number[][] = out.map(() => []);
  out.forEach((targets, from) => targets.forEach((to) => dependents[to].push(from)));
  const queue = pending.flatMap((count, node) => (count === 0 ? [node] : []));
  for (let at = 0; at < queue.length; at++) {
    for (const dependent of dependents[queue[at]]) if (--pending[dependent] === 0) queue.push(dependent);
  }
  return pending.flatMap((count, node) => (count > 0 ? [node] : []));
}

/** Tarjan's strongly connected components over the given nodes, iterative. */
function stronglyConnected(roots: readonly number[], out: readonly number[][]): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  const open = (node: number) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
  };
  for (const root of roots) {
    if (index.has(root)) continue;
    open(root);
    const work: Array<{ node: number; next: number }> = [{ node: root, next: 0 }];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = out[frame.node];
      if (frame.next < targets.length) {
        const target = targets[frame.next++];
        if (!index.has(target)) {
          open(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      components.push(component.reverse());
    }
  }
  return components;
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
    const cycle = cyclesOf(ctx).get(doc);
    if (cycle) {
      findings.push({
        pointer: '/spec/dependsOn',
        message: `dependsOn cycle: ${[...cycle, cycle[0]].join(' → ')}; none of these Kustomizations will ever become ready`,
        fix: 'remove one dependsOn edge of the cycle',
      });
    }
    return findings;
  },
};
