import { isRecord } from '../../collector-configs';
import type { Rule } from '../../types';
import { isFluxKustomization, specOf } from './flux-objects';

/** A Kustomization pointing at a missing folder fails to build on every reconcile. */
export const pathExists: Rule = {
  id: 'flux/path-exists',
  severity: 'error',
  description: "A Flux Kustomization's path (from a GitRepository source) exists in the repository.",
  kinds: ['Kustomization'],
  check(doc, ctx) {
    if (!isFluxKustomization(doc)) return [];
    const spec = specOf(doc);
    const ref = isRecord(spec.sourceRef) ? spec.sourceRef : {};
    if (typeof spec.path !== 'string' || (ref.kind !== undefined && ref.kind !== 'GitRepository')) return [];
    const relative = spec.path.startsWith('./') ? spec.path.slice(2) : spec.path.startsWith('/') ? spec.path.slice(1) : spec.path;
    if (ctx.pathExists(relative || '.')) return [];
    return [{
      pointer: '/spec/path',
      message: `path '${spec.path}' does not exist in the repository`,
      fix: 'correct spec.path (relative to the repository root), or generate the folder it names',
    }];
  },
};
