import { isRecord } from '../../collector-configs';
import type { Rule } from '../../types';
import { isFluxKustomization, specOf } from './flux-objects';
import { resolveRepositoryPath } from './repository-path';

/** A Kustomization pointing at a missing folder fails to build on every reconcile. */
export const pathExists: Rule = {
  id: 'flux/path-exists',
  severity: 'error',
  reads: 'document',
  description: "A Flux Kustomization's path (from a GitRepository source) exists in the repository, inside it.",
  kinds: ['Kustomization'],
  check(doc, ctx) {
    if (!isFluxKustomization(doc)) return [];
    const spec = specOf(doc);
    const ref = isRecord(spec.sourceRef) ? spec.sourceRef : {};
    if (typeof spec.path !== 'string') return [];
    const resolved = resolveRepositoryPath(spec.path);
    if ('outside' in resolved) {
      return [
        {
          pointer: '/spec/path',
          message: `path '${spec.path}' resolves outside the repository: it ${resolved.outside}`,
          fix: 'write spec.path relative to the repository root, inside it (for example ./gitops/clusters/prod)',
        },
      ];
    }
    // Other sources (OCI artifacts, buckets) hold their own tree: only its escapes are checked.
    if ((ref.kind !== undefined && ref.kind !== 'GitRepository') || ctx.pathExists(resolved.relative)) return [];
    return [
      {
        pointer: '/spec/path',
        message: `path '${spec.path}' does not exist in the repository`,
        fix: 'correct spec.path (relative to the repository root), or generate the folder it names',
      },
    ];
  },
};
