import { isRecord } from '../../collector-configs';
import type { Rule, RuleContext } from '../../types';
import { isFluxKustomization, specOf } from './flux-objects';

/** A Kustomization whose source is missing never reconciles. */
export const sourceRefResolves: Rule = {
  id: 'flux/source-ref-resolves',
  severity: 'error',
  description:
    "A Flux Kustomization's sourceRef names a source (GitRepository, OCIRepository, Bucket, ExternalArtifact or an ArtifactGenerator's artifact) present in the checked paths, or the cluster's bootstrap source flux-system/flux-system.",
  kinds: ['Kustomization'],
  reads: { Kustomization: ['spec.sourceRef'], ArtifactGenerator: ['spec.artifacts'] },
  check(doc, ctx) {
    if (!isFluxKustomization(doc)) return [];
    const ref = specOf(doc).sourceRef;
    if (!isRecord(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return [];
    const namespace = typeof ref.namespace === 'string' ? ref.namespace : doc.object.namespace;
    if (ctx.find(ref.kind, ref.name, namespace)) return [];
    if (isBootstrapSource(ref.kind, ref.name, namespace)) return [];
    if (ref.kind === 'ExternalArtifact' && generatedArtifact(ctx, ref.name, namespace)) return [];
    return [
      {
        pointer: '/spec/sourceRef/name',
        message: `sourceRef ${ref.kind} ${namespace ?? '(no namespace)'}/${ref.name} is not among the checked objects`,
        fix: `add the ${ref.kind} to the checked paths, or correct sourceRef name/namespace`,
      },
    ];
  },
};

/**
 * The source `flux bootstrap` creates in every cluster (`GitRepository` or, with `flux bootstrap`
 * from an OCI artifact, `OCIRepository` `flux-system/flux-system`), written to
 * `clusters/<name>/flux-system/gotk-sync.yaml` only when the cluster is bootstrapped: repositories
 * published before that (fluxcd/flux2-multi-tenancy) hold a comment there, and their
 * Kustomizations still name it (ADR 0190).
 */
export function isBootstrapSource(kind: string, name: string, namespace: string | undefined): boolean {
  return (kind === 'GitRepository' || kind === 'OCIRepository') && name === 'flux-system' && namespace === 'flux-system';
}

/**
 * True when an ArtifactGenerator (Flux source-watcher) in `namespace` produces the ExternalArtifact
 * `name`: the generator creates one ExternalArtifact per `spec.artifacts[].name`, in its own namespace.
 */
function generatedArtifact(ctx: RuleContext, name: string, namespace: string | undefined): boolean {
  return ctx.ofKind('ArtifactGenerator').some((generator) => {
    if (!generator.object.apiVersion?.startsWith('source.extensions.fluxcd.io/') || (generator.object.namespace ?? undefined) !== namespace) return false;
    const artifacts = isRecord(generator.value.spec) ? generator.value.spec.artifacts : undefined;
    return Array.isArray(artifacts) && artifacts.some((artifact) => isRecord(artifact) && artifact.name === name);
  });
}
