import { describe, expect, it } from 'vitest';
import { CollectorPipeline, Exporter, Extension, Processor, Receiver } from '../../constructs/collector';

function aggregatingPipeline(): CollectorPipeline {
  const pipeline = new CollectorPipeline();
  pipeline.addExtension(Extension.healthCheck());
  pipeline.addPipeline('metrics', {
    receivers: [Receiver.prometheus({ jobName: 'checkout', targets: ['checkout:8080'], scrapeIntervalSeconds: 30 })],
    processors: [
      Processor.memoryLimiter(),
      Processor.filterMetrics({ dropRegexes: ['^go_.*'] }),
      Processor.cumulativeToDelta({ metrics: ['http.server.request.duration'] }),
      Processor.keepAttributes({ metrics: ['http.server.request.duration'], keep: ['http.route'] }),
      Processor.deltaToCumulative(),
      Processor.batch(),
    ],
    exporters: [Exporter.prometheusRemoteWrite('http://mimir:9009/api/v1/push')],
  });
  return pipeline;
}

describe('CollectorPipeline', () => {
  it('renders service.pipelines in the order given', () => {
    // GIVEN a pipeline that aggregates through delta conversion
    const pipeline = aggregatingPipeline();
    // WHEN it renders
    const config = pipeline.render();
    // THEN the processors keep their order and the extension is listed
    expect(config.service.pipelines.metrics.processors).toEqual([
      'memory_limiter',
      'filter',
      'cumulativetodelta',
      'transform/keep-attributes',
      'deltatocumulative',
      'batch',
    ]);
    expect(config.service.extensions).toEqual(['health_check']);
    expect(pipeline.aggregates()).toBe(true);
    expect(pipeline.deploymentRequirements().singleReplica).toBe(true);
  });

  it('fails when a pipeline references an undefined component', () => {
    const pipeline = new CollectorPipeline();
    pipeline.addPipeline('metrics', { receivers: ['otlp'], exporters: [Exporter.debug()] });
    expect(() => pipeline.render()).toThrow(/pipeline 'metrics': 'receivers' references 'otlp', which is not defined/);
  });
});
