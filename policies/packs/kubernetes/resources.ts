import { runTable, type TableRow } from '../../rule-table';
import type { Rule } from '../../types';
import { containersOf, field, WORKLOAD_KINDS, type ContainerView } from './containers';

const REQUIRED: ReadonlyArray<readonly [string, string]> = [
  ['requests', 'cpu'],
  ['requests', 'memory'],
  ['limits', 'memory'],
];

const rows: TableRow<ContainerView>[] = REQUIRED.map(([section, resource]) => ({
  when: (view) => field(view.container, 'resources', section, resource) === undefined,
  pointer: (view) =>
    field(view.container, 'resources', section) !== undefined
      ? `${view.pointer}/resources/${section}`
      : field(view.container, 'resources') !== undefined
        ? `${view.pointer}/resources`
        : view.pointer,
  message: (view) => `container '${view.name}' sets no ${resource} ${section.slice(0, -1)}`,
  fix: `set resources.${section}.${resource}`,
}));

/** Requests let the scheduler place pods; a memory limit stops one collector from starving a node. */
export const resourcesSet: Rule = {
  id: 'kubernetes/resources',
  severity: 'warning',
  reads: 'document',
  description: 'Containers set CPU and memory requests and a memory limit (CPU limits are left out on purpose: they throttle).',
  kinds: WORKLOAD_KINDS,
  check: (doc) => runTable(rows, containersOf(doc)),
};
