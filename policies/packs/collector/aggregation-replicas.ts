import type { RuleFinding } from '../../types';
import { attributeOperations } from './attribute-operations';
import { collectorRule, pipelinesOf } from './config-view';

/** Aggregation is lossless only when one replica sees every series it merges. */
export const aggregationSingleReplica = collectorRule({
  id: 'collector/aggregation-single-replica',
  severity: 'error',
  description: 'Pipelines that aggregate series run on one collector replica: several replicas each merge a part and write conflicting samples.',
  kinds: ['ConfigMap', 'OpenTelemetryCollector'],
  // ctx.maxReplicas: the workloads mounting a ConfigMap, the autoscalers scaling them.
  reads: {
    ConfigMap: [''],
    OpenTelemetryCollector: [''],
    Deployment: ['spec.replicas', 'spec.template.spec.volumes'],
    StatefulSet: ['spec.replicas', 'spec.template.spec.volumes'],
    DaemonSet: ['spec.replicas', 'spec.template.spec.volumes'],
    HorizontalPodAutoscaler: ['spec.scaleTargetRef', 'spec.maxReplicas'],
  },
  applies: (doc, ctx) => {
    const replicas = ctx.maxReplicas(doc);
    return !(replicas === undefined || replicas <= 1);
  },
  check(source, doc, ctx) {
    const replicas = ctx.maxReplicas(doc)!;
    const count = Number.isFinite(replicas) ? `${replicas} replicas` : 'one replica per node (or pod)';
    return pipelinesOf(source).flatMap((pipeline): RuleFinding[] => {
      const at = pipeline.processors.findIndex((id) => attributeOperations(source.config, id).aggregates);
      if (at < 0) return [];
      return [
        {
          pointer: `${pipeline.pointer}/processors/${at}`,
          message: `pipeline '${pipeline.id}' aggregates with '${pipeline.processors[at]}' but the collector runs ${count}: each replica merges only the series it receives`,
          fix: 'run this collector with one replica, or route each series to one replica first (loadbalancing exporter, routing_key: streamID)',
        },
      ];
    });
  },
});
