import type { CollectorConfig } from '../collector/config';
import { EXPERIMENT_LABEL, VARIANT_LABEL } from '../../analysis/labels';

/**
 * The collector's own metrics, labelled per variant (ADR 0127). A real collector labels its
 * self-metrics by component id (`exporter="prometheus_remote_write/phoenix-<experiment>-<variant>"`),
 * not by variant. The shadow therefore adds one more pipeline: a `prometheus` receiver that
 * scrapes the collector's own telemetry endpoint on loopback, keeps the exporter counters of the
 * experiment's shadow exporters, maps each exporter id (known here, so never parsed) to
 * `phoenix_experiment` / `phoenix_variant` with `metric_relabel_configs`, and writes them to the
 * shadow destination beside the shadow series.
 */

/** Reserved variant name: the self-telemetry components use it as their id suffix. */
export const TELEMETRY_SUFFIX = 'telemetry';

/** The exporter counters the watcher reads (with and without the `_total` the remote write adds). */
export const SELF_METRICS_KEPT = 'otelcol_exporter_(sent|send_failed|enqueue_failed)_metric_points(_total)?';

/** Port the collector serves its own metrics on when the config names no reader (the collector's default). */
const DEFAULT_TELEMETRY_PORT = 8888;

/** The ids the self-telemetry adds; the exporter has the type (and spelling) of the shadow exporters. */
export function selfTelemetryIds(experiment: string, exporterType: string): { receiver: string; exporter: string; pipeline: string; job: string } {
  return {
    receiver: `prometheus/phoenix-${experiment}-${TELEMETRY_SUFFIX}`,
    exporter: `${exporterType}/phoenix-${experiment}-${TELEMETRY_SUFFIX}`,
    pipeline: `metrics/phoenix-${experiment}-${TELEMETRY_SUFFIX}`,
    job: `phoenix-${experiment}-${TELEMETRY_SUFFIX}`,
  };
}

/**
 * Loopback address of the collector's own Prometheus endpoint: the port of the first pull
 * Prometheus reader in `service.telemetry.metrics.readers`, or the collector's default 8888 when
 * no reader is configured. Throws when the config turns the metrics off or only pushes them.
 */
export function telemetryTarget(config: CollectorConfig): string {
  const metrics = (config.service.telemetry as { metrics?: { level?: unknown; readers?: unknown } } | undefined)?.metrics;
  if (metrics?.level === 'none') {
    throw new Error(`service.telemetry.metrics.level is 'none': the watcher compares the variants' exporter counters, so the collector must serve its own metrics (level basic or above)`);
  }
  const readers = metrics?.readers;
  if (readers === undefined) return `127.0.0.1:${DEFAULT_TELEMETRY_PORT}`;
  for (const reader of Array.isArray(readers) ? readers : []) {
    const port = (reader as { pull?: { exporter?: { prometheus?: { port?: unknown } } } })?.pull?.exporter?.prometheus?.port;
    if (typeof port === 'number' && Number.isInteger(port)) return `127.0.0.1:${port}`;
  }
  throw new Error('service.telemetry.metrics.readers has no pull Prometheus reader: add one (e.g. port 8888) so the shadow can read the exporter counters per variant');
}

/** Escapes a literal for a Prometheus (RE2) relabel regex. */
function literal(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The receiver, exporter and pipeline that carry the collector's exporter counters per variant.
 * `exporters` maps each variant to the id of its shadow exporter; the relabel regex matches any
 * spelling of the exporter type (`prometheusremotewrite`, `prometheus_remote_write`).
 */
export function renderSelfTelemetry(input: {
  readonly experiment: string;
  readonly config: CollectorConfig;
  readonly exporters: ReadonlyArray<{ readonly variant: string; readonly exporter: string }>;
  readonly scrapeIntervalSeconds: number;
  readonly destination: { readonly remoteWriteUrl: string; readonly headers?: Readonly<Record<string, string>> };
}): { receivers: Record<string, unknown>; exporters: Record<string, unknown>; pipelines: Record<string, { receivers: string[]; exporters: string[] }> } {
  const first = input.exporters[0]?.exporter ?? 'prometheus_remote_write/';
  const ids = selfTelemetryIds(input.experiment, first.slice(0, first.indexOf('/')));
  const relabel: Array<Record<string, unknown>> = [{ source_labels: ['__name__'], regex: SELF_METRICS_KEPT, action: 'keep' }];
  for (const { variant, exporter } of input.exporters) {
    const name = exporter.slice(exporter.indexOf('/') + 1);
    const regex = `[a-z_]+/${literal(name)}`;
    relabel.push({ source_labels: ['exporter'], regex, target_label: EXPERIMENT_LABEL, replacement: input.experiment });
    relabel.push({ source_labels: ['exporter'], regex, target_label: VARIANT_LABEL, replacement: variant });
  }
  relabel.push({ source_labels: [VARIANT_LABEL], regex: '', action: 'drop' });
  const interval = `${input.scrapeIntervalSeconds}s`;
  return {
    receivers: {
      [ids.receiver]: {
        config: {
          scrape_configs: [{
            job_name: ids.job,
            scrape_interval: interval,
            static_configs: [{ targets: [telemetryTarget(input.config)] }],
            metric_relabel_configs: relabel,
          }],
        },
      },
    },
    exporters: {
      [ids.exporter]: {
        endpoint: input.destination.remoteWriteUrl,
        ...(input.destination.headers ? { headers: { ...input.destination.headers } } : {}),
      },
    },
    pipelines: { [ids.pipeline]: { receivers: [ids.receiver], exporters: [ids.exporter] } },
  };
}
