import { pointerOf } from '../../rule-table';
import type { RuleFinding } from '../../types';
import { collectorRule, idsOf, pipelinesOf, sectionOf } from './config-view';

/** Components defined but never used: dead configuration that reviewers misread as active. */
export const unusedComponents = collectorRule({
  id: 'collector/unused-components',
  severity: 'warning',
  reads: 'document',
  description: 'Every defined component is used by a pipeline (extensions: enabled in service.extensions).',
  check: (source) => {
    const used = new Set<string>();
    for (const pipeline of pipelinesOf(source)) {
      for (const id of [...pipeline.receivers, ...pipeline.processors, ...pipeline.exporters]) used.add(id);
    }
    const service = (source.config.service ?? {}) as Record<string, unknown>;
    const enabledExtensions = new Set(idsOf(service.extensions));
    const findings: RuleFinding[] = [];
    for (const section of ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const) {
      for (const id of Object.keys(sectionOf(source.config, section))) {
        const isUsed = section === 'extensions' ? enabledExtensions.has(id) : used.has(id);
        if (!isUsed) {
          findings.push({
            pointer: source.pointer + pointerOf(section, id),
            message:
              section === 'extensions'
                ? `extension '${id}' is defined but not enabled in service.extensions`
                : `${section.slice(0, -1)} '${id}' is defined but no pipeline uses it`,
            fix: section === 'extensions' ? `add '${id}' to service.extensions or remove it` : `add '${id}' to a pipeline or remove it`,
          });
        }
      }
    }
    return findings;
  },
});
