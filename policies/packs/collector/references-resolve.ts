import { pointerOf } from '../../rule-table';
import type { RuleFinding } from '../../types';
import { collectorRule, idsOf, pipelinesOf, sectionOf } from './config-view';

/** Every component a pipeline or the service names is defined. */
export const referencesResolve = collectorRule({
  id: 'collector/references-resolve',
  severity: 'error',
  reads: 'document',
  description: 'Every receiver, processor, exporter, connector and extension the service names is defined in its section.',
  check: (source) => {
    const findings: RuleFinding[] = [];
    const defined = (section: 'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions', id: string) => id in sectionOf(source.config, section);
    const connector = (id: string) => defined('connectors', id);
    const roles = [
      { field: 'receivers', resolves: (id: string) => defined('receivers', id) || connector(id), section: 'receivers (or connectors)' },
      { field: 'processors', resolves: (id: string) => defined('processors', id), section: 'processors' },
      { field: 'exporters', resolves: (id: string) => defined('exporters', id) || connector(id), section: 'exporters (or connectors)' },
    ] as const;
    for (const pipeline of pipelinesOf(source)) {
      for (const role of roles) {
        pipeline[role.field].forEach((id, index) => {
          if (!role.resolves(id)) {
            findings.push({
              pointer: `${pipeline.pointer}/${role.field}/${index}`,
              message: `pipeline '${pipeline.id}' names ${role.field.slice(0, -1)} '${id}', which is not defined under ${role.section}`,
              fix: `define '${id}' under ${role.field} or remove it from the pipeline`,
            });
          }
        });
      }
    }
    const service = (source.config.service ?? {}) as Record<string, unknown>;
    idsOf(service.extensions).forEach((id, index) => {
      if (!defined('extensions', id)) {
        findings.push({
          pointer: source.pointer + pointerOf('service', 'extensions', index),
          message: `service enables extension '${id}', which is not defined under extensions`,
          fix: `define '${id}' under extensions or remove it from service.extensions`,
        });
      }
    });
    return findings;
  },
});
