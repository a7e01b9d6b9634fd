/**
 * Collector model throughput: N experiment-sized pipelines (default 2,000;
 * PHOENIX_BENCH_COLLECTOR_PIPELINES), each with a filter, delta conversion, an aggregation
 * and a routing connector, built from the typed factories and rendered with every rule and
 * schema check. Baseline, measured in the same run over the same configs: a JSON round trip of
 * the rendered config (the least any renderer must do to hand over a fresh copy). Also prints
 * the one-off cost of compiling the schemas the configs use.
 */
import { CollectorPipeline, Connector, Exporter, Extension, Processor, Receiver, type CollectorConfig } from '../constructs/collector';

const PIPELINES = Number(process.env.PHOENIX_BENCH_COLLECTOR_PIPELINES ?? 2_000);
const ROUNDS = Number(process.env.PHOENIX_BENCH_COLLECTOR_ROUNDS ?? 3);

function build(index: number): CollectorPipeline {
  const metric = `http.server.request.duration.${index}`;
  const pipeline = new CollectorPipeline({ source: `bench-${index}` });
  pipeline.addExtension(Extension.healthCheck());
  const routing = Connector.routing({ table: [{ condition: `name == "${metric}"`, pipelines: ['metrics/candidate'] }] });
  pipeline.addPipeline('metrics', {
    receivers: [Receiver.prometheus({ jobName: `team-${index % 50}`, targets: [`app-${index}:8080`], scrapeIntervalSeconds: 30 })],
    processors: [Processor.memoryLimiter(), Processor.filterMetrics({ dropRegexes: ['^go_.*', '^process_.*'] }), Processor.batch()],
    exporters: [Exporter.prometheusRemoteWrite('https://mimir.example/api/v1/push'), routing],
  });
  pipeline.addPipeline('metrics/candidate', {
    receivers: [routing],
    processors: [
      Processor.cumulativeToDelta({ metrics: [metric] }),
      Processor.keepAttributes({ metrics: [metric], keep: ['http.route', 'http.request.method'] }),
      Processor.deltaToCumulative(),
    ],
    exporters: [Exporter.prometheusRemoteWrite('https://shadow.example/api/v1/push', { name: 'shadow' })],
  });
  return pipeline;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function run(): Promise<void> {
  let start = process.hrtime.bigint();
  build(-1).render();
  process.stdout.write(`first render (compiles the schemas it uses): ${(seconds(start) * 1000).toFixed(0)} ms\n`);
  const pipelines = Array.from({ length: PIPELINES }, (_, i) => build(i));
  let configs: CollectorConfig[];
  let best = Infinity;
  let bestBaseline = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    start = process.hrtime.bigint();
    configs = pipelines.map((p) => p.render());
    best = Math.min(best, seconds(start));
    start = process.hrtime.bigint();
    const copies = configs.map((c) => JSON.parse(JSON.stringify(c)) as CollectorConfig);
    bestBaseline = Math.min(bestBaseline, seconds(start));
    if (copies.length !== configs.length) throw new Error('baseline lost configs');
  }
  const perSecond = PIPELINES / best;
  const baselinePerSecond = PIPELINES / bestBaseline;
  process.stdout.write(`${PIPELINES} pipelines, best of ${ROUNDS}: render+validate ${(best * 1000).toFixed(0)} ms (${perSecond.toFixed(0)}/s)\n`);
  process.stdout.write(
    `baseline JSON round trip: ${(bestBaseline * 1000).toFixed(0)} ms (${baselinePerSecond.toFixed(0)}/s); ratio ${(best / bestBaseline).toFixed(1)}x\n`,
  );
  process.stdout.write(`collector: ${(best / bestBaseline).toFixed(2)}× floor (a JSON round trip of the same configs; time, lower is better)\n`);
}
