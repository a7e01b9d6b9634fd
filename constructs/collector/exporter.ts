import { TypedComponent, checkName, checkNumber, goDuration, type ComponentInit, type ComponentNameProps } from './base';
import type { ComponentEffects } from './effects';
import { CollectorConfigError } from './errors';
import { checkEndpoint } from './receiver';

/** Props shared by the exporters that retry and queue. */
export interface QueuedExporterProps extends ComponentNameProps {
  /** Retry failed sends with exponential back-off. @default true */
  readonly retryOnFailure?: boolean;
  /** Give up retrying a batch after this long, seconds. @default 300 */
  readonly retryMaxElapsedSeconds?: number;
  /** Buffer batches in a queue while the destination is slow. @default true */
  readonly sendingQueue?: boolean;
  /** Queue capacity, in batches. @default 10000 */
  readonly queueSize?: number;
  /** Concurrent senders draining the queue. @default 5 */
  readonly numConsumers?: number;
  /** Per-request timeout, seconds. @default - the exporter's own (5 s) */
  readonly timeoutSeconds?: number;
  /** Extra HTTP / gRPC headers (e.g. a tenant header). @default - none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Props of `Exporter.prometheusRemoteWrite()`. */
export interface PrometheusRemoteWriteProps extends QueuedExporterProps {
  /** Labels added to every series, e.g. `{ cluster: 'prod-eu' }`. @default - none */
  readonly externalLabels?: Readonly<Record<string, string>>;
  /** Copy every resource attribute onto every series as a label. @default false */
  readonly resourceToTelemetryConversion?: boolean;
  /** Emit the `target_info` series carrying resource attributes. @default true */
  readonly targetInfo?: boolean;
}

/** Props of `Exporter.otlp()` / `Exporter.otlpHttp()`. */
export interface OtlpExporterProps extends QueuedExporterProps {
  /** Skip TLS (plain-text connection). @default false */
  readonly insecure?: boolean;
}

/** Props of `Exporter.prometheus()`. */
export interface PrometheusExporterProps extends ComponentNameProps {
  /** Listen address of the `/metrics` endpoint. @default '0.0.0.0:8889' */
  readonly endpoint?: string;
  /** Forget series not updated for this long, seconds. @default 300 */
  readonly metricExpirationSeconds?: number;
}

/** Props of `Exporter.debug()`. */
export interface DebugExporterProps extends ComponentNameProps {
  /** How much the exporter prints. @default 'basic' */
  readonly verbosity?: 'basic' | 'normal' | 'detailed';
}

/** An exporter: where metrics leave the collector. */
export class Exporter extends TypedComponent {
  /**
   * `prometheus_remote_write`: sends to a Prometheus-compatible remote-write endpoint.
   * Retries and a queue are on by default (this exporter's queue is `remote_write_queue`).
   */
  static prometheusRemoteWrite(url: string, props: PrometheusRemoteWriteProps = {}): Exporter {
    const factory = 'Exporter.prometheusRemoteWrite';
    const name = checkName(factory, props.name);
    checkUrl(factory, url);
    const config: Record<string, unknown> = { endpoint: url, ...commonHttp(factory, props) };
    config.retry_on_failure = retry(factory, props);
    config.remote_write_queue = {
      enabled: props.sendingQueue ?? true,
      queue_size: props.queueSize ?? 10000,
      num_consumers: props.numConsumers ?? 5,
    };
    if (props.resourceToTelemetryConversion) config.resource_to_telemetry_conversion = { enabled: true };
    config.target_info = { enabled: props.targetInfo ?? true };
    if (props.externalLabels) {
      for (const key of Object.keys(props.externalLabels)) {
        if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key)) {
          throw new CollectorConfigError(`${factory}: externalLabels key '${key}' is not a valid Prometheus label name`);
        }
      }
      config.external_labels = { ...props.externalLabels };
    }
    return new Exporter({ type: 'prometheus_remote_write', name, config });
  }

  /** `otlp_grpc`: OTLP over gRPC to `host:port`. */
  static otlp(endpoint: string, props: OtlpExporterProps = {}): Exporter {
    const factory = 'Exporter.otlp';
    const name = checkName(factory, props.name);
    checkEndpoint(factory, 'endpoint', endpoint);
    const config: Record<string, unknown> = { endpoint, ...commonHttp(factory, props), ...queued(factory, props) };
    if (props.insecure) config.tls = { insecure: true };
    return new Exporter({ type: 'otlp_grpc', name, config });
  }

  /** `otlp_http`: OTLP over HTTP to a base URL (`/v1/metrics` is appended by the exporter). */
  static otlpHttp(url: string, props: OtlpExporterProps = {}): Exporter {
    const factory = 'Exporter.otlpHttp';
    const name = checkName(factory, props.name);
    checkUrl(factory, url);
    const config: Record<string, unknown> = { endpoint: url, ...commonHttp(factory, props), ...queued(factory, props) };
    if (props.insecure) config.tls = { insecure: true };
    return new Exporter({ type: 'otlp_http', name, config });
  }

  /** `prometheus`: serves the metrics on a `/metrics` endpoint for Prometheus to scrape. */
  static prometheus(props: PrometheusExporterProps = {}): Exporter {
    const factory = 'Exporter.prometheus';
    const name = checkName(factory, props.name);
    const endpoint = props.endpoint ?? '0.0.0.0:8889';
    checkEndpoint(factory, 'endpoint', endpoint);
    checkNumber(factory, 'metricExpirationSeconds', props.metricExpirationSeconds, { min: 1, integer: true });
    return new Exporter({
      type: 'prometheus',
      name,
      config: { endpoint, metric_expiration: goDuration(props.metricExpirationSeconds ?? 300) },
    });
  }

  /** `debug`: prints what reaches it (for trying pipelines out). */
  static debug(props: DebugExporterProps = {}): Exporter {
    const factory = 'Exporter.debug';
    const name = checkName(factory, props.name);
    const verbosity = props.verbosity ?? 'basic';
    if (!['basic', 'normal', 'detailed'].includes(verbosity)) {
      throw new CollectorConfigError(`${factory}: 'verbosity' (${JSON.stringify(verbosity)}) must be basic, normal or detailed`);
    }
    return new Exporter({ type: 'debug', name, config: { verbosity } });
  }

  /**
   * An exporter kept exactly as written (imported configs, types Phoenix does not model).
   * @internal used by `CollectorPipeline.fromConfig`
   */
  static verbatim(type: string, name: string | undefined, config: Record<string, unknown>, effects?: ComponentEffects): Exporter {
    return new Exporter({ type, name, config, effects });
  }

  readonly kind = 'exporter' as const;

  private constructor(init: ComponentInit) {
    super(init);
  }
}

function checkUrl(factory: string, url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new CollectorConfigError(`${factory}: the URL ${JSON.stringify(url)} must be an absolute http:// or https:// URL`);
  }
}

function commonHttp(factory: string, props: QueuedExporterProps): Record<string, unknown> {
  checkNumber(factory, 'timeoutSeconds', props.timeoutSeconds, { min: 0.001 });
  const out: Record<string, unknown> = {};
  if (props.timeoutSeconds !== undefined) out.timeout = goDuration(props.timeoutSeconds);
  if (props.headers) out.headers = { ...props.headers };
  return out;
}

function retry(factory: string, props: QueuedExporterProps): Record<string, unknown> {
  checkNumber(factory, 'retryMaxElapsedSeconds', props.retryMaxElapsedSeconds, { min: 1, integer: true });
  return {
    enabled: props.retryOnFailure ?? true,
    initial_interval: '5s',
    max_interval: '30s',
    max_elapsed_time: goDuration(props.retryMaxElapsedSeconds ?? 300),
  };
}

function queued(factory: string, props: QueuedExporterProps): Record<string, unknown> {
  checkNumber(factory, 'queueSize', props.queueSize, { min: 1, integer: true });
  checkNumber(factory, 'numConsumers', props.numConsumers, { min: 1, integer: true });
  return {
    retry_on_failure: retry(factory, props),
    sending_queue: { enabled: props.sendingQueue ?? true, queue_size: props.queueSize ?? 10000, num_consumers: props.numConsumers ?? 5 },
  };
}
