import type { Rule } from '../../types';

const ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';

/**
 * Flux post-build substitution rewrites `${…}`, which collector configs use for their own
 * `${env:VAR}` expansion: objects holding collector configs opt out.
 */
export const substitutionDisabled: Rule = {
  id: 'flux/substitution-disabled',
  severity: 'error',
  reads: 'document',
  description: `Objects holding collector configs carry ${ANNOTATION}: disabled, so Flux never rewrites the collector's \${env:…} references.`,
  kinds: ['ConfigMap', 'OpenTelemetryCollector'],
  check(doc, ctx) {
    const configs = ctx.collectorConfigs(doc);
    if (configs.length === 0) return [];
    const annotations = (doc.value.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
    if (annotations?.[ANNOTATION] === 'disabled') return [];
    const usesExpansion = configs.some((source) => JSON.stringify(source.config).includes('${'));
    return [
      {
        pointer: annotations ? '/metadata/annotations' : '/metadata',
        message: usesExpansion
          ? `holds a collector config with \${…} references that Flux substitution would rewrite, and lacks ${ANNOTATION}: disabled`
          : `holds a collector config and lacks ${ANNOTATION}: disabled`,
        fix: `add the annotation ${ANNOTATION}: disabled`,
        severity: usesExpansion ? 'error' : 'warning',
      },
    ];
  },
};
