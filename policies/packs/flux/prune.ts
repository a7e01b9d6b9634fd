import type { Rule } from '../../types';
import { isFluxKustomization, specOf } from './flux-objects';

/** Without prune, objects removed from git stay in the cluster: rollbacks leave the candidate running. */
export const pruneEnabled: Rule = {
  id: 'flux/prune',
  severity: 'warning',
  reads: 'document',
  description: 'Flux Kustomizations set prune: true, so objects removed from git are removed from the cluster.',
  kinds: ['Kustomization'],
  check(doc) {
    if (!isFluxKustomization(doc) || specOf(doc).prune === true) return [];
    const present = 'prune' in specOf(doc);
    return [
      {
        pointer: present ? '/spec/prune' : '/spec',
        message: present ? 'prune is not true: objects removed from git stay in the cluster' : 'prune is not set: objects removed from git stay in the cluster',
        fix: 'set spec.prune: true',
      },
    ];
  },
};
