import { Chart, Testing } from 'cdk8s';
import { CollectorPipeline, Processor } from '../constructs/collector';
import { Experiment } from '../constructs/experiment/experiment';
const e = new Experiment(new Chart(Testing.app(), 'upstream'), 'couchbase', {
  target: { environment: 'dev', namespace: 'observability', remoteWriteUrl: 'https://prod.example/api/v1/push', shadowRemoteWriteUrl: 'https://shadow.example/api/v1/push', scrapeIntervalSeconds: 60, lifecycle: { phase: 'running' } },
  baseline: CollectorPipeline.fromYaml('test/fixtures/collector-configs/contrib-couchbase.yaml'),
  scope: ['kv_ep_num_value_ejects'],
  candidates: [{ name: 'drop', processors: [Processor.filterMetrics({ name: 'drop', dropNames: ['couchbase.bucket.item.ejection.count'] })] }],
  guardrails: { queries: [{ name: 'o', expr: 'sum(rate({__name__="couchbase.bucket.operation.count"}[5m]))' }] },
  promotion: { windowMinutes: 30, windows: 2, consecutivePasses: 1 },
});
console.log(JSON.stringify(e.renderedConfig().service.pipelines, null, 1));
