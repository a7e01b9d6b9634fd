/**
 * Where the shadow reads the collector's own metrics (ADR 0127): the telemetry shadow in
 * `shadow.ts` scrapes this loopback address and relabels the component ids per variant.
 */
import type { CollectorConfig } from '../collector/config';

/** Reserved variant name: the self-telemetry components use it as their id suffix. */
export const TELEMETRY_SUFFIX = 'telemetry';

/** Port the collector serves its own metrics on when the config names no reader (the collector's default). */
export const COLLECTOR_TELEMETRY_PORT = 8888;

/**
 * Loopback address of the collector's own Prometheus endpoint: the port of the first pull
 * Prometheus reader in `service.telemetry.metrics.readers`, or the collector's default 8888 when
 * no reader is configured. Throws when the config turns the metrics off or only pushes them.
 */
export function telemetryTarget(config: CollectorConfig): string {
  const metrics = (config.service.telemetry as { metrics?: { level?: unknown; readers?: unknown } } | undefined)?.metrics;
  if (metrics?.level === 'none') {
    throw new Error(
      `service.telemetry.metrics.level is 'none': the watcher compares the variants' exporter counters, so the collector must serve its own metrics (level basic or above)`,
    );
  }
  const readers = metrics?.readers;
  if (readers === undefined) return `127.0.0.1:${COLLECTOR_TELEMETRY_PORT}`;
  for (const reader of Array.isArray(readers) ? readers : []) {
    const port = (reader as { pull?: { exporter?: { prometheus?: { port?: unknown } } } })?.pull?.exporter?.prometheus?.port;
    if (typeof port === 'number' && Number.isInteger(port)) return `127.0.0.1:${port}`;
  }
  throw new Error(
    'service.telemetry.metrics.readers has no pull Prometheus reader: add one (e.g. port 8888) so the shadow can read the exporter counters per variant',
  );
}
