import { looksLikeCollectorConfig } from '../../collector-configs';
import { schemaFor } from '../../schemas/schema-for';
import type { Rule } from '../../types';

/** Kinds without a schema here are reported once per document, so nothing passes unchecked silently. */
export const unknownKind: Rule = {
  id: 'schema/unknown-kind',
  severity: 'warning',
  reads: 'document',
  description: 'Documents whose kind has no schema here are not validated; say so instead of passing them silently.',
  check(doc) {
    const { apiVersion, kind } = doc.object;
    if (apiVersion === undefined || kind === undefined) {
      if (looksLikeCollectorConfig(doc.value)) return [];
      return [
        {
          pointer: '',
          message: 'document is neither a Kubernetes object (apiVersion and kind) nor a collector config',
          fix: 'add apiVersion and kind, or leave this file out of the checked paths',
        },
      ];
    }
    if (schemaFor(apiVersion, kind) || isKustomizeBuildFile(apiVersion)) return [];
    return [
      {
        pointer: '/kind',
        message: `no schema for ${kind} ${apiVersion}: only the generic rules apply`,
        fix: 'check apiVersion and kind for typos; custom resources outside Flux and the OpenTelemetry operator are not validated',
      },
    ];
  },
};

/** kustomize's own `kustomization.yaml` (and components): build instructions, never applied to a cluster. */
function isKustomizeBuildFile(apiVersion: string): boolean {
  return apiVersion.startsWith('kustomize.config.k8s.io/');
}
