import { componentTypeOf, otelNamesOfFamily, pipelineInputNaming } from '../../../analysis/naming';
import { isRecord } from '../../collector-configs';
import { pointerOf } from '../../rule-table';
import type { RuleFinding } from '../../types';
import { collectorRule, pipelinesOf, sectionOf } from './config-view';

/**
 * A processor in a pipeline fed only by OpenTelemetry receivers (OTLP…) that selects a metric by a
 * Prometheus series name — `…_total` (the exporter appends it to counters) or `…_bucket` (to
 * histogram buckets) — selects nothing: over OTLP the metric is `redis.commands`, not
 * `redis_commands_total`. The candidate then changes nothing while its report promises a saving.
 */
export const metricNamesMatchInput = collectorRule({
  id: 'collector/metric-names-match-input',
  severity: 'warning',
  reads: 'document',
  description:
    'Processors of pipelines fed by OTLP name metrics by their OpenTelemetry names, not by Prometheus series names (…_total, …_bucket) that no OTLP metric carries.',
  check: (source) => {
    const processors = sectionOf(source.config, 'processors');
    const findings: RuleFinding[] = [];
    const reported = new Set<string>();
    for (const pipeline of pipelinesOf(source).filter((p) => p.signal === 'metrics')) {
      if (pipelineInputNaming(source.config, pipeline.id) !== 'otel') continue;
      for (const id of pipeline.processors) {
        if (reported.has(id)) continue;
        const names = selectedMetricNames(componentTypeOf('processor', id), processors[id]).filter((n) => PROMETHEUS_SUFFIX.test(n));
        if (names.length === 0) continue;
        reported.add(id);
        const spelled = names.map((name) => `'${name}'${otelSpelling(name)}`).join(', ');
        findings.push({
          pointer: source.pointer + pointerOf('processors', id),
          message: `processor '${id}' selects ${spelled} in pipeline '${pipeline.id}', which only OpenTelemetry receivers feed: those are Prometheus series names (the exporter appends _total to counters and _bucket to histogram buckets), so the processor matches no metric the pipeline carries`,
          fix: 'name the metrics as the OTLP senders do (the OpenTelemetry name, without _total/_bucket and unit suffixes), e.g. with `phoenix recommend --baseline <this config>`',
        });
      }
    }
    return findings;
  },
});

const PROMETHEUS_SUFFIX = /_(total|bucket)$/;

/** ` (over OTLP: 'a' or 'b')`, from the naming module. */
function otelSpelling(name: string): string {
  const names = name.endsWith('_bucket') ? otelNamesOfFamily(name.slice(0, -'_bucket'.length), 'histogram') : otelNamesOfFamily(name, 'counter');
  return names.length === 0
    ? ''
    : ` (over OTLP: ${names
        .slice(0, 2)
        .map((n) => `'${n}'`)
        .join(' or ')})`;
}

const NAME_COMPARISON = /(?:^|[^.\w])(?:metric\.)?name\s*==\s*"((?:[^"\\]|\\.)*)"|"((?:[^"\\]|\\.)*)"\s*==\s*(?:metric\.)?name\b/g;

/** Exact metric names a processor selects: OTTL `name == "…"` comparisons, `include.metrics` of strict matches, metricstransform includes. */
function selectedMetricNames(type: string, config: unknown): string[] {
  if (!isRecord(config)) return [];
  const names = new Set<string>();
  const fromText = (text: unknown) => {
    if (typeof text !== 'string') return;
    for (const m of text.matchAll(NAME_COMPARISON)) names.add((m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
  };
  const walk = (value: unknown): void => {
    if (typeof value === 'string') fromText(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (isRecord(value)) Object.values(value).forEach(walk);
  };
  if (type === 'transform') walk(config.metric_statements);
  else if (type === 'filter') walk(config.metrics);
  else if (
    (type === 'cumulative_to_delta' || type === 'delta_to_cumulative') &&
    isRecord(config.include) &&
    (config.include.match_type ?? 'strict') === 'strict'
  ) {
    for (const n of Array.isArray(config.include.metrics) ? config.include.metrics : []) if (typeof n === 'string') names.add(n);
  } else if (type === 'metrics_transform' && Array.isArray(config.transforms)) {
    for (const t of config.transforms) if (isRecord(t) && typeof t.include === 'string' && (t.match_type ?? 'strict') === 'strict') names.add(t.include);
  }
  return [...names].sort();
}
