import { runTable, type TableRow } from '../../rule-table';
import type { Rule } from '../../types';
import { BATCH_KINDS, containersOf, WORKLOAD_KINDS, type ContainerView } from './containers';

const rows: TableRow<ContainerView>[] = (['readinessProbe', 'livenessProbe'] as const).map((probe) => ({
  when: (view) => view.container[probe] === undefined,
  pointer: (view) => view.pointer,
  message: (view) => `container '${view.name}' has no ${probe}`,
  fix: `add a ${probe} (for a collector: httpGet on the health_check extension, port 13133)`,
}));

/** Without probes, a wedged collector keeps its endpoint and silently drops data. */
export const probesSet: Rule = {
  id: 'kubernetes/probes',
  severity: 'warning',
  reads: 'document',
  description: 'Long-running containers declare readiness and liveness probes.',
  kinds: WORKLOAD_KINDS.filter((kind) => !BATCH_KINDS.has(kind)),
  check: (doc) =>
    runTable(
      rows,
      containersOf(doc).filter((view) => !view.init),
    ),
};
