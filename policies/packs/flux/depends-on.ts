import { isRecord } from '../../collector-configs';
import type { Rule, RuleContext, RuleFinding, SourceDocument } from '../../types';
import { isFluxKustomization, specOf } from './flux-objects';

interface Dependency {
  readonly index: number;
  readonly name: string;
  readonly namespace?: string;
}

const NO_DEPENDENCIES: Dependency[] = [];

function dependenciesOf(doc: SourceDocument): Dependency[] {
  const dependsOn = specOf(doc).dependsOn;
  if (!Array.isArray(dependsOn) || dependsOn.length === 0) return NO_DEPENDENCIES;
  const dependencies: Dependency[] = [];
  for (let index = 0; index < dependsOn.length; index++) {
    const entry: unknown = dependsOn[index];
    if (!isRecord(entry) || typeof entry.name !== 'string') continue;
    dependencies.push({ index, name: entry.name, namespace: typeof entry.namespace === 'string' ? entry.namespace : doc.object.namespace });
  }
  return dependencies;
}

function keyOf(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

interface RunGraph {
  /** Members of dependsOn cycles → the cycle's names. */
  readonly cycles: Map<SourceDocument, string[]>;
  /** Kustomizations whose dependsOn names objects not among the checked ones → those entries. */
  readonly missing: Map<SourceDocument, Dependency[]>;
}

const graphs = new WeakMap<RuleContext, RunGraph>();

/**
 * Members of dependsOn cycles, computed once per run in linear time. Only a Kustomization that has
 * a dependency and is itself depended on can be on a cycle, so the graph is cut down to those
 * (usually a handful, whatever the number of Kustomizations); then every node that cannot reach a
 * cycle is peeled off (repeatedly drop nodes without remaining dependencies), and Tarjan's strongly
 * connected components run on what is left (usually nothing).
 */
function graphOf(ctx: RuleContext): RunGraph {
  let graph = graphs.get(ctx);
  if (graph) return graph;
  graph = { cycles: new Map(), missing: new Map() };
  graphs.set(ctx, graph);
  const withDependencies: SourceDocument[] = [];
  const targetsOf: SourceDocument[][] = [];
  const depended = new Set<SourceDocument>();
  for (const doc of ctx.ofKind('Kustomization')) {
    if (!isFluxKustomization(doc)) continue;
    const dependencies = dependenciesOf(doc);
    if (dependencies.length === 0) continue;
    const targets: SourceDocument[] = [];
    for (const dependency of dependencies) {
      const target = ctx.find('Kustomization', dependency.name, dependency.namespace);
      if (!target) {
        const missing = graph.missing.get(doc);
        if (missing) missing.push(dependency);
        else graph.missing.set(doc, [dependency]);
      } else if (isFluxKustomization(target)) {
        targets.push(target);
        depended.add(target);
      }
    }
    if (targets.length === 0) continue;
    withDependencies.push(doc);
    targetsOf.push(targets);
  }
  const nodes: SourceDocument[] = [];
  const nodeTargets: SourceDocument[][] = [];
  withDependencies.forEach((doc, index) => {
    if (!depended.has(doc)) return;
    nodes.push(doc);
    nodeTargets.push(targetsOf[index]!);
  });
  if (nodes.length === 0) return graph;
  const id = new Map<SourceDocument, number>();
  for (let index = 0; index < nodes.length; index++) id.set(nodes[index]!, index);
  const out: number[][] = nodeTargets.map((targets) => targets.map((target) => id.get(target)).filter((target): target is number => target !== undefined));
  const remaining = peelAcyclic(out);
  if (remaining.length === 0) return graph;
  for (const component of stronglyConnected(remaining, out)) {
    const selfLoop = component.length === 1 && out[component[0]].includes(component[0]);
    if (component.length < 2 && !selfLoop) continue;
    const names = component.map((index) => keyOf(nodes[index].object.namespace, nodes[index].object.name));
    for (const index of component) graph.cycles.set(nodes[index], names);
  }
  return graph;
}

/** Nodes that still have dependencies after repeatedly removing nodes without any (Kahn's peel). */
function peelAcyclic(out: readonly number[][]): number[] {
  const count = out.length;
  const pending = new Int32Array(count);
  const dependents: number[][] = new Array(count);
  for (let node = 0; node < count; node++) dependents[node] = [];
  const queue: number[] = [];
  for (let node = 0; node < count; node++) {
    pending[node] = out[node].length;
    for (const target of out[node]) dependents[target].push(node);
    if (pending[node] === 0) queue.push(node);
  }
  for (let at = 0; at < queue.length; at++) {
    for (const dependent of dependents[queue[at]]) if (--pending[dependent] === 0) queue.push(dependent);
  }
  const remaining: number[] = [];
  for (let node = 0; node < count; node++) if (pending[node] > 0) remaining.push(node);
  return remaining;
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
  reads: { Kustomization: ['spec.dependsOn'] },
  check(doc, ctx) {
    if (!isFluxKustomization(doc)) return [];
    const graph = graphOf(ctx);
    const findings: RuleFinding[] = [];
    for (const dependency of graph.missing.get(doc) ?? NO_DEPENDENCIES) {
      findings.push({
        pointer: `/spec/dependsOn/${dependency.index}`,
        message: `dependsOn Kustomization ${keyOf(dependency.namespace, dependency.name)} is not among the checked objects`,
        fix: 'correct the name/namespace or add that Kustomization to the checked paths',
      });
    }
    const cycle = graph.cycles.get(doc);
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
