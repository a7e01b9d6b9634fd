import { componentTypeOf } from './component-types';

/**
 * Which metric names a pipeline's processors see: `scraped` — only Prometheus receivers feed it
 * (they hand on the names as scraped: `redis_commands_total`); `otel` — only OpenTelemetry
 * receivers (`otlp`, `hostmetrics`, …: `redis.commands`, `http.server.request.duration`); `both`;
 * `none` — no receiver reaches it.
 */
export type PipelineInputNaming = 'scraped' | 'otel' | 'both' | 'none';

/** Receiver types that hand on scraped Prometheus names. */
const SCRAPING_RECEIVERS: ReadonlySet<string> = new Set(['prometheus', 'prometheus_simple', 'simpleprometheus']);

type Config = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const idsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * The receiver ids that feed pipeline `pipelineId` of a collector config, through connectors (a
 * connector id among a pipeline's receivers stands for every pipeline that exports to it).
 */
export function receiversFeeding(config: Config, pipelineId: string): string[] {
  const service = isRecord(config.service) ? config.service : {};
  const pipelines = isRecord(service.pipelines) ? service.pipelines : {};
  const connectors = isRecord(config.connectors) ? config.connectors : {};
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const pipeline = pipelines[id];
    if (!isRecord(pipeline)) return;
    for (const receiver of idsOf(pipeline.receivers)) {
      if (!Object.hasOwn(connectors, receiver)) {
        out.add(receiver);
        continue;
      }
      for (const [other, value] of Object.entries(pipelines)) if (isRecord(value) && idsOf(value.exporters).includes(receiver)) visit(other);
    }
  };
  visit(pipelineId);
  return [...out].sort();
}

/** The names the processors of pipeline `pipelineId` see, from the receivers that feed it. */
export function pipelineInputNaming(config: Config, pipelineId: string): PipelineInputNaming {
  const types = receiversFeeding(config, pipelineId).map((id) => componentTypeOf('receiver', id));
  const scraped = types.some((t) => SCRAPING_RECEIVERS.has(t));
  const otel = types.some((t) => !SCRAPING_RECEIVERS.has(t));
  return scraped && otel ? 'both' : scraped ? 'scraped' : otel ? 'otel' : 'none';
}

/** The names every metrics pipeline of a config sees together (`both` when they differ). */
export function metricsInputNaming(config: Config): PipelineInputNaming {
  const service = isRecord(config.service) ? config.service : {};
  const pipelines = isRecord(service.pipelines) ? Object.keys(service.pipelines) : [];
  const kinds = new Set(
    pipelines
      .filter((id) => id === 'metrics' || id.startsWith('metrics/'))
      .map((id) => pipelineInputNaming(config, id))
      .filter((k) => k !== 'none'),
  );
  if (kinds.size === 0) return 'none';
  if (kinds.size === 1) return [...kinds][0]!;
  return 'both';
}
