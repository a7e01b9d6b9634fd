import { join } from 'node:path';
import { CollectorPipeline, Processor } from '../constructs/collector';
import { defineExperiment } from '../constructs/experiment/definition';
import { Experiment } from '../constructs/experiment/experiment';

/**
 * The payments services export the full Go runtime instrumentation; no dashboard or rule
 * reads the garbage-collector and heap internals. Drop them (a filter merges nothing, so any
 * replica count stays correct); a second candidate drops the whole runtime family, which the
 * goroutine guardrail is there to stop.
 */
export default defineExperiment({
  name: 'unused-runtime-metrics',
  build(scope, target) {
    new Experiment(scope, 'unused-runtime-metrics', {
      baseline: CollectorPipeline.fromYaml(join(__dirname, 'baselines', 'payments-otlp.yaml')),
      scope: [/process\.runtime\.go\..*/],
      knownMetrics: [
        'process.runtime.go.goroutines',
        'process.runtime.go.gc.count',
        'process.runtime.go.gc.pause_ns',
        'process.runtime.go.mem.heap_alloc',
        'process.runtime.go.mem.heap_objects',
        'http.server.request.duration',
      ],
      candidates: [
        {
          name: 'drop-gc-heap',
          description: 'drop GC and heap internals, keep goroutines',
          processors: [Processor.filterMetrics({ name: 'drop-gc-heap', dropRegexes: ['^process\\.runtime\\.go\\.(gc|mem)\\..*$'] })],
        },
        {
          name: 'drop-all',
          description: 'drop the whole Go runtime family',
          processors: [Processor.filterMetrics({ name: 'drop-all', dropRegexes: ['^process\\.runtime\\.go\\..*$'] })],
        },
      ],
      guardrails: {
        queries: [
          { name: 'goroutines per service', expr: 'sum by (job) (process_runtime_go_goroutines)' },
          { name: 'goroutine leak alert input', expr: 'max_over_time(process_runtime_go_goroutines[30m]) > 10000' },
        ],
        minSavingsPercent: 5,
      },
      target,
    });
  },
});
