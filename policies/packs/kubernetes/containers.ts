import { isRecord } from '../../collector-configs';
import { pointerOf } from '../../rule-table';
import type { SourceDocument } from '../../types';

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: ReadonlyMap<string, readonly string[]> = new Map([
  ['Pod', ['spec']],
  ['Deployment', ['spec', 'template', 'spec']],
  ['StatefulSet', ['spec', 'template', 'spec']],
  ['DaemonSet', ['spec', 'template', 'spec']],
  ['ReplicaSet', ['spec', 'template', 'spec']],
  ['Job', ['spec', 'template', 'spec']],
  ['CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
]);

/** Kinds that run pods. */
export const WORKLOAD_KINDS = [...POD_SPEC_PATHS.keys()];
/** Kinds whose pods run to completion (no probes expected). */
export const BATCH_KINDS = new Set(['Job', 'CronJob']);

/** A pod spec inside a workload, with its pointer. */
export interface PodSpecView {
  readonly spec: Record<string, unknown>;
  readonly pointer: string;
}

/** A container of a workload, with its pointer and whether it is an init container. */
export interface ContainerView {
  readonly doc: SourceDocument;
  readonly pod: PodSpecView;
  readonly container: Record<string, unknown>;
  readonly name: string;
  readonly pointer: string;
  readonly init: boolean;
}

/** The pod spec of a workload, or undefined for other kinds. */
export function podSpecOf(doc: SourceDocument): PodSpecView | undefined {
  const path = POD_SPEC_PATHS.get(doc.object.kind ?? '');
  if (!path) return undefined;
  let node: unknown = doc.value;
  for (const segment of path) node = isRecord(node) ? node[segment] : undefined;
  return isRecord(node) ? { spec: node, pointer: pointerOf(...path) } : undefined;
}

/** Every container and init container of a workload. */
export function containersOf(doc: SourceDocument): ContainerView[] {
  const pod = podSpecOf(doc);
  if (!pod) return [];
  const views: ContainerView[] = [];
  for (const field of ['initContainers', 'containers'] as const) {
    const list = pod.spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container, index) => {
      if (!isRecord(container)) return;
      views.push({
        doc,
        pod,
        container,
        name: typeof container.name === 'string' ? container.name : `#${index}`,
        pointer: `${pod.pointer}/${field}/${index}`,
        init: field === 'initContainers',
      });
    });
  }
  return views;
}

/** Reads a nested field (`field(container, 'resources', 'limits', 'memory')`). */
export function field(node: unknown, ...path: string[]): unknown {
  let value = node;
  for (const segment of path) value = isRecord(value) ? value[segment] : undefined;
  return value;
}
