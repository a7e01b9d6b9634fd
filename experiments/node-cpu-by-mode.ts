import { join } from 'node:path';
import { CollectorPipeline, Processor } from '../constructs/collector';
import { defineExperiment } from '../constructs/experiment/definition';
import { Experiment } from '../constructs/experiment/experiment';

/** The counter as the Prometheus receiver hands it to the processors (the scraped name). */
const NODE_CPU = 'node_cpu_seconds_total';

/**
 * node-exporter writes one `node_cpu_seconds_total` series per CPU core and mode; every
 * dashboard sums over cores. Aggregate by mode within each node (one scrape target = one
 * resource, so nothing crosses nodes), keeping per-node CPU time by mode exact. The merge runs between
 * delta conversions with its delta starts aligned (the `keepAttributes` default, ADR 0139): a CPU that
 * goes offline and comes back, or restarts its counter, costs at most its own first value after it.
 */
export default defineExperiment({
  name: 'node-cpu-by-mode',
  build(scope, target) {
    new Experiment(scope, 'node-cpu-by-mode', {
      baseline: CollectorPipeline.fromYaml(join(__dirname, 'baselines', 'node-exporter.yaml')),
      scope: [NODE_CPU],
      knownMetrics: [NODE_CPU, 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'node_network_receive_bytes_total'],
      candidates: [
        {
          name: 'by-mode',
          description: 'sum over cpu, keep mode (per node)',
          processors: [
            Processor.cumulativeToDelta({ name: 'by-mode', metrics: [NODE_CPU] }),
            Processor.keepAttributes({ name: 'by-mode', metrics: [{ name: NODE_CPU, type: 'sum' }], keep: ['mode'] }),
            Processor.deltaToCumulative({ name: 'by-mode' }),
          ],
        },
      ],
      guardrails: {
        queries: [
          { name: 'cpu seconds by node and mode', expr: 'sum by (instance, mode) (rate(node_cpu_seconds_total[5m]))' },
          {
            name: 'node utilisation',
            expr: '1 - sum by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) / sum by (instance) (rate(node_cpu_seconds_total[5m]))',
          },
          { name: 'cluster iowait share', expr: 'sum(rate(node_cpu_seconds_total{mode="iowait"}[5m])) / sum(rate(node_cpu_seconds_total[5m]))', hard: false },
        ],
        collectorHealth: { maxMemoryPercent: 70 },
      },
      promotion: { windowMinutes: 30, windows: 12, consecutivePasses: 4 },
      target,
    });
  },
});
