import { describe, expect, it } from 'vitest';
import { CollectorPipeline, Connector, Exporter, Extension, Processor, Receiver, type CollectorConfigError } from '../../constructs/collector';

const scrape = () => Receiver.prometheus({ jobName: 'checkout', targets: ['checkout:8080'], scrapeIntervalSeconds: 30 });
const remoteWrite = () => Exporter.prometheusRemoteWrite('http://mimir:9009/api/v1/push');
const keepRoute = () => Processor.keepAttributes({ metrics: ['http.server.request.duration'], keep: ['http.route'] });

/** A pipeline that aggregates a counter the lossless way. */
function aggregatingPipeline(): CollectorPipeline {
  const pipeline = new CollectorPipeline();
  pipeline.addExtension(Extension.healthCheck());
  pipeline.addPipeline('metrics', {
    receivers: [scrape()],
    processors: [
      Processor.memoryLimiter(),
      Processor.filterMetrics({ dropRegexes: ['^go_.*'] }),
      Processor.cumulativeToDelta({ metrics: ['http.server.request.duration'] }),
      keepRoute(),
      Processor.deltaToCumulative(),
      Processor.batch(),
    ],
    exporters: [remoteWrite()],
  });
  return pipeline;
}

function problemsOf(pipeline: CollectorPipeline): readonly string[] {
  try {
    pipeline.render();
  } catch (error) {
    return (error as CollectorConfigError).problems;
  }
  return [];
}

describe('CollectorPipeline rendering', () => {
  it('reflects every change made after an earlier render, and hands out copies', () => {
    // GIVEN a pipeline rendered once, and the rendered copy changed by its reader
    const pipeline = aggregatingPipeline();
    const first = pipeline.render();
    (first.processors as Record<string, unknown>).tampered = {};
    expect(Object.keys(pipeline.render().processors ?? {})).not.toContain('tampered');
    // WHEN components, a pipeline and an extension are added afterwards
    pipeline.addExtension(Extension.verbatim('zpages', undefined, {}));
    pipeline.addPipeline('metrics/second', { receivers: [Receiver.otlp()], processors: [Processor.batch({ name: 'second' })], exporters: [remoteWrite()] });
    // THEN the next render and validation see them
    const second = pipeline.render();
    expect(Object.keys(second.service.pipelines)).toEqual(['metrics', 'metrics/second']);
    expect(Object.keys(second.processors ?? {})).toContain('batch/second');
    expect(second.service.extensions).toContain('zpages');
    // AND a change that breaks the config is reported at once
    pipeline.addPipeline('metrics/broken', { receivers: ['missing'], exporters: [remoteWrite()] });
    expect(pipeline.validate().join('\n')).toMatch(/missing/);
  });
});

describe('CollectorPipeline', () => {
  it('renders exactly what the collector reads', () => {
    // GIVEN a pipeline that aggregates through delta conversion
    const pipeline = aggregatingPipeline();
    // WHEN it renders
    const config = pipeline.render();
    // THEN the whole config matches the reviewed shape
    expect(config).toMatchSnapshot();
  });

  it('keeps processors in the order given and lists extensions in service', () => {
    const config = aggregatingPipeline().render();
    expect(config.service.pipelines.metrics.processors).toEqual([
      'memory_limiter',
      'filter',
      'cumulative_to_delta',
      'transform/keep-attributes',
      'delta_to_cumulative',
      'batch',
    ]);
    expect(config.service.extensions).toEqual(['health_check']);
    expect(config.service.telemetry).toMatchObject({ metrics: { level: 'normal' } });
  });

  it('tells deployment that an aggregating pipeline runs on one replica, and why', () => {
    const pipeline = aggregatingPipeline();
    expect(pipeline.aggregates()).toBe(true);
    const requirements = pipeline.deploymentRequirements();
    expect(requirements.singleReplica).toBe(true);
    expect(requirements.reasons).toContain("pipeline 'metrics': 'transform/keep-attributes' merges series, which must all reach the same replica");
  });

  it('needs no single replica when nothing keeps state', () => {
    const pipeline = new CollectorPipeline();
    pipeline.addPipeline('metrics', { receivers: [Receiver.otlp()], processors: [Processor.batch()], exporters: [remoteWrite()] });
    expect(pipeline.aggregates()).toBe(false);
    expect(pipeline.deploymentRequirements()).toEqual({ singleReplica: false, reasons: [] });
  });

  it('reports every problem at once, one message each', () => {
    // GIVEN a pipeline with a wrong order, an unknown reference and an unused exporter (which the collector loads: a warning)
    const pipeline = new CollectorPipeline({ source: 'experiments/http.ts' });
    pipeline.addExporter(Exporter.debug());
    pipeline.addPipeline('metrics', { receivers: ['otlp'], processors: [Processor.batch(), Processor.memoryLimiter()], exporters: [remoteWrite()] });
    // WHEN it renders THEN it throws listing all of them
    expect(() => pipeline.render()).toThrow(/collector config from experiments\/http.ts is invalid \(3 problems\)/);
    expect(problemsOf(pipeline)).toEqual([
      "pipeline 'metrics': 'receivers' references 'otlp', which is not defined under receivers or connectors (add it with addReceiver)",
      "pipeline 'metrics': 'batch' must be the last processor (it is #1 of 2)",
      "pipeline 'metrics': 'memory_limiter' must be the first processor (it is #2) so it refuses data before any other processor holds it",
    ]);
    expect(pipeline.warnings()).toContain("exporter 'debug' is defined but used by no pipeline: list it in a pipeline's exporters or remove it");
  });

  it('fails when a filter comes after a transform', () => {
    const pipeline = new CollectorPipeline();
    pipeline.addPipeline('metrics', {
      receivers: [scrape()],
      processors: [Processor.dropAttribute({ attribute: 'k8s.pod.uid', impliedBy: 'k8s.pod.name' }), Processor.filterMetrics({ dropNames: ['up'] })],
      exporters: [remoteWrite()],
    });
    expect(() => pipeline.render()).toThrow(/filter 'filter' must come before transform 'transform\/drop-k8s.pod.uid'/);
  });

  it('fails when the pipeline id is not a signal', () => {
    const pipeline = new CollectorPipeline();
    pipeline.addPipeline('metric/x', { receivers: [scrape()], exporters: [remoteWrite()] });
    expect(() => pipeline.render()).toThrow(/pipeline 'metric\/x': the id must be 'metrics', 'traces' or 'logs'/);
  });

  it('fails when two different components share an id', () => {
    const pipeline = new CollectorPipeline();
    pipeline.addExporter(Exporter.debug());
    expect(() => pipeline.addExporter(Exporter.debug({ verbosity: 'detailed' }))).toThrow(
      /exporter 'debug' is already defined by another component: give one of them a 'name'/,
    );
  });

  it('treats an identical component added twice as one', () => {
    const pipeline = new CollectorPipeline();
    pipeline.addPipeline('metrics', { receivers: [Receiver.otlp()], processors: [Processor.batch()], exporters: [Exporter.debug()] });
    pipeline.addPipeline('metrics/copy', { receivers: [Receiver.otlp()], processors: [Processor.batch()], exporters: [Exporter.debug()] });
    expect(Object.keys(pipeline.render().processors ?? {})).toEqual(['batch']);
  });

  it('fails when a component is listed in the wrong section', () => {
    const pipeline = new CollectorPipeline();
    expect(() => pipeline.addPipeline('metrics', { receivers: [Exporter.debug()], exporters: [Exporter.debug()] })).toThrow(
      /exporter 'debug' cannot be listed in 'receivers'/,
    );
  });

  it('fails when a routing connector routes to a pipeline that does not receive from it', () => {
    const routing = Connector.routing({ table: [{ condition: 'name == "up"', pipelines: ['metrics/up'] }] });
    const pipeline = new CollectorPipeline();
    pipeline.addPipeline('metrics', { receivers: [Receiver.otlp()], exporters: [routing] });
    pipeline.addPipeline('metrics/up', { receivers: [Receiver.otlp()], exporters: [Exporter.debug()] });
    expect(problemsOf(pipeline)).toEqual([
      "connector 'routing' must be an exporter of one pipeline and a receiver of another (it is not a receiver anywhere)",
      "connector 'routing': routes to pipeline 'metrics/up', which does not list 'routing' as a receiver",
    ]);
  });

  it('fails when an attribute is kept by one processor and deleted by another', () => {
    const pipeline = new CollectorPipeline();
    pipeline.addPipeline('metrics', {
      receivers: [scrape()],
      processors: [
        Processor.cumulativeToDelta(),
        Processor.keepAttributes({ metrics: ['http.server.request.duration'], keep: ['http.route', 'k8s.pod.uid', 'k8s.pod.name'] }),
        Processor.deltaToCumulative(),
        Processor.dropAttribute({ attribute: 'k8s.pod.uid', impliedBy: 'k8s.pod.name' }),
      ],
      exporters: [remoteWrite()],
    });
    expect(problemsOf(pipeline)).toEqual([
      "pipeline 'metrics': attribute 'k8s.pod.uid' is kept by 'transform/keep-attributes' and deleted by 'transform/drop-k8s.pod.uid': keep it or drop it, not both",
    ]);
  });

  it('fails when the attribute implying a deleted one was removed before', () => {
    const pipeline = new CollectorPipeline();
    pipeline.addPipeline('metrics', {
      receivers: [scrape()],
      processors: [
        Processor.cumulativeToDelta(),
        keepRoute(),
        Processor.deltaToCumulative(),
        Processor.dropAttribute({ attribute: 'k8s.pod.uid', impliedBy: 'k8s.pod.name' }),
      ],
      exporters: [remoteWrite()],
    });
    expect(() => pipeline.render()).toThrow(
      /'transform\/drop-k8s.pod.uid' deletes 'k8s.pod.uid' as implied by 'k8s.pod.name', but 'transform\/keep-attributes' already removed 'k8s.pod.name'/,
    );
  });

  it('returns copies from its getters', () => {
    const pipeline = aggregatingPipeline();
    (pipeline.metricsPipelines().metrics.receivers as string[]).push('otlp');
    pipeline.componentsOf('processor').pop();
    expect(pipeline.metricsPipelines().metrics.receivers).toEqual(['prometheus']);
    expect(pipeline.componentsOf('processor')).toHaveLength(6);
  });

  it('clones into an independent copy', () => {
    // GIVEN a clone of a valid pipeline
    const original = aggregatingPipeline();
    const copy = original.clone();
    // WHEN the copy gains a pipeline
    copy.addPipeline('metrics/debug', { receivers: ['prometheus'], exporters: [Exporter.debug()] });
    // THEN the original does not see it
    expect(Object.keys(copy.render().service.pipelines)).toEqual(['metrics', 'metrics/debug']);
    expect(Object.keys(original.render().service.pipelines)).toEqual(['metrics']);
  });

  it('fails when the telemetry port is out of range', () => {
    expect(() => new CollectorPipeline({ telemetry: { metricsPort: 70000 } })).toThrow(/'metricsPort' \(70000\) must be an integer between 1 and 65535/);
  });
});
