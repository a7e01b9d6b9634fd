import type { Rule, RuleFinding } from '../../types';
import { containersOf, field, podSpecOf, WORKLOAD_KINDS } from './containers';

function nonRoot(securityContext: unknown): boolean | undefined {
  if (field(securityContext, 'runAsNonRoot') === true) return true;
  const user = field(securityContext, 'runAsUser');
  if (typeof user === 'number') return user > 0;
  if (field(securityContext, 'runAsNonRoot') === false) return false;
  return undefined;
}

/** A container escape from root is a node compromise; collectors need no root. */
export const runAsNonRoot: Rule = {
  id: 'kubernetes/run-as-non-root',
  severity: 'warning',
  reads: 'document',
  description: 'Containers run as a non-root user (runAsNonRoot: true or a non-zero runAsUser, on the pod or the container).',
  kinds: WORKLOAD_KINDS,
  check(doc) {
    const pod = podSpecOf(doc);
    if (!pod) return [];
    const podLevel = nonRoot(pod.spec.securityContext);
    const findings: RuleFinding[] = [];
    for (const view of containersOf(doc)) {
      const containerLevel = nonRoot(view.container.securityContext);
      if ((containerLevel ?? podLevel) === true) continue;
      findings.push({
        pointer: view.container.securityContext !== undefined ? `${view.pointer}/securityContext` : view.pointer,
        message: `container '${view.name}' may run as root`,
        fix: 'set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser',
      });
    }
    return findings;
  },
};
