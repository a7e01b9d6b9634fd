import { EXPERIMENT_LABEL, VARIANT_LABEL } from '../labels';
/**
 * The shared queries of a cycle: cost and collector health for every experiment at once, grouped
 * `by (phoenix_experiment, phoenix_variant)`. Their number depends on the distinct window lengths
 * and query endpoints, never on the number of experiments.
 */

export { EXPERIMENT_LABEL, VARIANT_LABEL };

/** What each shared query measures. */
export type SharedSignal = 'activeSeries' | 'samplesPerSecond' | 'lagSeconds' | 'droppedPoints' | 'sendFailedPoints' | 'refusedPoints' | 'memoryBytes';

/** One shared query, evaluated as a range query whose step is the window length. */
export interface SharedQuery {
  readonly signal: SharedSignal;
  readonly query: string;
}

const GROUPING = `by (${EXPERIMENT_LABEL}, ${VARIANT_LABEL})`;

/** Collector self-metrics (with and without the `_total` suffix newer collectors add). */
const HEALTH_METRICS: ReadonlyArray<[SharedSignal, string]> = [
  ['droppedPoints', 'otelcol_processor_dropped_metric_points(_total)?'],
  ['sendFailedPoints', 'otelcol_exporter_send_failed_metric_points(_total)?'],
  ['refusedPoints', 'otelcol_receiver_refused_metric_points(_total)?'],
];

/**
 * Builds the shared queries for one window length. `extraMatchers` (e.g. `cluster="prod"`) narrow
 * every selector when several environments share one store.
 * - active series: distinct series seen in the window (`last_over_time` over the window);
 * - samples/s: `count_over_time` over the window divided by its length;
 * - lag: seconds from the window's end back to the newest sample (staleness);
 * - health counters: `increase` over the window; memory: `max_over_time` of the RSS.
 */
export function sharedQueries(windowSeconds: number, extraMatchers: readonly string[] = []): SharedQuery[] {
  const extra = extraMatchers.map((m) => `,${m}`).join('');
  const shadow = `{${EXPERIMENT_LABEL}!="",${VARIANT_LABEL}!="",__name__!~"otelcol_.*"${extra}}`;
  const range = `[${windowSeconds}s]`;
  const health = (name: string): string => `{__name__=~"${name}",${EXPERIMENT_LABEL}!="",${VARIANT_LABEL}!=""${extra}}`;
  return [
    { signal: 'activeSeries', query: `count ${GROUPING} (last_over_time(${shadow}${range}))` },
    { signal: 'samplesPerSecond', query: `sum ${GROUPING} (count_over_time(${shadow}${range})) / ${windowSeconds}` },
    { signal: 'lagSeconds', query: `time() - max ${GROUPING} (timestamp(${shadow}))` },
    ...HEALTH_METRICS.map(([signal, name]) => ({
      signal,
      query:
        signal === 'sendFailedPoints'
          ? // the collector creates the failure counter on the first failure: an exporter that sent points and never failed has 0
            `sum ${GROUPING} (increase(${health(name)}${range})) or (sum ${GROUPING} (increase(${health('otelcol_exporter_sent_metric_points(_total)?')}${range})) * 0)`
          : `sum ${GROUPING} (increase(${health(name)}${range}))`,
    })),
    { signal: 'memoryBytes', query: `max ${GROUPING} (max_over_time(${health('otelcol_process_memory_rss(_bytes)?')}${range}))` },
  ];
}
