import { collectorRule, componentType, idsOf } from './config-view';

const HEALTH_EXTENSIONS = new Set(['health_check', 'healthcheckv2']);

/** Without health_check, Kubernetes probes have nothing to ask and a wedged collector keeps running. */
export const healthCheckPresent = collectorRule({
  id: 'collector/health-check',
  severity: 'warning',
  reads: 'document',
  description: 'The health_check extension is enabled, so liveness and readiness probes can see a wedged collector.',
  check: (source) => {
    const service = (source.config.service ?? {}) as Record<string, unknown>;
    if (idsOf(service.extensions).some((id) => HEALTH_EXTENSIONS.has(componentType(id)))) return [];
    return [
      {
        pointer: `${source.pointer}/service`,
        message: 'the health_check extension is not enabled',
        fix: 'define extensions.health_check and list it in service.extensions',
      },
    ];
  },
});
