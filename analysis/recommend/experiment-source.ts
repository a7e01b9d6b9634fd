import { attributeCandidatesFor, otelNamesOfFamily, type PrometheusFamilyKind } from '../naming';
import { keptAttributes } from './kept-attributes';
import type { MetricRecommendation } from './types';
import { InputError } from '../input-error';

/**
 * Which names the baseline's processors see: `scraped` — the Prometheus receiver hands them the
 * names as scraped (the snapshot's); `otel` — OTLP (and every other OpenTelemetry receiver) hands
 * them OpenTelemetry names and attribute keys; `both` — the pipeline has receivers of both kinds.
 */
export type ProcessorNaming = 'scraped' | 'otel' | 'both';

/** A guardrail query written inline in the experiment. */
export interface InlineGuardrail {
  readonly name: string;
  readonly expr: string;
}

/** What {@link renderExperimentSource} writes. */
export interface ExperimentSourceInput {
  /** Experiment name, a DNS label (the file's base name). */
  readonly name: string;
  /** The recommendations; only `recommended` ones enter the candidate. */
  readonly metrics: readonly MetricRecommendation[];
  /** Baseline collector YAML, relative to the experiment file's folder. @default - a built OTLP gateway pipeline */
  readonly baselineFile?: string;
  /** The repository root relative to the experiment file's folder (guardrail paths are relative to it). */
  readonly baseDirectory: string;
  /** Rule files (Prometheus `groups:` format) read whole, relative to the repository root. */
  readonly ruleFiles: readonly string[];
  /** Grafana dashboards read whole, relative to the repository root. */
  readonly dashboards: readonly string[];
  /** Queries of files that cannot be referenced whole (PrometheusRule objects, files with a broken query). */
  readonly inlineQueries: readonly InlineGuardrail[];
  readonly minSavingsPercent: number;
  /** One line on where the recommendation comes from, written as a comment. */
  readonly provenance: string;
  /** The names the baseline's processors see (its receivers' naming, `metricsInputNaming` of analysis/naming). @default 'scraped' */
  readonly naming?: ProcessorNaming;
}

/**
 * The metric names a processor must list to act on the family of `recommendation`: the family
 * name for scraped input; for OpenTelemetry input, every name {@link otelNamesOfFamily} gives
 * (no `_total`, the unit as metadata or in the name, `.` or `_` between the words); both for
 * mixed input. A counter family without `_total` has no OpenTelemetry name and keeps its own.
 */
export function processorMetricNames(recommendation: Pick<MetricRecommendation, 'metric' | 'type'>, naming: ProcessorNaming = 'scraped'): string[] {
  if (naming === 'scraped') return [recommendation.metric];
  const otel = otelNamesOfFamily(recommendation.metric, familyKind(recommendation.type));
  const names = naming === 'both' ? [recommendation.metric, ...otel] : otel;
  return names.length === 0 ? [recommendation.metric] : [...new Set(names)];
}

/**
 * The attribute keys a `keep` list must hold to keep the labels `labels`: the labels themselves
 * for scraped input; for OpenTelemetry input also every key the collector turns into that label
 * (`http_route` ← `http.route`; `.` or `_` at each underscore). Keeping a key that does not exist
 * is harmless; missing the real one would merge the series, so every spelling is listed.
 */
export function processorAttributeKeys(labels: readonly string[], naming: ProcessorNaming = 'scraped'): string[] {
  if (naming === 'scraped') return [...labels];
  return [...new Set(labels.flatMap((label) => [label, ...attributeCandidatesFor(label)]))];
}

function familyKind(type: MetricRecommendation['type']): PrometheusFamilyKind {
  if (type === 'counter') return 'counter';
  if (type === 'histogram' || type === 'gaugehistogram') return 'histogram';
  if (type === 'summary') return 'summary';
  return 'gauge';
}

const CANDIDATE = 'recommended';

/**
 * The TypeScript source of an experiment (`experiments/<name>.ts`) holding the recommended
 * changes as one candidate: a filter for dropped metrics, `cumulativetodelta` for the counters
 * and histograms it merges, one `keepAttributes` per (kept labels, function, metric type;
 * delta starts aligned for counters and histograms, ADR 0137; counters read only as absolute values
 * merged as cumulative values, ADR 0138),
 * `deltatocumulative`; the changed metrics as scope; the queries as guardrails.
 * Throws when nothing is recommended (an experiment needs a candidate that changes something).
 */
export function renderExperimentSource(input: ExperimentSourceInput): string {
  const chosen = input.metrics.filter((m) => m.recommended);
  if (chosen.length === 0) throw new InputError('nothing to write: no metric has a recommended change');
  const naming = input.naming ?? 'scraped';
  const namesOf = (m: MetricRecommendation) => processorMetricNames(m, naming);
  const dropped = chosen.filter((m) => m.action === 'drop').flatMap(namesOf);
  const aggregated = chosen.filter((m) => m.action === 'aggregate');
  const deltas = aggregated.filter((m) => m.deltaConversion).flatMap(namesOf);

  const groups = new Map<string, { keep: readonly string[]; fn: string; kind: 'sum' | 'histogram' | 'gauge'; delta: boolean; metrics: string[] }>();
  for (const m of aggregated) {
    const kind = m.type === 'counter' ? 'sum' : m.type === 'histogram' || m.type === 'gaugehistogram' ? 'histogram' : 'gauge';
    const keep = processorAttributeKeys(keptAttributes(m), naming);
    const key = `${kind}|${m.function}|${m.deltaConversion}|${keep.join(',')}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { keep, fn: m.function ?? 'sum', kind, delta: m.deltaConversion, metrics: [] }));
    group.metrics.push(...namesOf(m));
  }

  const q = (s: string) => JSON.stringify(s);
  const list = (items: readonly string[], indent: string) => (items.length === 0 ? '[]' : `[\n${items.map((i) => `${indent}  ${i},`).join('\n')}\n${indent}]`);
  const processors: string[] = [];
  if (dropped.length > 0) processors.push(`Processor.filterMetrics({ name: '${CANDIDATE}', dropNames: ${list(dropped.map(q), '            ')} })`);
  if (deltas.length > 0) processors.push(`Processor.cumulativeToDelta({ name: '${CANDIDATE}', metrics: ${list(deltas.map(q), '            ')} })`);
  [...groups.values()].forEach((g, i) => {
    const type = g.kind;
    const metrics = list(
      g.metrics.map((m) => `{ name: ${q(m)}, type: '${type}' }`),
      '              ',
    );
    const fn = type === 'gauge' ? `gaugeFunction: '${g.fn}'` : type === 'sum' ? `aggregation: '${g.fn}'` : undefined;
    // counters and histograms merge as deltas: every delta point of one timestamp must merge (ADR 0137); counters
    // every query reads as absolute values merge as cumulative values (ADR 0138)
    const options = [fn, g.delta ? 'alignDeltaStarts: true' : type === 'sum' ? 'absoluteSums: true' : undefined].filter((o) => o !== undefined);
    processors.push(
      `Processor.keepAttributes({\n              name: '${CANDIDATE}-${i + 1}',\n              metrics: ${metrics},\n              keep: [${g.keep.map(q).join(', ')}],${options.map((o) => `\n              ${o},`).join('')}\n            })`,
    );
  });
  if (deltas.length > 0) processors.push(`Processor.deltaToCumulative({ name: '${CANDIDATE}' })`);

  const before = chosen.reduce((n, m) => n + m.seriesBefore, 0);
  const after = chosen.reduce((n, m) => n + m.seriesAfter, 0);
  const description = `${dropped.length} dropped, ${aggregated.length} aggregated: ${before} → ${after} series in scope`;
  const baseline = input.baselineFile ? `CollectorPipeline.fromYaml(join(__dirname, ${q(input.baselineFile)}))` : 'gatewayBaseline(target.remoteWriteUrl)';
  const guardrails: string[] = [];
  if (input.inlineQueries.length > 0) {
    guardrails.push(
      `queries: ${list(
        input.inlineQueries.map((g) => `{ name: ${q(g.name)}, expr: ${q(g.expr)} }`),
        '        ',
      )}`,
    );
  }
  if (input.ruleFiles.length > 0) guardrails.push(`ruleFiles: ${list(input.ruleFiles.map(q), '        ')}`);
  if (input.dashboards.length > 0) guardrails.push(`dashboards: ${list(input.dashboards.map(q), '        ')}`);
  guardrails.push(`minSavingsPercent: ${input.minSavingsPercent}`);

  const imports = input.baselineFile ? 'CollectorPipeline, Processor' : 'CollectorPipeline, Exporter, Extension, Processor, Receiver';
  const gateway = input.baselineFile
    ? ''
    : `
/**
 * Placeholder baseline: an OTLP gateway writing to the environment's production remote-write URL. Replace it
 * with the production collector config (\`phoenix recommend --baseline FILE\`) so the experiment
 * shadows what really runs.
 */
function gatewayBaseline(remoteWriteUrl: string): CollectorPipeline {
  const pipeline = new CollectorPipeline();
  pipeline.addExtension(Extension.healthCheck());
  pipeline.addPipeline('metrics', {
    receivers: [Receiver.otlp()],
    processors: [Processor.memoryLimiter(), Processor.batch()],
    exporters: [Exporter.prometheusRemoteWrite(remoteWriteUrl)],
  });
  return pipeline;
}
`;
  return `import { join } from 'node:path';
import { ${imports} } from '../constructs/collector';
import { defineExperiment } from '../constructs/experiment/definition';
import { Experiment } from '../constructs/experiment/experiment';
import { InputError } from '../input-error';

// ${input.provenance}
// Each change keeps the labels the rule and dashboard queries read and merges the rest with a
// function every reading query tolerates; counters and histograms merge as deltas.
${
  naming === 'scraped'
    ? ''
    : `// The baseline receives OpenTelemetry names${naming === 'both' ? ' (and scraped names)' : ''}: each metric is listed under the names the collector
// translates into its Prometheus name (no _total, the unit as metadata or in the name, '.' or '_' between words),
// each kept label under every attribute key that becomes it.
`
}${gateway}
export default defineExperiment({
  name: ${q(input.name)},
  build(scope, target) {
    new Experiment(scope, ${q(input.name)}, {
      baseline: ${baseline},
      scope: ${list(chosen.flatMap(namesOf).map(q), '      ')},
      candidates: [
        {
          name: '${CANDIDATE}',
          description: ${q(description)},
          processors: [
            ${processors.join(',\n            ')},
          ],
        },
      ],
      guardrails: {
        ${guardrails.join(',\n        ')},
      },
      target,
      baseDirectory: join(__dirname, ${q(input.baseDirectory)}),
    });
  },
});
`;
}
