import { isRecord } from '../../collector-configs';
import type { Rule } from '../../types';
import { isFluxKustomization, specOf } from './flux-objects';

/** A Kustomization whose source is missing never reconciles. */
export const sourceRefResolves: Rule = {
  id: 'flux/source-ref-resolves',
  severity: 'error',
  description: "A Flux Kustomization's sourceRef names a source (GitRepository, OCIRepository, Bucket) present in the checked paths.",
  kinds: ['Kustomization'],
  check(doc, ctx) {
    if (!isFluxKustomization(doc)) return [];
    const ref = specOf(doc).sourceRef;
    if (!isRecord(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return [];
    const namespace = typeof ref.namespace === 'string' ? ref.namespace : doc.object.namespace;
    if (ctx.find(ref.kind, ref.name, namespace)) return [];
    return [{
      pointer: '/spec/sourceRef/name',
      message: `sourceRef ${ref.kind} ${namespace ?? '(no namespace)'}/${ref.name} is not among the checked objects`,
      fix: `add the ${ref.kind} to the checked paths, or correct sourceRef name/namespace`,
    }];
  },
};
