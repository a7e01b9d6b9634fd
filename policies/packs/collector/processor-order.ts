import type { RuleFinding } from '../../types';
import { collectorRule, pipelinesOf, processorType } from './config-view';

/** `memory_limiter` must be the first processor, so it refuses data before anything else buffers it. */
export const memoryLimiterFirst = collectorRule({
  id: 'collector/memory-limiter-first',
  severity: 'warning',
  reads: 'document',
  description: 'Each pipeline starts with a memory_limiter processor, so an overloaded collector refuses data instead of crashing.',
  check: (source) =>
    pipelinesOf(source).flatMap((pipeline): RuleFinding[] => {
      const at = pipeline.processors.findIndex((id) => processorType(id) === 'memory_limiter');
      if (at === 0) return [];
      if (at < 0) {
        return [
          {
            pointer: pipeline.pointer,
            message: `pipeline '${pipeline.id}' has no memory_limiter processor`,
            fix: 'add a memory_limiter processor as the first processor of the pipeline',
          },
        ];
      }
      return [
        {
          pointer: `${pipeline.pointer}/processors/${at}`,
          message: `memory_limiter is processor ${at + 1} of pipeline '${pipeline.id}'; it must come first`,
          fix: 'move memory_limiter to the start of the processors list',
        },
      ];
    }),
});

/** `batch` must be the last processor, so everything before it works point by point and exports are batched. */
export const batchLast = collectorRule({
  id: 'collector/batch-last',
  severity: 'warning',
  reads: 'document',
  description: 'The batch processor comes last in each pipeline, after every processor that filters or rewrites data.',
  check: (source) =>
    pipelinesOf(source).flatMap((pipeline): RuleFinding[] => {
      const at = pipeline.processors.findIndex((id) => processorType(id) === 'batch');
      if (at < 0) {
        return [
          {
            pointer: pipeline.pointer,
            message: `pipeline '${pipeline.id}' has no batch processor`,
            fix: 'add a batch processor as the last processor',
            severity: 'info',
          },
        ];
      }
      if (at === pipeline.processors.length - 1) return [];
      return [
        {
          pointer: `${pipeline.pointer}/processors/${at}`,
          message: `batch is processor ${at + 1} of ${pipeline.processors.length} in pipeline '${pipeline.id}'; it must come last`,
          fix: 'move batch to the end of the processors list',
        },
      ];
    }),
});
