import type { RuleFinding } from '../../types';
import { attributeOperations } from './attribute-operations';
import { collectorRule, pipelinesOf } from './config-view';

/**
 * Dropping a data point attribute without aggregating afterwards turns distinct series into duplicates
 * with the same labels: the backend sees conflicting samples instead of a sum.
 */
export const attributeDropWithoutAggregation = collectorRule({
  id: 'collector/attribute-drop-merges-series',
  severity: 'warning',
  reads: 'document',
  description: 'Metric pipelines that drop data point attributes aggregate afterwards, or series that differed only in them collide.',
  check: (source) =>
    pipelinesOf(source)
      .filter((pipeline) => pipeline.signal === 'metrics')
      .flatMap((pipeline): RuleFinding[] => {
        const operations = pipeline.processors.map((id) => attributeOperations(source.config, id));
        return pipeline.processors.flatMap((id, index): RuleFinding[] => {
          const { drops } = operations[index];
          if (drops.length === 0 || operations.slice(index).some((later) => later.aggregates)) return [];
          return [
            {
              pointer: `${pipeline.pointer}/processors/${index}`,
              message: `processor '${id}' drops data point attributes (${drops.join('; ')}) in pipeline '${pipeline.id}' without aggregating afterwards: series that differed only in them collide`,
              fix: 'aggregate after the drop (transform aggregate_on_attributes, or metricstransform aggregate_labels), or drop the whole metric instead',
            },
          ];
        });
      }),
});
