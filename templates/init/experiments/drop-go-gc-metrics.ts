import { join } from 'node:path';
import { CollectorPipeline, Experiment, Processor, defineExperiment } from 'phoenix-metrics';

/**
 * An example to adapt: the Go runtime's garbage-collector metrics that no dashboard or rule
 * reads are dropped; the goroutine count, which an alert reads, must keep its answer.
 * A filter merges nothing, so any replica count stays correct.
 */
export default defineExperiment({
  name: 'drop-go-gc-metrics',
  build(scope, target) {
    new Experiment(scope, 'drop-go-gc-metrics', {
      target,
      baseline: CollectorPipeline.fromYaml(join(__dirname, 'baselines', 'otlp-gateway.yaml')),
      scope: [/process\.runtime\.go\..*/],
      knownMetrics: ['process.runtime.go.goroutines', 'process.runtime.go.gc.count', 'process.runtime.go.gc.pause_ns'],
      candidates: [
        {
          name: 'drop-gc',
          description: 'drop the garbage-collector metrics, keep goroutines',
          processors: [Processor.filterMetrics({ name: 'drop-gc', dropRegexes: ['^process\\.runtime\\.go\\.gc\\..*$'] })],
        },
      ],
      guardrails: {
        queries: [{ name: 'goroutines per service', expr: 'sum by (job) (process_runtime_go_goroutines)' }],
        minSavingsPercent: 5,
      },
    });
  },
});
